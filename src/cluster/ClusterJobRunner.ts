/**
 * Submitting jobs to a cluster: the `JobRunner` whose jobs run on `vwifi cluster runner` processes,
 * wherever they are, and the library function behind it. The submitter is a client only: it writes
 * each job as a persisted message into the cluster's storage, tells the runner that owns the job's
 * shard, and takes the reply from that runner or, if the runner died, from storage once another
 * runner has taken the shard over and run the job again.
 *
 * Exactly once: a job's message has a primary key (`batchId/index`), so each case has one request
 * row and one reply row however often it is delivered or submitted; `submitJobs` gives one result
 * per index, in the jobs' order.
 */
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import { existsSync } from "node:fs"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Schedule from "effect/Schedule"
import * as Schema from "effect/Schema"
import type { Sharding } from "effect/cluster/Sharding"
import * as ShardingConfig from "effect/cluster/ShardingConfig"
import * as SqlRunnerStorage from "effect/cluster/SqlRunnerStorage"
import { RunnerStorage } from "effect/cluster/RunnerStorage"
import type { SqlClient } from "effect/sql/SqlClient"
import { JobRunner, runEach } from "../jobs/JobRunner.ts"
import type { RunAll, RunAllOptions } from "../jobs/JobRunner.ts"
import { FaultCaseJob, JobFailed } from "../jobs/SimJob.ts"
import type { FaultCaseResult, SimJob, SimJobResult } from "../jobs/SimJob.ts"
import type { FaultCase } from "../fault/FaultCase.ts"
import { ClusterStorageError, sqliteFolderProblem, storageLayer } from "./ClusterStorage.ts"
import { describeTarget } from "./StorageTarget.ts"
import type { StorageTarget } from "./StorageTarget.ts"
import { defaultTimings, shardingConfigOf } from "./ClusterTimings.ts"
import type { ClusterTimings } from "./ClusterTimings.ts"
import { jobEntityId, SimJobEntity } from "./SimJobEntity.ts"

/**
 * Jobs a submitter keeps in flight at once. Enough to keep dozens of runners busy (each runner reads
 * up to 1024 waiting messages per poll), few enough that a 100,000-case campaign is not 100,000
 * open requests and rows written before the first result.
 */
export const JOBS_IN_FLIGHT_DEFAULT = 256

/** How often a submitter with jobs under way looks whether a runner is still healthy (wall time). */
export const RUNNER_WATCH_MS = 10_000

/** How long a submitter waits for a first runner to register before saying none is there (wall time). */
export const RUNNER_WAIT_MS_DEFAULT = 15_000

/** No runner is registered in the cluster's storage: nothing would ever run the jobs. */
export class NoRunners extends Schema.TaggedError<NoRunners>()("NoRunners", {
  message: Schema.String
}) {}

export interface ClientOptions {
  readonly storage: StorageTarget
  readonly timings?: ClusterTimings | undefined
}

/** A client-only member of the cluster, the runner list (to check that some runner is there), and the storage's SQL client. */
export const clientLayer = (options: ClientOptions): Layer.Layer<Sharding | RunnerStorage | SqlClient, ClusterStorageError> => {
  const config = shardingConfigOf(options.timings ?? defaultTimings)
  const cluster = NodeClusterSocket.layer({ clientOnly: true, storage: "sql", shardingConfig: config })
  const runners = SqlRunnerStorage.layer.pipe(Layer.provide(ShardingConfig.layer(config)))
  return Layer.mergeAll(cluster, runners).pipe(
    Layer.provideMerge(storageLayer(options.storage)),
    Layer.catch((e) =>
      Layer.effectContext(Effect.fail(
        e instanceof ClusterStorageError ? e : new ClusterStorageError({ message: `cannot use the cluster's storage (${describeTarget(options.storage)}): ${e.message}` })
      )))
  )
}

/**
 * Waits until the storage lists a healthy runner, for at most `waitMs`; gives how many there are.
 * `onWaiting` is called once if the first look finds none (a submitter can say why it pauses).
 */
