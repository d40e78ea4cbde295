/**
 * One run through the `JobRunner` in context, if there is one (`--cluster`), else here as
 * `runScenario` does. For callers that still run their runs one by one; a caller that builds its
 * whole batch first and hands it to `JobRunner.runAll` keeps every runner busy at once.
 */
import { Effect, Option } from "effect"
import type { RunReport } from "../report/RunReport.ts"
import { runScenario } from "../run/RunScenario.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { JobRunner } from "./JobRunner.ts"
import { JobFailed, RunJob } from "./SimJob.ts"

export const runScenarioJob = (
  scenario: Scenario,
  options: { readonly seed: number; readonly durationNs?: number | undefined; readonly txPath?: boolean | undefined }
): Effect.Effect<RunReport, JobFailed> =>
  Effect.flatMap(Effect.serviceOption(JobRunner), (runner) =>
    Option.isNone(runner)
      ? runScenario(scenario, options)
      : runner.value.runAll([new RunJob({ scenario, seed: options.seed, durationNs: options.durationNs, txPath: options.txPath })]).pipe(
        Effect.flatMap(([result]) =>
          result?._tag === "RunJobResult"
            ? Effect.succeed(result.report)
            : Effect.fail(new JobFailed({ index: 0, message: `a run came back as ${result?._tag ?? "nothing"}` }))
        )
      ))
