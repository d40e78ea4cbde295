/**
 * Where a message can be sent without waiting: an actor's address (`ActorRef` is one), or a
 * forwarding reference to an actor built later. Every actor names its peers by `Port<M>` of the
 * messages it sends them, never by their concrete type.
 *
 * @example
 * ```ts
 * const ap: Port<ApMessage> = apHandle.ref
 * after(kernel, 1_000_000, ap, { _tag: "Beacon" }) // a self-timer: one message 1 ms from now
 * ```
 */
import type { Kernel } from "../kernel/Kernel.ts"

export interface Port<M> {
  readonly tellUnsafe: (message: M) => boolean
}

/** Tells `port` `message` once `ns` of virtual time have passed (at once when `ns` ≤ 0). */
export const after = <M>(kernel: Kernel, ns: number, port: Port<M>, message: M): void => {
  if (ns <= 0) port.tellUnsafe(message)
  else kernel.tellAt(kernel.nowNs + ns, port, message)
}

/** Tells `port` `message` at virtual time `atNs` (at once when that is now or past). */
export const at = <M>(kernel: Kernel, atNs: number, port: Port<M>, message: M): void => {
  if (atNs <= kernel.nowNs) port.tellUnsafe(message)
  else kernel.tellAt(atNs, port, message)
}

/**
 * A port to an actor that does not exist yet: messages go to whatever `set` gave it (actors that talk
 * to each other are built in turn). A class, so that `tellUnsafe` is one function for every forward
 * port of every world: a call site keeps its one call target when a process's next world starts.
 */
export class Forward<M> implements Port<M> {
  private target: Port<M> | undefined = undefined

  set(target: Port<M>): void {
    this.target = target
  }

  tellUnsafe(message: M): boolean {
    return this.target!.tellUnsafe(message)
  }
}

export const forward = <M>(): Forward<M> => new Forward<M>()
