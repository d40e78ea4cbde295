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

/** A batch its caller may stop (Ctrl-C in `vwifi campaign`): jobs not started when `signal` aborts are not run. */
export interface StoppableRunOptions extends RunAllOptions {
  readonly signal: AbortSignal
}

/** `JobRunner.runAll`: every job, results in the jobs' order; stoppable, undefined for each job it did not run. */
export interface RunAll {
  (jobs: ReadonlyArray<SimJob>, options: StoppableRunOptions): Effect.Effect<ReadonlyArray<SimJobResult | undefined>, JobFailed>
  (jobs: ReadonlyArray<SimJob>, options?: RunAllOptions): Effect.Effect<ReadonlyArray<SimJobResult>, JobFailed>
}

export class JobRunner extends Context.Service<JobRunner, {
  /** How many jobs may run at once (1 for this thread; a cluster's: its runners when the batch began). */
  readonly parallelism: number
  /** The cluster storage the jobs go through, safe to print (`describeTarget`); undefined for threads of this process. */
  readonly cluster: string | undefined
  readonly runAll: RunAll
}>()("vwifi/JobRunner") {}

/**
 * Runs each job with `run`, at most `concurrency` at once, started in the jobs' order; results in
 * that order, `onDone` as each finishes. Once `signal` (if any) aborts, no job starts: each left gives
 * undefined, so the jobs run are the batch's first ones, every runner alike.
 */
export const runEach = <R>(
  jobs: ReadonlyArray<SimJob>,
  concurrency: number,
  run: (job: SimJob, index: number) => Effect.Effect<SimJobResult, JobFailed, R>,
  options?: RunAllOptions & { readonly signal?: AbortSignal | undefined }
): Effect.Effect<Array<SimJobResult | undefined>, JobFailed, R> =>
  Effect.suspend(() => {
    let done = 0
    const signal = options?.signal
    return Effect.forEach(jobs, (job, index): Effect.Effect<SimJobResult | undefined, JobFailed, R> =>
      signal?.aborted === true
        ? Effect.undefined
        : run(job, index).pipe(Effect.tap(() => Effect.sync(() => options?.onDone?.(++done, jobs.length)))), { concurrency })
  })

/** Every job in this thread, one after the other. */
export const inProcess: Layer.Layer<JobRunner> = Layer.succeed(JobRunner, {
  parallelism: 1,
  cluster: undefined,
  runAll: ((jobs, options) => runEach(jobs, 1, runJob, options)) as RunAll
})

export { JobFailed }

/** The reports of a batch of `RunJob`s, in order (a result of another kind is a runner's bug). */
export const runReports = (results: ReadonlyArray<SimJobResult>): Array<RunReport> =>
  results.map((r, i) => {
    if (r._tag !== "RunJobResult") throw new Error(`job ${i + 1} was a RunJob but came back as a ${r._tag}`)
    return r.report
  })