export const awaitRunners = (waitMs: number, onWaiting?: () => void): Effect.Effect<number, NoRunners, RunnerStorage> =>
  Effect.gen(function*() {
    if (!(waitMs >= 0)) return yield* new NoRunners({ message: `waitMs must be a number of milliseconds, 0 or more, got ${waitMs}` })
    const storage = yield* RunnerStorage
    const healthy = storage.getRunners.pipe(
      Effect.map((runners) => runners.filter(([, ok]) => ok).length),
      Effect.orElseSucceed(() => 0)
    )
    const first = yield* healthy
    if (first > 0) return first
    onWaiting?.()
    return yield* healthy.pipe(
      Effect.filterOrFail((n) => n > 0, () => new NoRunners({ message: "no runner yet" })),
      Effect.retry(Schedule.spaced(Duration.millis(500))),
      Effect.timeoutOrElse({
        duration: Duration.millis(waitMs),
        orElse: () => Effect.fail(new NoRunners({ message: noRunnerWithin(waitMs) }))
      })
    )
  })

/**
 * Looks every `RUNNER_WATCH_MS` whether the storage lists a healthy runner, and calls `onNone` each
 * time their number falls to 0: jobs submitted then wait for a runner (they run when one comes), and
 * a submitter would otherwise wait in silence. Runs until interrupted.
 */
export const watchRunners = (onNone: () => void): Effect.Effect<never, never, RunnerStorage> =>
  Effect.gen(function*() {
    const storage = yield* RunnerStorage
    let healthy = true
    while (true) {
      yield* Effect.sleep(Duration.millis(RUNNER_WATCH_MS))
      const now = yield* storage.getRunners.pipe(
        Effect.map((runners) => runners.some(([, ok]) => ok)),
        Effect.orElseSucceed(() => healthy)
      )
      if (healthy && !now) onNone()
      healthy = now
    }
  })

/**
 * Waits until a SQLite storage's file exists, for at most `waitMs`; gives the wait left. A submitter
 * does not create the file (a runner does when it starts): opening it would, and a submitter that
 * then found no runner left an empty database behind. A PostgreSQL storage is always there.
 */
const awaitStorageFile = (target: StorageTarget, waitMs: number, onWaiting: () => void): Effect.Effect<number, NoRunners | ClusterStorageError> =>
  Effect.suspend((): Effect.Effect<number, NoRunners | ClusterStorageError> => {
    if (target._tag !== "Sqlite" || existsSync(target.file)) return Effect.succeed(waitMs)
    const folder = sqliteFolderProblem(target.file)
    if (folder !== undefined) return Effect.fail(new ClusterStorageError({ message: `cannot open the cluster's SQLite file ${target.file}: ${folder}` }))
    onWaiting()
    const started = Date.now()
    return Effect.sync(() => existsSync(target.file)).pipe(
      Effect.repeat({ until: (there) => there, schedule: Schedule.spaced(Duration.millis(250)) }),
      Effect.as(0),
      Effect.timeoutOrElse({
        duration: Duration.millis(waitMs),
        orElse: () => Effect.fail(new NoRunners({ message: `${noRunnerWithin(waitMs)} (none has created ${target.file})` }))
      }),
      Effect.map(() => Math.max(0, waitMs - (Date.now() - started)))
    )
  })

const noRunnerWithin = (waitMs: number): string =>
  `no cluster runner registered within ${waitMs / 1000} s: start one with \`vwifi cluster runner --storage …\` on the same storage`

export interface SubmitOptions extends RunAllOptions {
  /**
   * Names the batch in the cluster's storage (default: a random one). Submitting a batch again under
   * the same id returns the results already stored and runs only the jobs that have none.
   */
  readonly batchId?: string | undefined
  readonly jobsInFlight?: number | undefined
  /** Called with each job's result as it arrives (in any order). */
  readonly onResult?: ((index: number, result: SimJobResult) => void) | undefined
}

/** Runs `jobs` on the cluster's runners; results in the jobs' order. */
export const submitJobs = (
  jobs: ReadonlyArray<SimJob>,
  options: SubmitOptions = {}
): Effect.Effect<ReadonlyArray<SimJobResult>, JobFailed, Sharding> =>
  Effect.map(submitJobsUnlessStopped(jobs, options), (results) => results as ReadonlyArray<SimJobResult>) // no signal: every job ran

