/**
 * A simulation job as an `effect/cluster` entity: one entity per job of a batch, addressed by
 * `batchId/index`, so that a batch's jobs hash over every shard and therefore over every runner.
 * Its one RPC, `Run`, carries the job as a Schema (encoded on the submitter, decoded on the runner)
 * and returns the job's result the same way.
 *
 * `Run` is persisted: the request is a row in the message storage before any runner sees it, and
 * its reply is a row too. A runner that dies leaves the request unprocessed in storage; the runner
 * that takes over the shard delivers it again. The payload's primary key (`batchId/index`) makes a
 * second submission of the same case return the stored reply instead of a second result.
 */
import * as Schema from "effect/Schema"
import * as ClusterSchema from "effect/cluster/ClusterSchema"
import * as Entity from "effect/cluster/Entity"
import * as Rpc from "effect/rpc/Rpc"
import { JobFailed, SimJob, SimJobResult } from "../jobs/SimJob.ts"

/** What a batch's job is called in the message storage: `batchId/index`, unique per case. */
export const jobEntityId = (batchId: string, index: number): string => `${batchId}/${index}`

export const Run = Rpc.make("Run", {
  payload: {
    /** The batch this job belongs to (one `runAll`, one campaign). */
    batchId: Schema.String,
    /** The job's place in its batch: results come back in this order. */
    index: Schema.Int,
    job: SimJob
  },
  primaryKey: ({ batchId, index }) => jobEntityId(batchId, index),
  success: SimJobResult,
  error: JobFailed
})

export const SimJobEntity = Entity.make("SimJob", [Run]).annotateRpcs(ClusterSchema.Persisted, true)
