/**
 * The shape every model actor shares: its state lives in the closure that builds it (mutable, for
 * per-packet speed), its mailbox drops with a recorded dead letter when full (the model must never
 * block a sender that is itself an actor), and its handler is a plain function (the actor fast path).
 */
import type { Effect } from "effect"
import type * as Scope from "effect/Scope"
import * as Actor from "../actor/Actor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Simulation } from "../kernel/Simulation.ts"

export const make = <M>(
  name: string,
  capacity: number,
  handle: (message: M) => void
): Effect.Effect<Actor.ActorRef<M>, never, Simulation | ActorSystem | Scope.Scope> =>
  Actor.make<M, undefined>({
    name,
    capacity,
    overflow: "drop",
    initial: () => undefined,
    handle: (state, message) => {
      handle(message)
      return state
    }
  })