/** `submitJobs`, stoppable: once `signal` aborts no job is submitted, and each left gives undefined. */
const submitJobsUnlessStopped = (
  jobs: ReadonlyArray<SimJob>,
  options: SubmitOptions & { readonly signal?: AbortSignal | undefined }
): Effect.Effect<ReadonlyArray<SimJobResult | undefined>, JobFailed, Sharding> =>
  Effect.gen(function*() {
    const batchId = options.batchId ?? crypto.randomUUID()
    const clientFor = yield* SimJobEntity.client
    return yield* runEach(jobs, options.jobsInFlight ?? JOBS_IN_FLIGHT_DEFAULT, (job, index) =>
      clientFor(jobEntityId(batchId, index)).Run({ batchId, index, job }).pipe(
        Effect.catchIf(
          (e): e is Exclude<typeof e, JobFailed> => e._tag !== "JobFailed",
          (e) => Effect.fail(new JobFailed({ index, message: `the cluster could not take job ${index} of batch ${batchId}: ${e._tag}` }))
        ),
        Effect.tap((result) => Effect.sync(() => options.onResult?.(index, result)))
      ), options)
  })

/** A small campaign on the cluster: each fault case a job, its verdict back in the cases' order. */
export const submitFaultCases = (
  cases: ReadonlyArray<FaultCase>,
  options: SubmitOptions = {}
): Effect.Effect<ReadonlyArray<FaultCaseResult>, JobFailed, Sharding> =>
  submitJobs(cases.map((faultCase) => new FaultCaseJob({ faultCase })), options).pipe(
    Effect.map((results) => results.map((r, i) => {
      if (r._tag !== "FaultCaseResult") throw new Error(`job ${i} is a fault case but its result is a ${r._tag}`)
      return r
    }))
  )

/**
 * The `JobRunner` of a cluster: batches go to the runners registered in `options.storage`. Fails to
 * build if no runner registers within `RUNNER_WAIT_MS_DEFAULT`.
 */
export const clusterJobRunner = (
  options: ClientOptions & {
    readonly runnerWaitMs?: number | undefined
    readonly jobsInFlight?: number | undefined
    /** Called once when no runner is registered yet and the wait begins. */
    readonly onWaitingForRunners?: ((waitMs: number) => void) | undefined
    /** Called, while jobs are under way, each time no runner is healthy any more (`watchRunners`). */
    readonly onNoHealthyRunner?: (() => void) | undefined
  }
): Layer.Layer<JobRunner, ClusterStorageError | NoRunners> =>
  Layer.unwrap(Effect.suspend(() => {
    const waitMs = options.runnerWaitMs ?? RUNNER_WAIT_MS_DEFAULT
    // Said once per build, whether the wait is for the file a runner creates or for a runner in it.
    let waiting = false
    const onWaiting = () => {
      if (!waiting) options.onWaitingForRunners?.(waitMs)
      waiting = true
    }
    return Effect.map(awaitStorageFile(options.storage, waitMs, onWaiting), (waitLeftMs) => runnerLayer(options, waitLeftMs, onWaiting))
  }))

/** The `JobRunner` of `clusterJobRunner`, once its storage is there to open. */
const runnerLayer = (
  options: Parameters<typeof clusterJobRunner>[0],
  waitMs: number,
  onWaiting: () => void
): Layer.Layer<JobRunner, ClusterStorageError | NoRunners> =>
  Layer.effect(JobRunner, Effect.gen(function*() {
    const runners = yield* awaitRunners(waitMs, onWaiting)
    const context = yield* Effect.context<Sharding | RunnerStorage>()
    const onNone = options.onNoHealthyRunner
    return {
      parallelism: runners,
      cluster: describeTarget(options.storage),
      runAll: ((jobs, runOptions?: RunAllOptions & { readonly signal?: AbortSignal | undefined }) => {
        const submitted = submitJobsUnlessStopped(jobs, { onDone: runOptions?.onDone, signal: runOptions?.signal, jobsInFlight: options.jobsInFlight })
        // The watch lasts as long as the batch: it is interrupted when the batch ends.
        return (onNone === undefined ? submitted : Effect.raceFirst(submitted, watchRunners(onNone))).pipe(Effect.provideContext(context))
      }) as RunAll
    }
  })).pipe(Layer.provide(clientLayer(options)))
