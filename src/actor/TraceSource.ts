/**
 * A trace source: a typed event an actor fires at the point where it happens, for checkers and
 * statistics that connect to it (as ns-3's `TracedCallback`, e.g. `PhyTxEnd`). The model never names
 * who listens; whoever builds the world connects the listeners. Firing passes at most two arguments
 * as they are: no event object, no allocation, nothing done when no one listens.
 *
 * @example
 * ```ts
 * const dmaRead = new TraceSource<number, ReadonlyArray<Frame>>()
 * dmaRead.connect((vmac, frames) => monitor.transmitted(vmac, frames)) // in the builder
 * dmaRead.fire(2, frames)                                               // in the vMAC
 * ```
 */
export class TraceSource<A, B = void> {
  private listeners: ReadonlyArray<(a: A, b: B) => void> = []

  /** Whether anyone listens: a source whose event costs something to build builds it only then. */
  get connected(): boolean {
    return this.listeners.length > 0
  }

  connect(listener: (a: A, b: B) => void): void {
    this.listeners = [...this.listeners, listener]
  }

  /** Stops calling `listener` (connected earlier): a listener done early makes its source free again (`listening()` false when it was the only one). */
  disconnect(listener: (a: A, b: B) => void): void {
    this.listeners = this.listeners.filter((l) => l !== listener)
  }

  /** Whether anyone listens: a source whose event needs work to fill in checks this first. */
  listening(): boolean {
    return this.listeners.length > 0
  }

  fire(a: A, b: B): void {
    const ls = this.listeners
    for (let i = 0; i < ls.length; i++) ls[i]!(a, b)
  }
}
