/**
 * A TX watchdog over the card's per-vMAC counters: a vMAC with TX outstanding that has completed
 * nothing for `stallNs` is hung. Pure bookkeeping; the driver that owns the card decides the reset.
 */
export class TxWatchdog {
  private readonly seen = new Map<number, { completed: number; sinceNs: number }>()
  private readonly stallNs: number

  constructor(stallNs: number) {
    this.stallNs = stallNs
  }

  /** Looks at one vMAC's counters now; returns since when it has been stalled, once it counts as hung. */
  check(vmac: number, txQueued: number, txCompleted: number, nowNs: number): number | undefined {
    const seen = this.seen.get(vmac)
    if (seen === undefined || txCompleted !== seen.completed || txQueued === txCompleted) {
      this.seen.set(vmac, { completed: txCompleted, sinceNs: nowNs })
      return undefined
    }
    if (nowNs - seen.sinceNs < this.stallNs) return undefined
    this.seen.delete(vmac)
    return seen.sinceNs
  }

  forget(vmac: number): void {
    this.seen.delete(vmac)
  }

  clear(): void {
    this.seen.clear()
  }
}

/** Runs `f` every `periodNs` of virtual time, on a timer of its own (no message can stop it). */
export const every = (kernel: { readonly nowNs: number; readonly setTimer: (atNs: number, f: () => void) => unknown }, periodNs: number, f: () => void): void => {
  const tick = (): void => {
    f()
    kernel.setTimer(kernel.nowNs + periodNs, tick)
  }
  kernel.setTimer(kernel.nowNs + periodNs, tick)
}
