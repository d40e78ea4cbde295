/**
 * What went wrong and what the system did about it: injected faults, counted by kind, and every
 * recovery (what recovered, when it started and when it was done). Bounded: counters per kind are
 * exact, and the most recent recoveries are kept for the report, so a day-long soak keeps flat memory.
 */

export interface RecoveryRecord {
  /** What recovered: "driver-restart", "vmac-reset", "lost-interrupt-poll", "reconnect", … */
  readonly what: string
  readonly target: string
  /** When the trouble began (the fault, or the oldest unsignalled event). */
  readonly sinceNs: number
  /** When the recovery was complete. */
  readonly doneNs: number
}

export interface RecoverySummary {
  count: number
  totalNs: number
  maxNs: number
}

/** Records kept for the report (the counters cover everything). */
export const RECORDS_KEPT = 200

export class RecoveryLog {
  readonly faultsByKind = new Map<string, number>()
  readonly recoveriesByWhat = new Map<string, RecoverySummary>()
  readonly recentRecoveries: Array<RecoveryRecord> = []
  /** Schedule entries carried out: faults and VM lifecycle events together (`injectedByKind` tells them apart). */
  faults = 0
  /** Of `faults`, the VMs' own comings and goings (stop, start, scan, roam). */
  lifecycleEvents = 0
  recoveries = 0
  /** Schedule entries that found nothing to act on when their time came (a VM already off, no such AP), by `kind: reason`. */
  readonly skippedByReason = new Map<string, number>()
  /** Schedule entries skipped, all reasons together. */
  skipped = 0

  fault(kind: string, lifecycle: boolean): void {
    this.faults++
    if (lifecycle) this.lifecycleEvents++
    this.faultsByKind.set(kind, (this.faultsByKind.get(kind) ?? 0) + 1)
  }

  /** A schedule entry that could not be carried out at its time, and why (it is not counted as injected). */
  skip(kind: string, reason: string): void {
    this.skipped++
    const key = `${kind}: ${reason}`
    this.skippedByReason.set(key, (this.skippedByReason.get(key) ?? 0) + 1)
  }

  recovered(what: string, target: string, sinceNs: number, doneNs: number): void {
    this.recoveries++
    let s = this.recoveriesByWhat.get(what)
    if (s === undefined) this.recoveriesByWhat.set(what, (s = { count: 0, totalNs: 0, maxNs: 0 }))
    const took = doneNs - sinceNs
    s.count++
    s.totalNs += took
    if (took > s.maxNs) s.maxNs = took
    keep(this.recentRecoveries, { what, target, sinceNs, doneNs })
  }
}

const keep = <A>(list: Array<A>, item: A): void => {
  if (list.length >= RECORDS_KEPT) list.shift()
  list.push(item)
}
