/**
 * What a library caller builds by hand (a decoded scenario spread with a new field, a cost table, a
 * fault case, a pool's size, a generator's seed) gets the checks a decoded input gets: each problem
 * a named, typed error, never a hang, an out-of-memory abort or a silent substitute.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Layer from "effect/Layer"
import { calibratedCosts } from "../../src/cpu/CalibratedCosts.ts"
import { costNames, estimatedCosts, withCycles } from "../../src/cpu/CostTable.ts"
import { compare } from "../../src/compare/Compare.ts"
import { sweep } from "../../src/compare/Sweep.ts"
import type { CostTable } from "../../src/cpu/CostTable.ts"
import { generateCase, generateCases } from "../../src/fault/CaseGenerator.ts"
import { caseScenario } from "../../src/fault/FaultCase.ts"
import type { FaultCase } from "../../src/fault/FaultCase.ts"
import { generateFaults } from "../../src/fault/FaultPlan.ts"
import { inProcess, JobRunner } from "../../src/jobs/JobRunner.ts"
import * as WorkerPool from "../../src/jobs/WorkerPool.ts"
import { SimulationOptionsError } from "../../src/kernel/KernelError.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { RunOptionsError } from "../../src/run/RunOptionsCheck.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { decodeScenario, defaultScenario, ScenarioError } from "../../src/scenario/ScenarioLoad.ts"
import * as Examples from "../../src/scenario/examples.ts"
import { runSoak } from "../../src/soak/Soak.ts"
import { Timeline } from "../../src/timeline/Timeline.ts"
import { soakScenario } from "../../src/soak/SoakPlan.ts"

const refused = <A, E>(effect: Effect.Effect<A, E>) =>
  Effect.map(Effect.flip(effect), (e) => {
    assert.instanceOf(e, RunOptionsError)
    return (e as RunOptionsError).problems.map((p) => `${p.option}: ${p.message}`)
  })

const thrown = (f: () => unknown): ReadonlyArray<string> => {
  try {
    f()
  } catch (e) {
    assert.instanceOf(e, RunOptionsError)
    return (e as RunOptionsError).problems.map((p) => p.option)
  }
  return assert.fail("nothing was thrown")
}

describe("hand-built inputs", () => {
  it.effect("runScenario checks a spread scenario as it checks a decoded one: an endless duration never runs", () =>
    Effect.gen(function*() {
      const endless = yield* refused(runScenario({ ...defaultScenario, durationSeconds: Infinity }, { seed: 1 }))
      assert.lengthOf(endless, 1)
      assert.match(endless[0]!, /^scenario: durationSeconds: /)
      const bogus = yield* refused(runScenario({ ...defaultScenario, mode: "bogus" } as unknown as Scenario, { seed: 1.5 }))
      assert.deepStrictEqual(bogus.map((p) => p.split(":")[0]), ["scenario", "seed"], "every problem at once")
      const twins = yield* refused(runScenario({ ...defaultScenario, vms: [defaultScenario.vms[0]!, defaultScenario.vms[0]!] }, { seed: 1 }))
      assert.include(twins[0]!, "duplicate VM name")
      const measuresNothing = yield* refused(runScenario({ ...defaultScenario, warmupSeconds: 5, durationSeconds: 2 }, { seed: 1 }))
      assert.include(measuresNothing[0]!, "warm-up")
    }))

  it.effect("a cost table prices every operation in finite cycles, 0 or more", () =>
    Effect.gen(function*() {
      const broken = withCycles(calibratedCosts, { contextSwitch: -1e6, guestPacket: NaN }, "broken")
      const problems = yield* refused(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, costs: broken }))
      assert.deepStrictEqual(problems.map((p) => p.split(":")[0]), ["costs.contextSwitch.cycles", "costs.guestPacket.cycles"])
      const empty = yield* refused(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, costs: {} as CostTable }))
      assert.include(empty[0]!, "is missing")
      const extra = { ...calibratedCosts, guestPackett: calibratedCosts.guestPacket } as CostTable
      assert.deepStrictEqual(yield* refused(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, costs: extra })), ["costs.guestPackett: is no operation of the model"])
      // Found by the red team: a null table, and a null scenario, were TypeErrors.
      assert.include((yield* refused(runScenario(defaultScenario, { seed: 1, costs: null as unknown as CostTable })))[0]!, "costs: must be a cost table")
      assert.include((yield* refused(runScenario(null as unknown as typeof defaultScenario, { seed: 1 })))[0]!, "scenario: expected an object")
    }))

  it.effect("a soak whose fault schedule draws past its cap is refused as a RunOptionsError, not a defect", () =>
    Effect.gen(function*() {
      // 1,000 an hour for 100 h is the cap's mean exactly: some seeds draw past it (seed 2 does).
      const options = { hours: 100, vms: 1, faultsPerHour: 1000, seed: 2 }
      const planned = yield* Effect.flip(soakScenario(options))
      assert.instanceOf(planned, RunOptionsError, "seed 2 draws past the cap (else the soak below would run for 100 h)")
      const problems = yield* refused(runSoak(options))
      assert.lengthOf(problems, 1)
      assert.match(problems[0]!, /^faultsPerHour: drew more than the 100000 faults/)
    }))

  it.effect("a Timeline that recorded a run is refused for another, which it would record nothing of", () =>
    Effect.gen(function*() {
      const timeline = new Timeline({ fromNs: 1e9, untilNs: 1.5e9, write: () => undefined })
      assert.isFalse(timeline.used)
      yield* runScenario(defaultScenario, { seed: 1, durationNs: 2e9, timeline })
      assert.isTrue(timeline.used)
      const problems = yield* refused(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, timeline }))
      assert.lengthOf(problems, 1)
      assert.match(problems[0]!, /^timeline: this Timeline has recorded a run already/)
    }))

  it("generateFaults refuses what it cannot draw from, before drawing", () => {
    const window = { fromSeconds: 0, untilSeconds: 2 }
    assert.deepStrictEqual(thrown(() => generateFaults(defaultScenario, { seed: 1, perMinute: NaN, ...window })), ["perMinute"])
    assert.deepStrictEqual(thrown(() => generateFaults(defaultScenario, { seed: 1.5, perMinute: 1e9, ...window })), ["seed", "perMinute"])
    assert.deepStrictEqual(thrown(() => generateFaults(defaultScenario, { seed: 1, perMinute: 600, fromSeconds: 0, untilSeconds: Infinity })), ["fromSeconds, untilSeconds"])
    // 600 a minute for 50 days would be 43 million faults: refused from the mean, not drawn.
    assert.deepStrictEqual(thrown(() => generateFaults(defaultScenario, { seed: 1, perMinute: 600, fromSeconds: 0, untilSeconds: 50 * 86_400 })), ["perMinute"])
    assert.isAbove(generateFaults(defaultScenario, { seed: 1, perMinute: 60, fromSeconds: 0, untilSeconds: 60 }).length, 30)
  })

  it("a campaign's cases come from a seed and a count that are whole numbers", () => {
    assert.deepStrictEqual(thrown(() => generateCases(1.5, 2)), ["seed"])
    assert.deepStrictEqual(thrown(() => generateCases(1, 2.5)), ["count"])
    assert.deepStrictEqual(thrown(() => generateCase(NaN, 0)), ["seed"])
    assert.deepStrictEqual(generateCases(1, 3)[2], generateCase(1, 2))
  })

  it.effect("a fault case built by hand is checked against FaultCase's bounds", () =>
    Effect.gen(function*() {
      const good = generateCase(1, 0)
      const bad = { ...good, vms: 0, mode: 9 } as FaultCase
      const e = yield* Effect.flip(caseScenario(bad))
      assert.instanceOf(e, ScenarioError)
      assert.sameMembers(e.problems.map((p) => p.path), ["vms", "mode"])
      assert.isAbove((yield* caseScenario(good)).vms.length, 0)
    }))

  it.effect("Simulation.run refuses a seed it would truncate and a negative time limit", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(Simulation.run(Effect.void, { seed: 1.5, until: -1, sliceMs: -1 }))
      assert.instanceOf(e, SimulationOptionsError)
      assert.deepStrictEqual(e.problems.map((p) => p.option), ["seed", "until", "sliceMs"])
      // NaN read as 0 (the run ended at once) or, as a runaway limit, turned the check off: a busy loop hung.
      const nan = yield* Effect.flip(Simulation.run(Effect.void, { seed: 1, until: NaN, limits: { maxStepsPerInstant: NaN, maxForcedYieldsPerInstant: 0 } }))
      assert.deepStrictEqual(nan.problems.map((p) => p.option), ["until", "limits.maxStepsPerInstant", "limits.maxForcedYieldsPerInstant"])
      const fine = yield* Simulation.run(Effect.void, { seed: 1, until: "1 second" })
      assert.strictEqual(fine.stats.outcome, "completed")
    }))

  it.effect("a pool of no thread is refused, where it waited for one forever", () =>
    Effect.gen(function*() {
      const e = yield* Effect.flip(Effect.provide(JobRunner.use(() => Effect.void), WorkerPool.layer({ workers: 0 }) as Layer.Layer<JobRunner, RunOptionsError>))
      assert.instanceOf(e, RunOptionsError)
      assert.strictEqual(e.problems[0]!.option, "workers")
    }))

  it.effect("a callback that throws stops the run with where it stopped, and the callback's error as the cause", () =>
    Effect.gen(function*() {
      let lines = 0
      const boom = new Error("disk full")
      const exit = yield* Effect.exit(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, trace: () => { if (++lines > 1000) throw boom } }))
      assert.isTrue(Exit.isFailure(exit))
      const defect = Exit.isFailure(exit) ? Cause.squash(exit.cause) : undefined
      assert.instanceOf(defect, Error)
      assert.match((defect as Error).message, /^the run stopped at \d+(\.\d+)? ns after \d+ events: a callback threw: disk full$/)
      assert.strictEqual((defect as Error).cause, boom)
    }))

  it("the default scenario and the examples are shared, so frozen all the way down: one caller cannot change them for the rest", () => {
    assert.throws(() => (defaultScenario.vms as Array<unknown>).push(defaultScenario.vms[0]), TypeError)
    assert.throws(() => { (defaultScenario.vms[0] as { name: string }).name = "mine" }, TypeError)
    assert.throws(() => { (Examples.twoVmsTwoAps.vms[0] as { name: string }).name = "mine" }, TypeError)
    assert.strictEqual({ ...defaultScenario, durationSeconds: 60 }.durationSeconds, 60, "a spread copy varies freely")
  })

  it.effect("runScenario refuses a callback that is no function before the run, where it failed midway as a defect", () =>
    Effect.gen(function*() {
      const problems = yield* refused(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, trace: 42, onProgress: "x", pcap: {}, timeline: { used: false } } as unknown as Parameters<typeof runScenario>[1]))
      assert.deepStrictEqual(problems.map((p) => p.split(":")[0]), ["trace", "onProgress", "pcap", "timeline"])
      assert.include(problems[0]!, "must be a function")
      // A window after the run's end: a file of metadata only, which said "complete within the window".
      const late = yield* refused(runScenario(defaultScenario, { seed: 1, durationNs: 2e9, timeline: new Timeline({ fromNs: 5e9, untilNs: 6e9, write: () => {} }) }))
      assert.match(late[0]!, /^timeline: its window starts at 5 s, at or after the run's end \(2 s\)/)
    }))

  it("the cost tables are shared too, so frozen: one caller cannot change every later run's costs", () => {
    assert.throws(() => { (calibratedCosts.lock as { cycles: number }).cycles = 1e7 }, TypeError)
    assert.throws(() => { (estimatedCosts as Record<string, unknown>).lock = undefined }, TypeError)
    assert.throws(() => { (withCycles(calibratedCosts, { lock: 5 }, "mine").lock as { cycles: number }).cycles = 6 }, TypeError)
    assert.throws(() => (costNames as Array<string>).push("mine"), TypeError)
  })

  it("withCycles names an operation the model does not have, which it dropped in silence", () => {
    assert.throws(() => withCycles(calibratedCosts, { guestPackt: 5 } as Record<string, number>, "typo"), RangeError, "\"guestPackt\" is no operation of the model")
    assert.strictEqual(withCycles(calibratedCosts, { guestPacket: 5 }, "mine").guestPacket.cycles, 5)
  })

  it.effect("compare and sweep check a hand-built base scenario before building a job: its field named, not a failed job", () =>
    Effect.gen(function*() {
      for (const study of ["compare", "sweep"] as const) {
        const run = (base: Scenario, durationNs?: number) => {
          const options = { seed: 1, seeds: 1, ...(durationNs === undefined ? {} : { durationNs }) }
          return Effect.provide(study === "compare" ? Effect.asVoid(compare(base, options)) : Effect.asVoid(sweep(base, options)), inProcess)
        }
        const card = yield* refused(run({ ...defaultScenario, card: { ...defaultScenario.card, vmacs: 99 } }))
        assert.lengthOf(card, 1)
        assert.match(card[0]!, /^scenario: card\.vmacs: /)
        const endless = yield* refused(run({ ...defaultScenario, durationSeconds: Infinity }))
        assert.match(endless[0]!, /^scenario: durationSeconds: /)
        const empty = yield* refused(run({ ...defaultScenario, vms: [] }))
        assert.include(empty[0]!, "at least one VM")
        const plain = yield* refused(run({ mode: "native" } as unknown as Scenario))
        assert.match(plain[0]!, /^scenario: /)
        const short = yield* refused(run(defaultScenario, -1))
        assert.match(short[0]!, /^durationNs: /)
      }
    }), { timeout: 30_000 })

  it.effect("a Map or a class's instance is no scenario (it read as {} and ran on defaults); a seed written as text says so", () =>
    Effect.gen(function*() {
      const map = yield* Effect.flip(decodeScenario(new Map([["durationSeconds", 3]])))
      assert.include(map.message, "expected a plain object (as JSON gives), got Map")
      const text = yield* refused(runScenario(defaultScenario, { seed: "7" as unknown as number }))
      assert.deepStrictEqual(text, ['seed: must be a whole number from 0 to 2^53 − 1, got "7"'])
      const none = yield* refused(runScenario(defaultScenario, undefined as unknown as { seed: number }))
      assert.deepStrictEqual(none, ["seed: must be a whole number from 0 to 2^53 − 1, got undefined"])
    }))
})
