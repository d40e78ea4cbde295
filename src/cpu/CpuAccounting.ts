/**
 * The CPU accounting invariant: the core keeps its busy time twice, by category (per operation as
 * it runs) and by thread (per job as it runs, with the switches apart), and the two must agree; and
 * one core cannot be busy longer than the time that passed. `busyNs` is clamped to the elapsed time,
 * so the check reads the unclamped sums.
 */
import type { CpuSnapshot } from "./CoreState.ts"

/**
 * What the two sums may differ by from floating-point rounding alone, per simulated second: an
 * allowance far above what is seen (under 0.01 ns in 30 simulated seconds, every mode), far below
 * any unit of work (the cheapest operation is hundreds of ns).
 */
const ROUNDING_ALLOWANCE_NS_PER_SECOND = 1

/** How far the core's accounting is off, ns (0 within the rounding allowance). */
export const cpuAccountingErrorNs = (cpu: Pick<CpuSnapshot, "elapsedNs" | "breakdownNs" | "threads" | "switchNs">): number => {
  let byCategoryNs = 0
  for (const ns of Object.values(cpu.breakdownNs)) byCategoryNs += ns
  let byThreadNs = cpu.switchNs
  for (const t of cpu.threads) byThreadNs += t.busyNs
  const overbookedNs = Math.max(0, byCategoryNs - cpu.elapsedNs)
  const errorNs = overbookedNs + Math.abs(byCategoryNs - byThreadNs)
  return errorNs > ROUNDING_ALLOWANCE_NS_PER_SECOND * (cpu.elapsedNs / 1e9) ? errorNs : 0
}
