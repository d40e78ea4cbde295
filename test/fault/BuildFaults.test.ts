/** A world built by hand carries out its scenario's fault schedule, as a run does, unless told not to. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { ActorSystem, build, decodeScenario, Examples, Simulation } from "../../src/index.ts"

const injectedAfter = (seconds: number, faults: boolean | undefined) =>
  Effect.gen(function*() {
    const scenario = yield* decodeScenario(Examples.faultSchedule)
    const program = Effect.gen(function*() {
      const world = yield* build(scenario, { faults })
      yield* Effect.sleep(`${seconds} seconds`)
      return { injected: world.log.faults, kinds: [...world.log.faultsByKind.keys()].sort() }
    }).pipe(Effect.provide(ActorSystem.layer))
    const { exit } = yield* Effect.promise(() => Effect.runPromise(Simulation.run(program, { seed: 1 })))
    assert.isTrue(Exit.isSuccess(exit))
    return Exit.isSuccess(exit) ? exit.value : { injected: -1, kinds: [] }
  })

describe("build and the fault schedule", () => {
  it.effect("sets the scenario's faults off from the build's instant by default", () =>
    Effect.gen(function*() {
      // The example's faults at 3, 5, 7 and 9 s are due by 10 s; those at 12 and 14 s are not.
      const r = yield* injectedAfter(10, undefined)
      assert.strictEqual(r.injected, 4)
      assert.deepStrictEqual(r.kinds, ["ap-down", "crash-driver", "hang-vmac", "interrupts"])
    }))

  it.effect("ignores the schedule with faults: false", () =>
    Effect.gen(function*() {
      const r = yield* injectedAfter(10, false)
      assert.strictEqual(r.injected, 0)
    }))
})
