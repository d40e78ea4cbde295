/** The PHY-rate sweep as a terminal table (`vwifi sweep-rate`, and `vwifi compare --sweep`). */
import { describePhy } from "../air/PhyConfig.ts"
import { sweepGroups, sweepRates } from "../compare/Sweep.ts"
import type { SweepReport } from "../report/SweepReport.ts"

/** "seed 1", or "seeds 1–5 (means)" when each point is a mean over several. */
const seedsOf = (r: SweepReport): string =>
  r.seeds.length <= 1 ? `seed ${r.seed}` : `seeds ${r.seeds[0]}–${r.seeds[r.seeds.length - 1]} (means)`

export const renderSweep = (r: SweepReport): string => {
  const lines = [`Saturated UDP goodput (Mb/s) / CPU (%) against PHY rate, ${r.simulatedSecondsPerRun} s per point, ${seedsOf(r)}`]
  lines.push(`  ${"group".padEnd(38)}${sweepRates.map((p) => `${Math.round(r.points.find((x) => x.phy === describePhy(p))?.phyRateMbps ?? 0)} Mb/s`.padStart(16)).join("")}`)
  for (const g of sweepGroups) {
    const cells = r.points.filter((p) => p.group === g.id).map((p) => `${p.goodputMbps.toFixed(1)} / ${(100 * p.cpuUtilization).toFixed(1)}%`.padStart(16))
    lines.push(`  ${g.label.padEnd(38)}${cells.join("")}`)
  }
  lines.push(`  PHY rates: ${sweepRates.map(describePhy).join("; ")}`)
  return lines.join("\n")
}
