import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { inProcess, JobRunner } from "../../src/jobs/JobRunner.ts"
import { FaultCaseJob, RunJob, SimJob, SimJobResult } from "../../src/jobs/SimJob.ts"
import { defaultScenario } from "../../src/scenario/ScenarioLoad.ts"

/** Through JSON, as a job crosses a socket or a database row. */
const viaJson = <A, I>(schema: Schema.Codec<A, I>, value: A): A =>
  Schema.decodeUnknownSync(schema)(JSON.parse(JSON.stringify(Schema.encodeSync(schema)(value))))

describe("simulation jobs", () => {
  it.effect("a job and its result survive encoding to JSON and back, and run to the same report", () =>
    Effect.gen(function*() {
      const job = new RunJob({ scenario: { ...defaultScenario, warmupSeconds: 0.1 }, seed: 3, durationNs: 300e6 })
      const decoded = viaJson(SimJob, job)
      const [direct, viaCopy] = yield* Effect.provide(JobRunner.use((r) => r.runAll([job, decoded])), inProcess)
      assert.strictEqual(direct!._tag, "RunJobResult")
      const a = direct as Extract<SimJobResult, { _tag: "RunJobResult" }>
      const b = viaCopy as Extract<SimJobResult, { _tag: "RunJobResult" }>
      assert.strictEqual(a.report.traceDigest, b.report.traceDigest)
      const back = viaJson(SimJobResult, a) as typeof a
      assert.deepStrictEqual({ ...back.report, wallSeconds: 0 }, { ...a.report, wallSeconds: 0 })
    }))

  it.effect("a fault case job gives a verdict", () =>
    Effect.gen(function*() {
      const job = new FaultCaseJob({ faultCase: { seed: 7, mode: 0, vms: 2, aps: 1, traffic: ["ping", "udp-tx", "ping", "ping"], faults: [{ atTenths: 20, kind: 100, target: 0, size: 500 }] } })
      const [result] = yield* Effect.provide(JobRunner.use((r) => r.runAll([viaJson(SimJob, job)])), inProcess)
      assert.strictEqual(result!._tag, "FaultCaseResult")
      if (result?._tag === "FaultCaseResult") assert.deepStrictEqual(result.problems, [])
    }))
})
