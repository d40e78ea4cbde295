/**
 * A library caller's options are checked before anything runs: each problem is a `RunOptionsError`
 * naming the option, never a defect, a hang, or a report that says what did not happen.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { runCampaign } from "../../src/campaign/Campaign.ts"
import { inProcess } from "../../src/jobs/JobRunner.ts"
import { durationProblems, RunOptionsError, seedProblems, soakProblems, studyProblems } from "../../src/run/RunOptionsCheck.ts"
import { compare } from "../../src/compare/Compare.ts"
import { sweep } from "../../src/compare/Sweep.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { decodeScenario, defaultScenario } from "../../src/scenario/ScenarioLoad.ts"
import { runSoak } from "../../src/soak/Soak.ts"

const refusal = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.flip(effect), (e) => {
    assert.instanceOf(e, RunOptionsError)
    return (e as RunOptionsError).problems.map((p) => p.option)
  })

describe("run options", () => {
  it("a seed is a whole number from 0 to 2^53 − 1", () => {
    for (const ok of [0, 1, 42, Number.MAX_SAFE_INTEGER]) assert.deepStrictEqual(seedProblems(ok), [], String(ok))
    for (const bad of [1.5, -1, NaN, Infinity, 2 ** 53]) assert.lengthOf(seedProblems(bad), 1, String(bad))
  })

  it("durationNs is whole nanoseconds and passes the scenario's own checks as durationSeconds", () => {
    // The default scenario: a 1 s warm-up, no faults.
    assert.deepStrictEqual(durationProblems(defaultScenario, 1_000_000_001), [])
    for (const bad of [0, -1e9, NaN, Infinity, 1.5e9 + 0.5, 101 * 86_400e9]) assert.lengthOf(durationProblems(defaultScenario, bad), 1, String(bad))
    const inWarmUp = durationProblems(defaultScenario, 1e9)
    assert.strictEqual(inWarmUp[0]?.option, "durationNs")
    assert.include(inWarmUp[0]?.message ?? "", "warm-up")
  })

  it("a study's seeds, from seed on, must each be a seed", () => {
    assert.deepStrictEqual(studyProblems(Number.MAX_SAFE_INTEGER - 4, 5), [])
    assert.deepStrictEqual(studyProblems(Number.MAX_SAFE_INTEGER - 3, 5).map((p) => p.option), ["seed"])
    assert.deepStrictEqual(studyProblems(1, 0).map((p) => p.option), ["seeds"])
    assert.deepStrictEqual(studyProblems(1, 101).map((p) => p.option), ["seeds"])
  })

  it("a soak takes whole hours and VMs one card holds", () => {
    assert.deepStrictEqual(soakProblems({ hours: 24, vms: 8, faultsPerHour: 12, seed: 1 }), [])
    assert.deepStrictEqual(
      soakProblems({ hours: 0.5, vms: 17, faultsPerHour: -1, seed: 2.5 }).map((p) => p.option),
      ["hours", "vms", "faultsPerHour", "seed"]
    )
  })

  it.effect("runScenario, runSoak and runCampaign refuse before running, naming the option", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(yield* refusal(runScenario(defaultScenario, { seed: 1.5 })), ["seed"])
      assert.deepStrictEqual(yield* refusal(runScenario(defaultScenario, { seed: 1, durationNs: Infinity })), ["durationNs"])
      assert.deepStrictEqual(yield* refusal(runScenario(defaultScenario, { seed: 1, durationNs: 0.5e9 })), ["durationNs"])
      assert.deepStrictEqual(yield* refusal(runSoak({ hours: 1.5, vms: 2, faultsPerHour: 0, seed: 1 })), ["hours"])
      assert.deepStrictEqual(yield* refusal(Effect.provide(runCampaign({ seed: 1, cases: -1 }), inProcess)), ["cases"])
      assert.deepStrictEqual(yield* refusal(Effect.provide(compare(defaultScenario, { seed: Number.MAX_SAFE_INTEGER, seeds: 2 }), inProcess)), ["seed"])
      assert.deepStrictEqual(yield* refusal(Effect.provide(sweep(defaultScenario, { seed: 1, seeds: 0 }), inProcess)), ["seeds"])
      // A valid short run still runs, and reports the seed it ran with.
      const report = yield* runScenario(defaultScenario, { seed: 7, durationNs: 1_500_000_000 })
      assert.strictEqual(report.seed, 7)
      assert.strictEqual(report.simulatedSeconds, 1.5)
    }), { timeout: 60_000 })
})

describe("scenario decoding at the library's edge", () => {
  it.effect("an input that throws while read is a ScenarioError, not an exception at the call", () =>
    Effect.gen(function*() {
      const hostile = { get vms(): never { throw new Error("boom") } }
      const decoding = decodeScenario(hostile) // making the effect reads nothing
      const error = yield* Effect.flip(decoding)
      assert.strictEqual(error._tag, "ScenarioError")
      assert.include(error.message, "the input could not be read: boom")
    }))

  it.effect("a rejected passphrase is named, never shown", () =>
    Effect.gen(function*() {
      const short = yield* Effect.flip(decodeScenario({ vms: [{ name: "a", ssid: "lab", passphrase: "hunter2" }] }))
      assert.include(short.message, "vms[0].passphrase")
      assert.notInclude(short.message, "hunter2")
      const many = yield* Effect.flip(decodeScenario({ vms: Array.from({ length: 70 }, (_, i) => ({ name: `v${i}`, ssid: "lab", passphrase: "correct-horse-battery" })) }))
      assert.include(many.message, "at most 64 VMs")
      assert.notInclude(many.message, "correct-horse")
    }))
})
