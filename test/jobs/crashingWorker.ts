/** A worker thread for the pool's tests: serves jobs as `JobWorker.ts` does, but dies on the first. */
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeWorkerRunner from "@effect/platform-node/NodeWorkerRunner"
import { Effect, Layer } from "effect"
import { RpcServer } from "effect/rpc"
import { JobRpcs } from "../../src/jobs/JobRpc.ts"

const handlers = JobRpcs.toLayer({ RunJob: () => Effect.sync(() => process.exit(3)) })

NodeRuntime.runMain(Layer.launch(RpcServer.layer(JobRpcs).pipe(
  Layer.provide(handlers),
  Layer.provide(RpcServer.layerProtocolWorkerRunner),
  Layer.provide(NodeWorkerRunner.layer)
)))
