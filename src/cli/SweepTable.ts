/** The PHY-rate sweep as a terminal table (`vwifi sweep-rate`, and `vwifi compare --sweep`). */
import { describePhy } from "../air/PhyConfig.ts"
import { sweepGroups, sweepRates } from "../compare/Sweep.ts"
import type { SweepReport } from "../report/SweepReport.ts"
import { withCi } from "../report/Format.ts"

/** "seed 1", or "seeds 1–5 (means)" when each point is a mean over several. */
const seedsOf = (r: SweepReport): string =>
  r.seeds.length <= 1 ? `seed ${r.seed}` : `seeds ${r.seeds[0]}–${r.seeds[r.seeds.length - 1]} (means)`

export const renderSweep = (r: SweepReport): string => {
  const width = r.seeds.length > 1 ? 28 : 16
  const lines = [`Saturated UDP goodput (Mb/s) / CPU (%) against PHY rate, ${r.simulatedSecondsPerRun} s per point, ${seedsOf(r)}`]
  lines.push(`  ${"group".padEnd(38)}${sweepRates.map((p) => `${Math.round(r.points.find((x) => x.phy === describePhy(p))?.phyRateMbps ?? 0)} Mb/s`.padStart(width)).join("")}`)
  for (const g of sweepGroups) {
    const cells = r.points.filter((p) => p.group === g.id).map((p) =>
      `${withCi(p.goodputMbps, p.goodputCi95Mbps, 1)} / ${withCi(p.cpuUtilization, p.cpuUtilizationCi95, 1, 100)}%`.padStart(width)
    )
    lines.push(`  ${g.label.padEnd(38)}${cells.join("")}`)
  }
  lines.push(`  PHY rates: ${sweepRates.map(describePhy).join("; ")}`)
  const runs = sweepRuns(r)
  lines.push(`  invariant violations across the sweep's runs: ${sweepViolations(r)}; ${runs} ${runs === 1 ? "run" : "runs"} (${r.points.length} points × ${seedCount(r.seeds.length)})`)
  return lines.join("\n")
}

/** The sweep's runs, and their invariant violations. */
export const sweepRuns = (r: SweepReport): number => r.points.length * r.seeds.length
export const sweepViolations = (r: SweepReport): number => r.points.reduce((n, p) => n + p.invariantViolations, 0)

/** "1 seed", "3 seeds". */
export const seedCount = (n: number): string => `${n} ${n === 1 ? "seed" : "seeds"}`
