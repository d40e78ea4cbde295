/**
 * The core's accounting between two snapshots of one run: a report measures the CPU over the same
 * window as goodput, after the warm-up (joining, the first scans), as Table 1 was measured in a steady
 * run. The core's threads only ever grow in number, so a thread keeps its index from one snapshot to the next.
 */
import type { CostName } from "./CostTable.ts"
import type { CpuSnapshot } from "./CpuCore.ts"

const minus = <K extends string>(after: Readonly<Record<K, number>>, before: Readonly<Record<K, number>>): Record<K, number> => {
  const out = {} as Record<K, number>
  for (const k of Object.keys(after) as Array<K>) out[k] = after[k] - (before[k] ?? 0)
  return out
}

/**
 * What the core did since `before` (the run's mark at the warm-up's end), up to `after`; the whole of
 * `after` when there is no mark yet (a run that has not left its warm-up).
 */
export const cpuSince = (before: CpuSnapshot | undefined, after: CpuSnapshot): CpuSnapshot =>
  before === undefined ? after : cpuBetween(before, after)

/** What the core did from `before` to `after` (`after` taken later in the same run). */
export const cpuBetween = (before: CpuSnapshot, after: CpuSnapshot): CpuSnapshot => {
  const elapsedNs = after.elapsedNs - before.elapsedNs
  const busyNs = after.busyNs - before.busyNs
  const vmBusyNs = new Map<number, number>()
  for (const [vm, ns] of after.vmBusyNs) vmBusyNs.set(vm, ns - (before.vmBusyNs.get(vm) ?? 0))
  return {
    elapsedNs,
    busyNs,
    idleNs: elapsedNs - busyNs,
    // At most 1: a saturated core's busy time between two snapshots, a difference of float sums, can pass the elapsed time by rounding.
    utilization: elapsedNs > 0 ? Math.min(1, busyNs / elapsedNs) : 0,
    breakdownNs: minus(after.breakdownNs, before.breakdownNs),
    operationCounts: minus<CostName>(after.operationCounts, before.operationCounts),
    threads: after.threads.map((t, i) => ({ ...t, busyNs: t.busyNs - (before.threads[i]?.busyNs ?? 0) })),
    vmBusyNs,
    contextSwitches: after.contextSwitches - before.contextSwitches,
    switchNs: after.switchNs - before.switchNs
  }
}
