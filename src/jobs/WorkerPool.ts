/**
 * The `JobRunner` on worker threads: a pool of N threads, each serving `JobRpcs` (`JobWorker.ts`),
 * one job at a time. A free thread takes the next job (the worker protocol's pool hands a request
 * to an idle worker), results come back in the jobs' order. Jobs and results cross the thread as
 * their Schemas' encodings, as they would cross a socket.
 */
import * as NodeWorker from "@effect/platform-node/NodeWorker"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as RpcClient from "effect/rpc/RpcClient"
import type { RpcClientError } from "effect/rpc/RpcClientError"
import { Worker } from "node:worker_threads"
import { jobWorkerEntry, poolThreadName, takeEarlyWorker } from "./EarlyWorkers.ts"
import { JobRpcs } from "./JobRpc.ts"
import { JobFailed, JobRunner, runEach } from "./JobRunner.ts"
import type { RunAll } from "./JobRunner.ts"
import { MAX_WORKERS, RunOptionsError, wholeNumberProblem } from "../run/RunOptionsCheck.ts"

/** How long a thread with no job stays up (it took about a second to start). */
const IDLE_THREAD_LIFETIME = "1 minute"

export { jobWorkerEntry }

export interface WorkerPoolOptions {
  readonly workers: number
  /** The script each thread runs (default `jobWorkerEntry`); tests give a misbehaving one. */
  readonly entry?: URL | undefined
}

const stopped = (index: number, error: RpcClientError): JobFailed =>
  new JobFailed({ index, message: `job ${index + 1}: its worker thread stopped (${error.message}); the run is abandoned` })

const runner = (workers: number) =>
  Effect.gen(function*() {
    const client = yield* RpcClient.make(JobRpcs)
    return JobRunner.of({
      parallelism: workers,
      cluster: undefined,
      runAll: ((jobs, options) =>
        runEach(jobs, workers, (job, index) =>
          client.RunJob({ job, index }).pipe(Effect.catchTag("RpcClientError", (error) => Effect.fail(stopped(index, error)))), options)) as RunAll
    })
  })

/** `workers` threads running jobs; they start when the layer is built and stop with its scope. A count that is not a whole number from 1 to `MAX_WORKERS` fails with `RunOptionsError`. */
export const layer = (options: WorkerPoolOptions): Layer.Layer<JobRunner, RunOptionsError> => {
  // A pool of no thread never ran a job: it waited for one forever.
  const problem = wholeNumberProblem(options.workers, 1, MAX_WORKERS)
  if (problem !== undefined) return Layer.effect(JobRunner, Effect.fail(new RunOptionsError({ problems: [{ option: "workers", message: problem }] })))
  const entry = options.entry ?? jobWorkerEntry
  return Layer.effect(JobRunner, runner(options.workers)).pipe(
    // Threads start as runs wait for one (the first at once), so a short batch starts no more than it
    // uses; an idle thread stays a while, for the next batch (a campaign's shrinking, say).
    Layer.provide(RpcClient.layerProtocolWorker({ minSize: 1, maxSize: options.workers, concurrency: 1, timeToLive: IDLE_THREAD_LIFETIME })),
    // A thread `bin/vwifi.js` started early is taken first (`EarlyWorkers.ts`); it is used as a Worker is.
    Layer.provide(NodeWorker.layer((id) => (takeEarlyWorker(entry) as unknown as Worker | undefined) ?? new Worker(entry, { name: poolThreadName(id) }))),
    // Threads that cannot start are vwifi's failure, not the user's: an internal error.
    Layer.orDie
  )
}
