import { assert, describe, it } from "@effect/vitest"
import { Effect, Layer, Schema } from "effect"
import { replayCommand, runCampaign } from "../../src/campaign/Campaign.ts"
import { CampaignReport } from "../../src/campaign/CampaignReport.ts"
import type { FaultCase } from "../../src/fault/FaultCase.ts"
import { JobRunner, runEach } from "../../src/jobs/JobRunner.ts"
import type { RunAll } from "../../src/jobs/JobRunner.ts"
import { FaultCaseResult } from "../../src/jobs/SimJob.ts"

/** A runner that runs nothing: a case "fails" when it has 2+ VMs in virtual-wifi and a fault whose kind draw is below 300. */
const fakeBug = (c: FaultCase): Array<string> =>
  c.mode <= 1 && c.vms >= 2 && c.faults.some((f) => f.kind < 300) ? ["invariant mappingInconsistencies = 1"] : []

const fakeRunner = (parallelism: number, cluster?: string) =>
  Layer.succeed(JobRunner, {
    parallelism,
    cluster,
    runAll: (jobs) =>
      Effect.sync(() =>
        jobs.map((job) => {
          if (job._tag !== "FaultCaseJob") throw new Error("a campaign runs fault cases only")
          return new FaultCaseResult({ problems: fakeBug(job.faultCase), traceDigest: JSON.stringify(job.faultCase).length.toString(16), simulatedSeconds: 23 })
        }))
  })

/** The fake runner, started job by job as real ones are (`runEach`): it honours a stop. */
const stoppableFakeRunner = (parallelism: number) =>
  Layer.succeed(JobRunner, {
    parallelism,
    cluster: undefined,
    runAll: ((jobs, options) =>
      runEach(jobs, parallelism, (job) =>
        Effect.sync(() => {
          if (job._tag !== "FaultCaseJob") throw new Error("a campaign runs fault cases only")
          return new FaultCaseResult({ problems: fakeBug(job.faultCase), traceDigest: JSON.stringify(job.faultCase).length.toString(16), simulatedSeconds: 23 })
        }), options)) as RunAll
  })

describe("vwifi campaign (library)", () => {
  it.effect("stopped, it judges its first cases only, as a whole campaign judges them, and shrinks no failure after the stop", () =>
    Effect.gen(function*() {
      const whole = yield* Effect.provide(runCampaign({ seed: 2, cases: 60 }), stoppableFakeRunner(3))
      assert.isFalse(whole.stopped)
      assert.strictEqual(whole.cases, 60)
      const controller = new AbortController()
      const r = yield* Effect.provide(
        runCampaign({ seed: 2, cases: 60, signal: controller.signal, onDone: (done) => done === 40 && controller.abort() }),
        stoppableFakeRunner(3)
      )
      assert.isTrue(r.stopped)
      assert.strictEqual(r.casesAsked, 60)
      assert.isAtLeast(r.cases, 40)
      assert.isBelow(r.cases, 60)
      assert.strictEqual(r.passed + r.failed, r.cases)
      assert.deepStrictEqual(r.traceDigests, whole.traceDigests.slice(0, r.cases))
      assert.strictEqual(Object.values(r.modes).reduce((a, b) => a + b, 0), r.cases)
      assert.isAbove(r.failed, 0, "the first 40 cases of seed 2 have the fake bug")
      for (const f of r.failures) {
        assert.isBelow(f.index, r.cases)
        assert.strictEqual(f.shrinkTried, 0)
        assert.deepStrictEqual(f.shrunk, f.faultCase)
        assert.strictEqual(f.replay, replayCommand(f.faultCase))
      }
    }))

  it.effect("counts passes and failures, shrinks each failure to a case that fails alike, with its replay command", () =>
    Effect.gen(function*() {
      const r = yield* Effect.provide(runCampaign({ seed: 2, cases: 30 }), fakeRunner(3))
      assert.strictEqual(r.cases, 30)
      assert.strictEqual(r.traceDigests.length, 30)
      assert.isAbove(r.failed, 0, "some of 30 cases have the fake bug")
      assert.strictEqual(r.passed + r.failed, 30)
      assert.strictEqual(r.failures.length, r.failed)
      assert.strictEqual(Object.values(r.modes).reduce((a, b) => a + b, 0), 30)
      for (const f of r.failures) {
        assert.isAbove(fakeBug(f.faultCase).length, 0)
        assert.deepStrictEqual(f.shrunkProblems, fakeBug(f.shrunk))
        assert.deepInclude(f.shrunk, { vms: 2, aps: 1 })
        assert.strictEqual(f.shrunk.faults.length, 1)
        assert.strictEqual(f.replay, replayCommand(f.shrunk))
      }
      // The same campaign on a runner of another width: the same report but for the width and the wall time.
      const again = yield* Effect.provide(runCampaign({ seed: 2, cases: 30 }), fakeRunner(1))
      assert.deepStrictEqual(again.failures, r.failures)
      assert.notProperty(r, "cluster", "threads of this process are no cluster")
    }))

  it.effect("says which cluster its cases went through, and how many runners it began with", () =>
    Effect.gen(function*() {
      const r = yield* Effect.provide(runCampaign({ seed: 2, cases: 4 }), fakeRunner(2, "SQLite file c.db"))
      assert.strictEqual(r.cluster, "SQLite file c.db")
      assert.strictEqual(r.workers, 2)
      assert.deepStrictEqual(Schema.decodeUnknownSync(CampaignReport)(Schema.encodeSync(CampaignReport)(r)), r)
    }))

  it("replays with a command the shell passes through whole", () => {
    const c: FaultCase = { seed: 7, mode: 0, vms: 2, aps: 1, traffic: ["ping", "udp-tx", "ping", "ping"], faults: [{ atTenths: 20, kind: 100, target: 0, size: 500 }] }
    const command = replayCommand(c)
    assert.match(command, /^vwifi campaign --replay '[^']+'$/)
    assert.deepStrictEqual(JSON.parse(command.slice(command.indexOf("'") + 1, -1)), c)
  })
})
