/**
 * A trace source: a typed event an actor fires at the point where it happens, for checkers and
 * statistics that connect to it (as ns-3's `TracedCallback`, e.g. `PhyTxEnd`). The model never names
 * who listens; whoever builds the world connects the listeners. Firing passes the arguments as they
 * are: no event object, no allocation, nothing done when no one listens.
 *
 * @example
 * ```ts
 * const dmaRead = new TraceSource<[vmac: number, frames: ReadonlyArray<Frame>]>()
 * dmaRead.connect((vmac, frames) => monitor.transmitted(vmac, frames)) // in the builder
 * dmaRead.fire(2, frames)                                               // in the vMAC
 * ```
 */
export class TraceSource<Args extends ReadonlyArray<unknown>> {
  private listeners: ReadonlyArray<(...args: Args) => void> = []

  connect(listener: (...args: Args) => void): void {
    this.listeners = [...this.listeners, listener]
  }

  fire(...args: Args): void {
    const ls = this.listeners
    for (let i = 0; i < ls.length; i++) ls[i]!(...args)
  }
}
