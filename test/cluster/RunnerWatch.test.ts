/**
 * A submitter with jobs under way watches the storage's runners: when none is healthy any more, the
 * jobs left wait for one, however long, and the command says so instead of waiting in silence (found
 * by the cluster audit: a campaign whose only runner was killed sat silent for 100–600 s).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Fiber } from "effect"
import { RunnerStorage } from "effect/cluster/RunnerStorage"
import { TestClock } from "effect/testing"
import { RUNNER_WATCH_MS, watchRunners } from "../../src/cluster/ClusterJobRunner.ts"

describe("a submitter's watch of its runners", () => {
  it.effect("says so once each time no runner is healthy any more, and again after one came and went", () =>
    Effect.gen(function*() {
      // What the storage lists at each look: healthy, gone, gone, back, gone.
      const looks = [true, false, false, true, false]
      let look = 0
      const storage = { getRunners: Effect.sync(() => (looks[Math.min(look++, looks.length - 1)]! ? [[{}, true]] : [])) }
      let said = 0
      const fiber = yield* Effect.forkChild(watchRunners(() => said++).pipe(Effect.provideService(RunnerStorage, storage as never)))
      const counts: Array<number> = []
      for (let i = 0; i < looks.length; i++) {
        yield* TestClock.adjust(RUNNER_WATCH_MS)
        counts.push(said)
      }
      yield* Fiber.interrupt(fiber)
      assert.deepStrictEqual(counts, [0, 1, 1, 1, 2])
    }))
})
