/**
 * A cluster runner: a process that owns some of the cluster's shards and runs the simulation jobs
 * addressed to them (`vwifi cluster runner`). It listens on a TCP address that submitters and other
 * runners reach it at, and keeps its shard locks, its heartbeat and every job message in the shared
 * SQL storage, which is how another runner takes its work over when it dies.
 */
import * as NodeClusterSocket from "@effect/platform-node/NodeClusterSocket"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import * as Semaphore from "effect/Semaphore"
import { RunnerAddress } from "effect/cluster/RunnerAddress"
import { runJob } from "../jobs/SimJob.ts"
import { storageLayer } from "./ClusterStorage.ts"
import type { StorageTarget } from "./StorageTarget.ts"
import { shardingConfigOf } from "./ClusterTimings.ts"
import type { ClusterTimings } from "./ClusterTimings.ts"
import { SimJobEntity } from "./SimJobEntity.ts"

/**
 * How long a job's entity stays in memory after its reply (wall time). Every entity holds one job,
 * so it is never asked again; a short stay keeps a 100,000-case campaign's runners small.
 */
const JOB_ENTITY_IDLE_MS = 5_000

export interface RunnerOptions {
  readonly storage: StorageTarget
  /** The address other processes reach this runner at. */
  readonly host: string
  readonly port: number
  /** The interface to listen on, when not `host` (0.0.0.0 behind NAT or in a container). */
  readonly listenHost?: string | undefined
  /** Jobs this runner runs at once: one per core it may use (jobs are single-threaded). */
  readonly jobsAtOnce: number
  readonly timings: ClusterTimings
}

/** The `SimJob` entity, running at most `jobsAtOnce` jobs at a time on this runner. */
const jobEntityLayer = (jobsAtOnce: number) =>
  Layer.unwrap(Effect.map(Semaphore.make(jobsAtOnce), (slots) =>
    SimJobEntity.toLayer(
      SimJobEntity.of({ Run: ({ payload }) => slots.withPermit(runJob(payload.job, payload.index)) }),
      { maxIdleTime: JOB_ENTITY_IDLE_MS }
    )))

/** Everything a runner is: its entity, the socket transport, the SQL storage. Launch it to serve. */
export const runnerLayer = (options: RunnerOptions) =>
  jobEntityLayer(options.jobsAtOnce).pipe(
    Layer.provide(NodeClusterSocket.layer({
      storage: "sql",
      shardingConfig: {
        ...shardingConfigOf(options.timings),
        runnerAddress: Option.some(RunnerAddress.make({ host: options.host, port: options.port })),
        runnerListenAddress: options.listenHost === undefined
          ? Option.none()
          : Option.some(RunnerAddress.make({ host: options.listenHost, port: options.port }))
      }
    })),
    Layer.provide(storageLayer(options.storage))
  )
