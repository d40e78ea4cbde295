/**
 * Entry point of a worker thread of the pool (`WorkerPool.ts`): serves `JobRpcs` over the thread's
 * message port, one job at a time, until the pool closes it.
 */
// The modules themselves, not the package's index: a thread loads only what it uses, and starts sooner.
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import * as Layer from "effect/Layer"
import * as RpcServer from "effect/rpc/RpcServer"
import { JobRpcs } from "./JobRpc.ts"
import { runJob } from "./SimJob.ts"

const handlers = JobRpcs.toLayer({ RunJob: ({ index, job }) => runJob(job, index) })

const server = RpcServer.layer(JobRpcs).pipe(
  Layer.provide(handlers),
  Layer.provide(RpcServer.layerProtocolWorkerRunner),
  Layer.provide(NodeWorkerRunner.layer)
)

NodeRuntime.runMain(Layer.launch(server))
