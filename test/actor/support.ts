/** Test helpers: run a program in a fresh simulation with an actor system, and unwrap its value. */
import { Effect, Exit } from "effect"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"

export const runActors = <A, E>(
  program: Effect.Effect<A, E, Simulation.Simulation | ActorSystem | Scope.Scope>,
  options: Partial<Simulation.RunOptions> = {}
) => Simulation.run(program.pipe(Effect.provide(ActorSystem.layer)), { seed: 1, ...options })

/** The run's value; fails the test with the cause when the run did not succeed. */
export const valueOf = <A, E>(result: Simulation.RunResult<A, E>): A => {
  if (Exit.isSuccess(result.exit)) return result.exit.value
  throw new Error(`run ended ${result.stats.outcome}: ${String(result.exit.cause)}`)
}
