/**
 * `--cluster STORAGE` on the commands that run batches of jobs (compare; campaign): where the batch
 * runs. Absent, on `--workers` threads (or in this process); given, on the `vwifi cluster runner` processes that share STORAGE
 * (a SQLite file, or a postgres:// URL for runners on several machines).
 */
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Flag } from "effect/cli"
import { parseStorageTarget } from "../cluster/StorageTarget.ts"
import { inProcess, JobRunner } from "../jobs/JobRunner.ts"
import { CliUsageError } from "./CliUsageError.ts"
import { jobRunnerLayer } from "./Workers.ts"

export const cluster = Flag.String("cluster").pipe(
  Flag.withDescription(
    "Run the jobs on the `vwifi cluster runner` processes that share this storage, instead of on --workers threads here: " +
      "a SQLite file (runners on this machine) or a postgres:// URL (runners on several machines); see docs/cluster.md"
  ),
  Flag.optional
)

/**
 * The `JobRunner` that `--cluster` asks for; a storage that cannot be opened, or no runner, is the
 * user's to fix. effect/cluster and the SQL clients load only when `--cluster` is given.
 */
export const clusterRunnerLayer = (storage: Option.Option<string>): Layer.Layer<JobRunner, CliUsageError> => {
  if (Option.isNone(storage)) return inProcess
  const target = parseStorageTarget(storage.value)
  if ("error" in target) return Layer.effect(JobRunner, Effect.fail(new CliUsageError({ message: `--cluster: ${target.error}` })))
  return Layer.unwrap(Effect.map(Effect.promise(() => import("../cluster/ClusterJobRunner.ts")), ({ clusterJobRunner }) =>
    clusterJobRunner({
      storage: target,
      // Said at once: otherwise the command would sit silent until the wait ends.
      onWaitingForRunners: (waitMs) => void process.stderr.write(`vwifi: no cluster runner is registered yet; waiting up to ${waitMs / 1000} s for one\n`),
      // The jobs under way then wait for a runner, however long: said, not waited in silence.
      onNoHealthyRunner: () =>
        void process.stderr.write("vwifi: no cluster runner is healthy any more; the jobs left wait until one runs (start one with `vwifi cluster runner --storage …` on the same storage, or press Ctrl-C)\n")
    }))).pipe(
    Layer.catch((e) => Layer.effect(JobRunner, Effect.fail(new CliUsageError({ message: `--cluster: ${e.message}` }))))
  )
}

/**
 * `--workers` and `--cluster` name two places to run the same batch: the runners' own `--jobs` say
 * how many jobs each runs at once, so threads asked for here would be silently ignored.
 */
export const refuseWorkersWithCluster = (workers: Option.Option<number>, storage: Option.Option<string>): Effect.Effect<void, CliUsageError> =>
  Option.isSome(workers) && Option.isSome(storage)
    ? Effect.fail(new CliUsageError({
      message: `--workers ${workers.value} and --cluster ${storage.value} do not go together: with --cluster the jobs run on the runners ` +
        "(each runs as many at once as its own --jobs says); give one or the other"
    }))
    : Effect.void

/** Where a command's batch runs: the cluster if `--cluster` names one, else `--workers` threads. */
export const batchRunnerLayer = (workers: number, storage: Option.Option<string>): Layer.Layer<JobRunner, CliUsageError> =>
  Option.isSome(storage) ? clusterRunnerLayer(storage) : jobRunnerLayer(workers)
