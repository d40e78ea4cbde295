/**
 * The one CPU core of the host. All host and guest work runs on it, one request at a time, in the
 * order requests arrive: a request made at time t with cost c starts at max(t, when the core is
 * next free) and ends c later. Callers then wait (in virtual time) until their work has run, which
 * is where queueing latency and, near saturation, throughput loss come from.
 *
 * The core's queue is implicit in `busyUntilNs`: serving requests FIFO by arrival is exactly what a
 * scheduler actor with a mailbox would do, without a message per step (see docs/model.md).
 */
import { CATEGORY_COUNT, categories } from "./CpuCategory.ts"
import type { CpuCategory } from "./CpuCategory.ts"
import { costNames, estimatedCosts } from "./CostTable.ts"
import type { CostName, CostTable } from "./CostTable.ts"
import type { Kernel } from "../kernel/Kernel.ts"

/** Busy time of the core, by category. */
export interface CpuSnapshot {
  readonly elapsedNs: number
  readonly busyNs: number
  readonly idleNs: number
  /** busy / elapsed, 0..1 */
  readonly utilization: number
  /** Busy nanoseconds per category id (every category present, zeros included). */
  readonly breakdownNs: Readonly<Record<string, number>>
  /** How many times each costed operation ran (what a calibration fits costs to). */
  readonly operationCounts: Readonly<Record<CostName, number>>
}

export class CpuCore {
  /** Clock frequency, in cycles per nanosecond (GHz). */
  readonly ghz: number
  /** When the core finishes the work already given to it. */
  busyUntilNs = 0
  /** Work accepted so far per category; work still queued at the end counts when it has run. */
  private readonly busyByCategory = new Float64Array(CATEGORY_COUNT)
  private readonly kernel: Kernel
  private readonly startNs: number
  /** The operation costs this core charges. */
  readonly costs: CostTable
  private readonly counts: Record<CostName, number>

  constructor(kernel: Kernel, ghz: number, costs: CostTable = estimatedCosts) {
    this.kernel = kernel
    this.ghz = ghz
    this.startNs = kernel.nowNs
    this.costs = costs
    this.counts = Object.fromEntries(costNames.map((n) => [n, 0])) as Record<CostName, number>
  }

  /** Runs operation `name` `times` times (one request); returns its completion time. */
  charge(name: CostName, times = 1): number {
    const op = this.costs[name]
    this.counts[name] += times
    return this.runCycles(op.category, op.cycles * times)
  }

  /** Runs `cycles` of work in `category` after everything already queued; returns its completion time. */
  runCycles(category: CpuCategory, cycles: number): number {
    return this.runNs(category, cycles / this.ghz)
  }

  /** The same, with the cost in nanoseconds of core time. */
  runNs(category: CpuCategory, ns: number): number {
    const now = this.kernel.nowNs
    const start = this.busyUntilNs > now ? this.busyUntilNs : now
    this.busyUntilNs = start + ns
    this.busyByCategory[category]! += ns
    return this.busyUntilNs
  }

  /** Nanoseconds from now until the core is free (0 when idle). */
  backlogNs(): number {
    const backlog = this.busyUntilNs - this.kernel.nowNs
    return backlog > 0 ? backlog : 0
  }

  /**
   * Busy and idle time up to now. Work queued beyond now is not yet done, so it is left out of the
   * busy time (and the categories are scaled to match): busy + idle = elapsed, always.
   */
  snapshot(): CpuSnapshot {
    const elapsedNs = this.kernel.nowNs - this.startNs
    const acceptedNs = this.busyByCategory.reduce((sum, ns) => sum + ns, 0)
    const busyNs = Math.max(0, Math.min(elapsedNs, acceptedNs - this.backlogNs()))
    const scale = acceptedNs > 0 ? busyNs / acceptedNs : 0
    const breakdownNs: Record<string, number> = {}
    categories.forEach((c, i) => {
      breakdownNs[c.id] = this.busyByCategory[i]! * scale
    })
    return {
      elapsedNs,
      busyNs,
      idleNs: elapsedNs - busyNs,
      utilization: elapsedNs > 0 ? busyNs / elapsedNs : 0,
      breakdownNs,
      operationCounts: { ...this.counts }
    }
  }
}
