/**
 * A run or a soak its caller stops early (an `AbortSignal`, Ctrl-C in the CLI): it ends where it is,
 * with a report of the time reached, its capture whole; within the warm-up there is nothing to report.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { readPcap } from "../../src/pcap/PcapReader.ts"
import { RunOptionsError } from "../../src/run/RunOptionsCheck.ts"
import { runScenario, STOPPED_OUTCOME } from "../../src/run/RunScenario.ts"
import { RunStoppedInWarmup } from "../../src/run/RunStopped.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { runSoak } from "../../src/soak/Soak.ts"
import { runCampaign } from "../../src/campaign/Campaign.ts"
import * as JobRunner from "../../src/jobs/JobRunner.ts"
import { collector } from "../pcap/support.ts"

/** Trace events after which the tests below stop a run: about 2.3 s of the default scenario. */
const STOP_AFTER_EVENTS = 100_000

/** A trace sink that aborts `controller` at its `after`-th event: a stop at a fixed virtual time. */
const stopAfter = (controller: AbortController, after: number) => {
  let events = 0
  return () => {
    if (++events === after) controller.abort()
  }
}

const stoppedRun = (after: number, pcap?: (bytes: Uint8Array) => void) =>
  Effect.gen(function*() {
    const scenario = yield* Effect.orDie(decodeScenario({ durationSeconds: 3600 }))
    const controller = new AbortController()
    return yield* runScenario(scenario, { seed: 5, trace: stopAfter(controller, after), signal: controller.signal, pcap })
  })

describe("a run stopped early", () => {
  it.effect("ends where it was stopped and reports the time it reached, as a whole run of that length would", () =>
    Effect.gen(function*() {
      const c = collector()
      const stopped = yield* stoppedRun(STOP_AFTER_EVENTS, c.sink)
      assert.strictEqual(stopped.outcome, STOPPED_OUTCOME)
      assert.isAbove(stopped.simulatedSeconds, 1.5)
      assert.isBelow(stopped.simulatedSeconds, 10, "an hour was asked for; it stopped within seconds")
      // A whole run about as long: the same kind of figures (the windows differ by a fraction of a second).
      const scenario = yield* Effect.orDie(decodeScenario({ durationSeconds: Math.ceil(stopped.simulatedSeconds) }))
      const whole = yield* runScenario(scenario, { seed: 5 })
      assert.strictEqual(whole.outcome, "completed")
      const up = stopped.vms[0]!.uplinkMbps
      assert.approximately(up, whole.vms[0]!.uplinkMbps, 0.05 * whole.vms[0]!.uplinkMbps, "goodput over the measured window")
      assert.strictEqual(stopped.invariants.cpuAccountingErrorNs, 0)
      assert.isAtMost(stopped.frames.delivered, stopped.frames.created)
      // The capture ends whole at the stop: every record complete, none after the time reached.
      const file = readPcap(c.bytes())
      assert.isAbove(file.records.length, 1000)
      assert.isAtMost(file.records.at(-1)!.timeNs, stopped.simulatedSeconds * 1e9)
    }), 120_000)

  it.effect("stopped at the same virtual time, it gives the same report", () =>
    Effect.gen(function*() {
      const a = yield* stoppedRun(STOP_AFTER_EVENTS)
      const b = yield* stoppedRun(STOP_AFTER_EVENTS)
      assert.deepStrictEqual({ ...a, wallSeconds: 0 }, { ...b, wallSeconds: 0 })
    }), 120_000)

  it.effect("within the warm-up it has nothing to report: RunStoppedInWarmup, saying when", () =>
    Effect.gen(function*() {
      const early = yield* Effect.flip(stoppedRun(1_000))
      assert.instanceOf(early, RunStoppedInWarmup)
      assert.isBelow((early as RunStoppedInWarmup).atSeconds, 1)
      assert.include(early.message, "within its 1 s warm-up")
      // A signal aborted before the run: it stops at once.
      const scenario = yield* Effect.orDie(decodeScenario({}))
      const before = yield* Effect.flip(runScenario(scenario, { seed: 1, signal: AbortSignal.abort() }))
      assert.instanceOf(before, RunStoppedInWarmup)
      assert.strictEqual((before as RunStoppedInWarmup).atSeconds, 0)
    }), 120_000)

  it.effect("a signal that is not an AbortSignal is refused, by name", () =>
    Effect.gen(function*() {
      const scenario = yield* Effect.orDie(decodeScenario({}))
      const e = yield* Effect.flip(runScenario(scenario, { seed: 1, signal: { aborted: false } as unknown as AbortSignal }))
      assert.instanceOf(e, RunOptionsError)
      assert.deepStrictEqual((e as RunOptionsError).problems.map((p) => p.option), ["signal"])
    }))

  it.effect("a soak and a campaign refuse a signal that is not an AbortSignal, by name, before running", () =>
    Effect.gen(function*() {
      const notASignal = "x" as unknown as AbortSignal
      const soak = yield* Effect.flip(runSoak({ hours: 1, vms: 1, faultsPerHour: 0, seed: 1 }, { signal: notASignal }))
      assert.instanceOf(soak, RunOptionsError)
      assert.deepStrictEqual((soak as RunOptionsError).problems.map((p) => p.option), ["signal"])
      const campaign = yield* Effect.flip(runCampaign({ cases: 1, seed: 1, signal: notASignal }).pipe(Effect.provide(JobRunner.inProcess)))
      assert.instanceOf(campaign, RunOptionsError)
      assert.deepStrictEqual((campaign as RunOptionsError).problems.map((p) => p.option), ["signal"])
    }))

  it.effect("a soak stopped after its first hour keeps that hour's line and summarizes the time reached", () =>
    Effect.gen(function*() {
      const controller = new AbortController()
      const hours: Array<number> = []
      const r = yield* runSoak({ hours: 3, vms: 2, faultsPerHour: 0, seed: 2 }, {
        onHour: (h) => {
          hours.push(h.hour)
          controller.abort()
        },
        signal: controller.signal
      })
      assert.deepStrictEqual(hours, [1])
      assert.deepStrictEqual(r.hours.map((h) => h.hour), [1])
      assert.strictEqual(r.outcome, STOPPED_OUTCOME)
      assert.strictEqual(r.simulatedHours, 1)
      assert.isNull(r.memory.flat, "one hour judges no memory")
      for (const [name, value] of Object.entries(r.invariants)) assert.strictEqual(value, 0, `invariant ${name}`)
    }), 300_000)
})
