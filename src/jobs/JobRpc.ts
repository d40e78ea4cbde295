/**
 * The one procedure a worker thread serves: run a simulation job. Its payload, result and error are
 * the jobs' Schemas (`SimJob.ts`), so both sides of the thread boundary encode and decode them.
 */
import * as Schema from "effect/Schema"
import * as Rpc from "effect/rpc/Rpc"
import * as RpcGroup from "effect/rpc/RpcGroup"
import { JobFailed, SimJob, SimJobResult } from "./SimJob.ts"

export class JobRpcs extends RpcGroup.make(
  Rpc.make("RunJob", {
    payload: { job: SimJob, index: Schema.Int },
    success: SimJobResult,
    error: JobFailed
  })
) {}
