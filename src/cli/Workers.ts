/** `--workers N`: where compare, sweep-rate and campaign run their simulations. */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Flag } from "effect/cli"
import { availableParallelism } from "node:os"
import { inProcess } from "../jobs/JobRunner.ts"
import type { JobRunner } from "../jobs/JobRunner.ts"
import { wholeFrom } from "./flags.ts"
import { MAX_WORKERS } from "../run/RunOptionsCheck.ts"

/** One thread per core by default: the jobs are CPU-bound and share nothing. */
const defaultWorkers = availableParallelism()

export { MAX_WORKERS } from "../run/RunOptionsCheck.ts"

export const workers = Flag.Int("workers").pipe(
  Flag.withDescription(
    `Worker threads that run the simulations side by side, 1 to ${MAX_WORKERS}; 1 runs them in this thread. ` +
      `Results are the same, bit for bit, whatever the number (default: the number of cores, ${defaultWorkers} here)`
  ),
  wholeFrom("workers", 1, MAX_WORKERS),
  // Optional, not defaulted: a command must know whether it was given (it does not go with --cluster).
  Flag.optional
)

/** The threads `--workers` asks for, or one per core. */
export const workerCount = (given: Option.Option<number>): number => Option.getOrElse(given, () => defaultWorkers)

/**
 * The `JobRunner` for `--workers n`: this thread for 1, a pool of threads otherwise. The pool's
 * modules (effect/rpc, the worker protocol) load only when a pool is asked for: every command
 * loads this file, and `vwifi run` never starts a thread.
 */
export const jobRunnerLayer = (n: number): Layer.Layer<JobRunner> =>
  n <= 1 ? inProcess : Layer.unwrap(Effect.map(Effect.promise(() => import("../jobs/WorkerPool.ts")), (WorkerPool) => Layer.orDie(WorkerPool.layer({ workers: n }))))  // n: --workers, checked
