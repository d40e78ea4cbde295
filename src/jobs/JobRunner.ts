/**
 * Where a batch of independent simulation jobs runs. Callers (compare, sweep, campaign) build their
 * jobs, hand the batch to the `JobRunner` in context and get the results back in the jobs' order,
 * whatever ran them: this thread (`inProcess`), worker threads, or cluster runners. Because every
 * job is deterministic, the results are the same, bit for bit, whichever runner is provided.
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import { JobFailed, runJob } from "./SimJob.ts"
import type { SimJob, SimJobResult } from "./SimJob.ts"
import type { RunReport } from "../report/RunReport.ts"

export interface RunAllOptions {
  /** Called as each job finishes (in any order), with how many are done. */
  readonly onDone?: ((done: number, total: number) => void) | undefined
}

export class JobRunner extends Context.Service<JobRunner, {
  /** How many jobs may run at once (1 for this thread). */
  readonly parallelism: number
  /** Runs every job; results in the jobs' order. */
  readonly runAll: (jobs: ReadonlyArray<SimJob>, options?: RunAllOptions) => Effect.Effect<ReadonlyArray<SimJobResult>, JobFailed>
}>()("vwifi/JobRunner") {}

/** Every job in this thread, one after the other. */
export const inProcess: Layer.Layer<JobRunner> = Layer.succeed(JobRunner, {
  parallelism: 1,
  runAll: (jobs, options) =>
    Effect.forEach(jobs, (job, i) =>
      runJob(job, i).pipe(Effect.tap(() => Effect.sync(() => options?.onDone?.(i + 1, jobs.length)))))
})

export { JobFailed }

/** The reports of a batch of `RunJob`s, in order (a result of another kind is a runner's bug). */
export const runReports = (results: ReadonlyArray<SimJobResult>): Array<RunReport> =>
  results.map((r, i) => {
    if (r._tag !== "RunJobResult") throw new Error(`job ${i + 1} was a RunJob but came back as a ${r._tag}`)
    return r.report
  })
