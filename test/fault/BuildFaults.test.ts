/** A world built by hand carries out no fault schedule until told to (`startFaults`); a run starts it itself. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ActorSystem, build, decodeScenario, Examples, Simulation, startFaults } from "../../src/index.ts"

const injectedAfter = (seconds: number, start: boolean) =>
  Effect.gen(function*() {
    const scenario = yield* decodeScenario(Examples.faultSchedule)
    const program = Effect.gen(function*() {
      const world = yield* build(scenario)
      if (start) yield* startFaults(world)
      yield* Effect.sleep(`${seconds} seconds`)
      return { injected: world.log.faults, kinds: [...world.log.faultsByKind.keys()].sort() }
    }).pipe(Effect.provide(ActorSystem.layer))
    const { exit } = yield* Effect.promise(() => Effect.runPromise(Simulation.run(program, { seed: 1 })))
    assert.isTrue(Exit.isSuccess(exit))
    return Exit.isSuccess(exit) ? exit.value : { injected: -1, kinds: [] }
  })

describe("a world built by hand and its fault schedule", () => {
  it.effect("startFaults sets the scenario's faults off, their times counted from then", () =>
    Effect.gen(function*() {
      // The example's faults at 3, 5, 7 and 9 s are due by 10 s; those at 12 and 14 s are not.
      const r = yield* injectedAfter(10, true)
      assert.strictEqual(r.injected, 4)
      assert.deepStrictEqual(r.kinds, ["ap-down", "crash-driver", "hang-vmac", "interrupts"])
    }))

  it.effect("without it, build alone injects nothing", () =>
    Effect.gen(function*() {
      const r = yield* injectedAfter(10, false)
      assert.strictEqual(r.injected, 0)
    }))
})
