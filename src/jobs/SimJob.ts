/**
 * A simulation job: one independent run that any executor (this thread, a worker thread, a cluster
 * runner) can do and that gives the same result wherever it runs. Jobs and results are Schemas
 * because they cross a trust boundary (a thread, a socket, a database row): they are encoded on one
 * side and decoded on the other, never trusted as objects.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { caseScenario, caseVerdict, failedRunVerdict, FaultCase } from "../fault/FaultCase.ts"
import { RunReport } from "../report/RunReport.ts"
import { runScenario } from "../run/RunScenario.ts"
import { Scenario } from "../scenario/Scenario.ts"

/** Run a scenario with a seed, as `runScenario` does, and give its whole report. */
export class RunJob extends Schema.TaggedClass<RunJob>()("RunJob", {
  scenario: Scenario,
  seed: Schema.Int,
  /** Overrides the scenario's duration. */
  durationNs: Schema.optional(Schema.Number),
  /** Stamp TX frames' path (`RunReport.txPath`). */
  txPath: Schema.optional(Schema.Boolean)
}) {}

/** Run one generated fault case (`fault/FaultCase.ts`) and judge it. */
export class FaultCaseJob extends Schema.TaggedClass<FaultCaseJob>()("FaultCaseJob", {
  faultCase: FaultCase
}) {}

export const SimJob = Schema.Union([RunJob, FaultCaseJob])
export type SimJob = typeof SimJob.Type

export class RunJobResult extends Schema.TaggedClass<RunJobResult>()("RunJobResult", {
  report: RunReport
}) {}

/** A fault case's verdict: what went wrong (empty: it passed) and the run's fingerprint. */
export class FaultCaseResult extends Schema.TaggedClass<FaultCaseResult>()("FaultCaseResult", {
  problems: Schema.Array(Schema.String),
  traceDigest: Schema.String,
  simulatedSeconds: Schema.Number,
  /** A run that died: how (the failure's stack), which a replay prints. */
  detail: Schema.optionalKey(Schema.String)
}) {}

export const SimJobResult = Schema.Union([RunJobResult, FaultCaseResult])
export type SimJobResult = typeof SimJobResult.Type

/** A job that could not run at all (its scenario did not decode, say): not a verdict, an error. */
export class JobFailed extends Schema.TaggedError<JobFailed>()("JobFailed", {
  index: Schema.Int,
  message: Schema.String
}) {}

/** Does one job here, in this thread. `index` is the job's place in its batch, for errors. */
export const runJob = (job: SimJob, index: number): Effect.Effect<SimJobResult, JobFailed> => {
  switch (job._tag) {
    case "RunJob":
      return runScenario(job.scenario, { seed: job.seed, durationNs: job.durationNs, txPath: job.txPath }).pipe(
        Effect.map((report) => new RunJobResult({ report })),
        Effect.mapError((e) => new JobFailed({ index, message: `run ${index}: ${e.message}` }))
      )
    case "FaultCaseJob":
      return caseScenario(job.faultCase).pipe(
        Effect.mapError((e) => new JobFailed({ index, message: `fault case ${JSON.stringify(job.faultCase)}: ${String(e)}` })),
        Effect.flatMap((scenario) =>
          runScenario(scenario, { seed: job.faultCase.seed }).pipe(
            Effect.mapError((e) => new JobFailed({ index, message: `fault case ${index}: ${e.message}` })),
            Effect.map((report): RunReport | FaultCaseResult => report),
            // A run that died is this case's failure, judged and shrunk as any other, not the campaign's end
            // (only the run's death: a bug of the verdict below stays a bug).
            Effect.catchDefect((defect) => Effect.succeed(new FaultCaseResult(failedRunVerdict(defect)))),
            Effect.map((r) =>
              r instanceof FaultCaseResult ? r : new FaultCaseResult({ problems: caseVerdict(r), traceDigest: r.traceDigest, simulatedSeconds: r.simulatedSeconds })
            )
          )
        )
      )
  }
}
