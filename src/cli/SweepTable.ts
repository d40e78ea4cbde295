/** The PHY-rate sweep as a terminal table (`vwifi sweep-rate`, and `vwifi compare --sweep`). */
import { describePhy } from "../air/PhyConfig.ts"
import { sweepGroups, sweepRates } from "../compare/Sweep.ts"
import type { SweepReport } from "../report/SweepReport.ts"

export const renderSweep = (r: SweepReport): string => {
  const lines = [`Saturated UDP goodput (Mb/s) / CPU (%) against PHY rate, ${r.simulatedSecondsPerRun} s per point, seed ${r.seed}`]
  lines.push(`  ${"group".padEnd(38)}${sweepRates.map((p) => `${Math.round(r.points.find((x) => x.phy === describePhy(p))?.phyRateMbps ?? 0)} Mb/s`.padStart(16)).join("")}`)
  for (const g of sweepGroups) {
    const cells = r.points.filter((p) => p.group === g.id).map((p) => `${p.goodputMbps.toFixed(1)} / ${(100 * p.cpuUtilization).toFixed(1)}%`.padStart(16))
    lines.push(`  ${g.label.padEnd(38)}${cells.join("")}`)
  }
  lines.push(`  PHY rates: ${sweepRates.map(describePhy).join("; ")}`)
  return lines.join("\n")
}
