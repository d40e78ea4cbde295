/**
 * The shape every model actor shares: its state is held by the actor runtime (`makeStateful`: the
 * `(state, message) → state` shape, `recover(crashed) → state`); its mailbox drops with a recorded
 * dead letter when full (the model must never block a sender that is itself an actor), and its
 * handler is a plain function (the actor fast path).
 *
 * Fault injection reaches every model actor the same way, through two control messages:
 * - `Crash` makes the handler throw: the actor's supervisor records the crash, waits its backoff in
 *   virtual time (mail queues meanwhile) and calls `recover`, which rebuilds the state from what
 *   survives a crash;
 * - `Noise` is junk that the actor ignores (a mailbox flood is many of them at one instant).
 *
 * A message refused by a full mailbox is recorded as a dead letter and offered again 1 µs later (the
 * flood's junk is not): nothing real is lost, it is late.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import * as Actor from "./Actor.ts"
import type { ActorSystem } from "./ActorSystem.ts"
import type { SupervisionPolicy } from "./Supervision.ts"
import { Simulation } from "../kernel/Simulation.ts"

/** A refused message (full mailbox) is offered again after this long: the model's senders are hardware and kernel paths that stall rather than lose work. Modelling choice. */
export const MAILBOX_RETRY_NS = 1_000

export type Control = { readonly _tag: "Crash" } | { readonly _tag: "Noise" }

/** The two control messages. A model actor knows them by identity: send these objects, not copies. */
export const CRASH: Control = { _tag: "Crash" }
export const NOISE: Control = { _tag: "Noise" }

/** A model actor's address: its own messages plus the control messages. */
export type ModelRef<M> = Actor.ActorRef<M | Control>

/** Thrown by a model actor that was told to crash. */
export class InjectedCrash extends Error {
  readonly actor: string
  constructor(actor: string) {
    super(`injected crash of ${actor}`)
    this.actor = actor
    this.name = "InjectedCrash"
  }
}

/**
 * Model actors restart after 1 ms, doubling to at most 100 ms, and escalate only past 20 crashes in
 * one simulated second: a fault schedule may crash an actor often, and the model must ride it out.
 */
export const modelSupervision: SupervisionPolicy = {
  maxRestarts: 20,
  windowNs: 1e9,
  backoff: Schedule.exponential("1 millis").pipe(
    Schedule.modifyDelay(({ duration }) => Effect.succeed(Duration.min(duration, Duration.millis(100))))
  )
}

/** A model actor whose state the actor runtime holds: `handle` returns the next state (it may mutate and return the same object). */
export interface StatefulSpec<M, S> {
  readonly name: string
  readonly capacity: number
  readonly initial: () => S
  readonly handle: (state: S, message: M) => S
  /** Told when the actor crashes (the virtual time), before its supervisor's backoff. */
  readonly crashed?: ((atNs: number) => void) | undefined
  /** Rebuilds the state after a crash from what survives; gets the state held when it crashed. */
  readonly recover?: ((crashed: S) => S) | undefined
  /** Its supervisor's parent, told if it escalates (crashes past its restart budget). */
  readonly parent?: Actor.Parent | undefined
  /** Restart policy (default `modelSupervision`). */
  readonly supervision?: SupervisionPolicy | undefined
}

/** Starts a model actor whose state lives in the actor runtime (the `(state, message) → state` shape). */
export const makeStateful = Effect.fnUntraced(function*<M extends { readonly _tag: string }, S>(
  spec: StatefulSpec<M, S>
): Effect.fn.Return<ModelRef<M>, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { name, crashed, recover } = spec
  let self: ModelRef<M> | undefined
  // A refused message is offered again shortly: the senders in the model are hardware and kernel
  // paths (a trapped register write stalls the vCPU, an interrupt stays pending), not lossy links.
  const retry = (message: M | Control): void => {
    kernel.setTimer(kernel.nowNs + MAILBOX_RETRY_NS, () => self!.tellUnsafe(message))
  }
  self = yield* Actor.make<M | Control, S>({
    name,
    capacity: spec.capacity,
    overflow: "drop",
    initial: spec.initial,
    supervision: spec.supervision ?? modelSupervision,
    parent: spec.parent,
    // The control messages are known by identity: no read of the tag of every message (a
    // lookup V8 cannot specialise here, where every actor's message kinds pass).
    handle: (state, message) => {
      if (message === NOISE) return state
      if (message === CRASH) {
        crashed?.(kernel.nowNs)
        throw new InjectedCrash(name)
      }
      return spec.handle(state, message as M)
    },
    recover: (state) => (recover === undefined ? spec.initial() : recover(state)),
    onDeadLetter: (message, reason) => {
      if (reason === "mailbox-full" && message !== NOISE && message !== CRASH) retry(message)
    }
  })
  return self
})
