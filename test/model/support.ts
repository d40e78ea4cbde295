/** Helpers for model tests: decode a scenario object, build it in a simulation, drive it. */
import { Effect, Exit } from "effect"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { build } from "../../src/model/Model.ts"
import type { World } from "../../src/model/Model.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"

export const scenarioOf = (input: unknown): Effect.Effect<Scenario> => Effect.orDie(decodeScenario(input))

/** Builds `scenario` in a fresh simulation, runs `drive` against it, returns its value. */
export const withWorld = <A, E>(
  scenario: Scenario,
  drive: (world: World) => Effect.Effect<A, E, Simulation.Simulation | ActorSystem | Scope.Scope>,
  seed = 1
): Effect.Effect<A> =>
  Effect.flatMap(
    Simulation.run(Effect.flatMap(build(scenario), drive).pipe(Effect.provide(ActorSystem.layer)), { seed }),
    ({ exit, stats }) =>
      Exit.isSuccess(exit) ? Effect.succeed(exit.value) : Effect.die(new Error(`run ended ${stats.outcome}: ${String(exit.cause)}`))
  )

export const vmNamed = (world: World, name: string) => {
  const vm = world.vms.find((v) => v.name === name)
  if (vm === undefined) throw new Error(`no VM named ${name}`)
  return vm
}
