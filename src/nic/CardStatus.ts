/**
 * The card's interrupt status registers: events raised and not yet delivered by an interrupt or read
 * by a poll. Hardware, not firmware: they survive a crash of the card's firmware. Events raised at
 * one instant share one interrupt (the first raises it for the end of the instant), and injected
 * interrupt faults drop, double or hold back the next interrupts.
 */
import type { Port } from "../actor/Port.ts"
import { after } from "../actor/Port.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import { appendTo, DOUBLE_FIELD_SEED } from "../kernel/StableShapes.ts"

export type IrqFaultAction = "drop" | "duplicate" | "delay"

/** The interrupt counters of a card. */
export interface IrqStats {
  interrupts: number
  /** Interrupts lost, doubled or held back by injected faults. */
  irqsDropped: number
  irqsDuplicated: number
  irqsDelayed: number
}

/** The card's message to itself that the interrupt line goes up: one object for all, as it carries nothing. */
const RAISE_IRQ = { _tag: "RaiseIrq" } as const

/** No event pending: shared, as an interrupt or a poll hands the pending ones on. */
const NO_EVENTS: ReadonlyArray<NicEvent> = Object.freeze([])

export class CardStatus {
  /** Undefined when none: the first event makes the list at its size, as it goes on with the interrupt. */
  private pending: Array<NicEvent> | undefined = undefined
  private pendingSinceNs = DOUBLE_FIELD_SEED // a double from the start, 0 from the constructor
  private irqRaised = false
  private readonly faults: Array<{ readonly action: IrqFaultAction; readonly delayNs: number }> = []
  private readonly kernel: Kernel
  private readonly stats: IrqStats
  /** Where the card's `RaiseIrq` goes (its own mailbox), and where interrupts go (the driver). */
  private readonly raiseIrq: Port<{ readonly _tag: "RaiseIrq" }>
  private readonly interrupt: (events: ReadonlyArray<NicEvent>) => void

  constructor(kernel: Kernel, stats: IrqStats, raiseIrq: Port<{ readonly _tag: "RaiseIrq" }>, interrupt: (events: ReadonlyArray<NicEvent>) => void) {
    this.kernel = kernel
    this.pendingSinceNs = 0
    this.stats = stats
    this.raiseIrq = raiseIrq
    this.interrupt = interrupt
  }

  raise(event: NicEvent): void {
    if (this.pending === undefined) this.pendingSinceNs = this.kernel.nowNs
    this.pending = appendTo(this.pending, event)
    if (!this.irqRaised) {
      this.irqRaised = true
      this.raiseIrq.tellUnsafe(RAISE_IRQ)
    }
  }

  /** Voids the undelivered events of `vmac` (it stopped: nobody may read them now); returns them. */
  void(vmac: number): Array<NicEvent> {
    const voided: Array<NicEvent> = []
    if (this.pending === undefined) return voided
    const kept = this.pending.filter((p) => {
      if (!("vmac" in p) || p.vmac !== vmac) return true
      voided.push(p)
      return false
    })
    this.pending = kept.length > 0 ? kept : undefined
    return voided
  }

  /** The next `count` interrupts misbehave. */
  injectFault(action: IrqFaultAction, count: number, delayNs: number): void {
    for (let i = 0; i < count; i++) this.faults.push({ action, delayNs })
  }

  /** The interrupt line fires (end of the instant the first event was raised in). */
  fire(): void {
    this.irqRaised = false
    if (this.pending === undefined) return
    const fault = this.faults.shift()
    if (fault?.action === "drop") {
      this.stats.irqsDropped++ // the events stay in the status registers, for a poll to find
      return
    }
    if (fault?.action === "delay") {
      this.stats.irqsDelayed++
      this.irqRaised = true // the line is held: later events join this interrupt
      after(this.kernel, fault.delayNs, this.raiseIrq, RAISE_IRQ)
      return
    }
    const events = this.pending
    this.pending = undefined
    this.stats.interrupts++
    this.interrupt(events)
    if (fault?.action === "duplicate") {
      // A spurious second interrupt: the driver finds the status already read.
      this.stats.irqsDuplicated++
      this.interrupt([])
    }
  }

  /** A driver's poll reads and clears the status; `sinceNs` is when the oldest event was raised. */
  poll(): { readonly events: ReadonlyArray<NicEvent>; readonly sinceNs: number } {
    const events = this.pending ?? NO_EVENTS
    this.pending = undefined
    return { events, sinceNs: this.pendingSinceNs }
  }
}
