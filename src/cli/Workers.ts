/** `--workers N`: where compare, sweep-rate and campaign run their simulations. */
import type { Layer } from "effect"
import { Flag } from "effect/cli"
import { inProcess } from "../jobs/JobRunner.ts"
import type { JobRunner } from "../jobs/JobRunner.ts"
import * as WorkerPool from "../jobs/WorkerPool.ts"

/** More threads than this gains nothing on any machine vwifi targets, and each costs memory. */
export const WORKERS_MAX = 256

export const workers = Flag.Int("workers").pipe(
  Flag.withDescription(
    `Worker threads that run the simulations side by side, 1 to ${WORKERS_MAX}; 1 runs them in this thread. ` +
      `Results are the same, bit for bit, whatever the number (default: the number of cores, ${WorkerPool.defaultWorkers()} here)`
  ),
  Flag.filter((n) => n >= 1 && n <= WORKERS_MAX, (n) => `--workers must be a whole number from 1 to ${WORKERS_MAX}, got ${n}`),
  Flag.withDefault(WorkerPool.defaultWorkers())
)

/** The `JobRunner` for `--workers n`: this thread for 1, a pool of threads otherwise. */
export const jobRunnerLayer = (n: number): Layer.Layer<JobRunner> => n <= 1 ? inProcess : WorkerPool.layer({ workers: n })
