/** Helpers for model tests: decode a scenario object, build it in a simulation, drive it. */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { runWorld } from "../../src/run/RunWorld.ts"
import type { World } from "../../src/world/World.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"

export const scenarioOf = (input: unknown): Effect.Effect<Scenario> => Effect.orDie(decodeScenario(input))

/** Builds `scenario` in a fresh simulation, runs `drive` against it, returns its value (the one run loop, `runWorld`). */
export const withWorld = <A, E>(
  scenario: Scenario,
  drive: (world: World) => Effect.Effect<A, E, Simulation.Simulation | ActorSystem | Scope.Scope>,
  seed = 1
): Effect.Effect<A> => Effect.map(runWorld(scenario, { seed }, (world) => Effect.orDie(drive(world))), ({ value }) => value)

export const vmNamed = (world: World, name: string) => {
  const vm = world.vms.find((v) => v.name === name)
  if (vm === undefined) throw new Error(`no VM named ${name}`)
  return vm
}

/** The vMAC the driver has given VM `vm` (its index); throws when the VM holds none. */
export const vmacOfVm = (world: World, vm: number): number => {
  const vmac = world.driver!.mapping().owner.indexOf(vm)
  if (vmac < 0) throw new Error(`VM ${vm} holds no vMAC`)
  return vmac
}
