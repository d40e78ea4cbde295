import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit } from "effect"
import { runCampaign } from "../../src/campaign/Campaign.ts"
import { compareJobs } from "../../src/compare/Compare.ts"
import { inProcess, JobRunner } from "../../src/jobs/JobRunner.ts"
import * as WorkerPool from "../../src/jobs/WorkerPool.ts"
import type { SimJobResult } from "../../src/jobs/SimJob.ts"
import { defaultScenario } from "../../src/scenario/ScenarioLoad.ts"

/** A result without its wall time, the one field a machine's speed changes. */
const stable = (r: SimJobResult) => (r._tag === "RunJobResult" ? { ...r, report: { ...r.report, wallSeconds: 0 } } : r)

const twoWorkers = WorkerPool.layer({ workers: 2 })

describe("the worker-thread JobRunner", () => {
  it.effect("gives the same results, bit for bit, as this thread: a compare-like batch and a small campaign", () =>
    Effect.gen(function*() {
      // Six runs of 1 s over the groups and workloads (ping's stamps the TX path), of unequal lengths.
      const jobs = compareJobs({ ...defaultScenario, warmupSeconds: 0.5 }, { seed: 4, seeds: 1, durationNs: 1e9 }).filter((_, i) => i % 7 === 0)
      const here = yield* Effect.provide(JobRunner.use((r) => r.runAll(jobs)), inProcess)
      const done: Array<number> = []
      const { threads, campaign } = yield* Effect.provide(
        Effect.gen(function*() {
          const threads = yield* JobRunner.use((r) => r.runAll(jobs, { onDone: (n) => done.push(n) }))
          const campaign = yield* runCampaign({ seed: 3, cases: 2 })
          return { threads, campaign }
        }),
        twoWorkers
      )
      assert.deepStrictEqual(threads.map(stable), here.map(stable))
      assert.deepStrictEqual(done, jobs.map((_, i) => i + 1))
      const single = yield* Effect.provide(runCampaign({ seed: 3, cases: 2 }), inProcess)
      const { wallSeconds: _a, casesPerWallSecond: _b, processCpuSeconds: _e, workers, ...rest } = campaign
      const { wallSeconds: _c, casesPerWallSecond: _d, processCpuSeconds: _f, workers: one, ...restOne } = single
      assert.deepStrictEqual(rest, restOne)
      assert.deepStrictEqual([workers, one], [2, 1])
    }), { timeout: 240_000 })

  it.effect("reports a worker thread that dies on a job as that job's failure, without hanging", () =>
    Effect.gen(function*() {
      const jobs = compareJobs({ ...defaultScenario, warmupSeconds: 0.5 }, { seed: 1, seeds: 1, durationNs: 1e9 }).slice(0, 3)
      const crashing = WorkerPool.layer({ workers: 2, entry: new URL("./crashingWorker.ts", import.meta.url) })
      const exit = yield* Effect.exit(Effect.provide(JobRunner.use((r) => r.runAll(jobs)), crashing))
      assert.isTrue(Exit.isFailure(exit))
      const error = Exit.isFailure(exit) ? exit.cause.reasons.find((r) => r._tag === "Fail")?.error : undefined
      assert.strictEqual(error?._tag, "JobFailed")
      assert.match(error!.message, /^job \d: its worker thread stopped/)
    }), { timeout: 60_000 })
})
