/**
 * A fault campaign: N fresh cases from a seed (`fault/CaseGenerator.ts`), run on the `JobRunner` in
 * context, each judged (`caseVerdict`); each failing case is shrunk (`fault/CaseShrink.ts`) on the
 * same runner to a smaller one that fails alike, with the command that replays it.
 */
import * as Effect from "effect/Effect"
import { caseScenario } from "../fault/FaultCase.ts"
import type { FaultCase } from "../fault/FaultCase.ts"
import { generateCases } from "../fault/CaseGenerator.ts"
import { shrinkCase } from "../fault/CaseShrink.ts"
import { JobRunner } from "../jobs/JobRunner.ts"
import type { JobFailed } from "../jobs/JobRunner.ts"
import { FaultCaseJob } from "../jobs/SimJob.ts"
import type { FaultCaseResult, SimJobResult } from "../jobs/SimJob.ts"
import type { CampaignFailure, CampaignReport } from "./CampaignReport.ts"
import { campaignProblems, refuseProblems } from "../run/RunOptionsCheck.ts"
import type { RunOptionsError } from "../run/RunOptionsCheck.ts"

export interface CampaignOptions {
  readonly seed: number
  readonly cases: number
  /** Called as each case finishes (in any order), with how many are done. */
  readonly onDone?: ((done: number, total: number) => void) | undefined
  /** Called before shrinking failure `n` (from 1) of `total`. */
  readonly onShrink?: ((n: number, total: number) => void) | undefined
}

/** The one command that runs `c` again, alone: its JSON has no single quote, so the shell keeps it whole. */
export const replayCommand = (c: FaultCase): string => `vwifi campaign --replay '${JSON.stringify(c)}'`

const MODE_NAMES = ["virtual-wifi", "virtual-wifi", "passthrough", "native"] as const

const verdictOf = (result: SimJobResult, index: number): FaultCaseResult => {
  if (result._tag !== "FaultCaseResult") throw new Error(`job ${index + 1} was a FaultCaseJob but came back as a ${result._tag}`)
  return result
}

/** Runs fault cases on the runner in context: each one's verdict, in order. */
export const judgeCases = (
  cases: ReadonlyArray<FaultCase>,
  onDone?: (done: number, total: number) => void
): Effect.Effect<Array<FaultCaseResult>, JobFailed, JobRunner> =>
  JobRunner.use((runner) =>
    Effect.map(runner.runAll(cases.map((faultCase) => new FaultCaseJob({ faultCase })), { onDone }), (results) => results.map(verdictOf)))

const count = (names: ReadonlyArray<string>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const n of names) out[n] = (out[n] ?? 0) + 1
  return out
}

export const runCampaign = (options: CampaignOptions): Effect.Effect<CampaignReport, JobFailed | RunOptionsError, JobRunner> =>
  Effect.gen(function*() {
    yield* refuseProblems(campaignProblems(options))
    const runner = yield* JobRunner
    const cases = generateCases(options.seed, options.cases)
    const started = performance.now()
    const cpuBefore = process.cpuUsage()
    const verdicts = yield* judgeCases(cases, options.onDone)
    const wallSeconds = (performance.now() - started) / 1e3
    const cpu = process.cpuUsage(cpuBefore)
    const failing = verdicts.flatMap((v, index) => (v.problems.length > 0 ? [index] : []))
    const failures: Array<CampaignFailure> = []
    for (const index of failing) {
      options.onShrink?.(failures.length + 1, failing.length)
      const verdict = verdicts[index]!
      const judge = (candidates: ReadonlyArray<FaultCase>) => Effect.map(judgeCases(candidates), (vs) => vs.map((v) => v.problems))
      const s = yield* shrinkCase(cases[index]!, verdict.problems, judge, { batch: runner.parallelism })
      failures.push({
        index,
        faultCase: cases[index]!,
        problems: verdict.problems,
        traceDigest: verdict.traceDigest,
        shrunk: s.shrunk,
        shrunkProblems: s.problems,
        shrinkSteps: s.steps,
        shrinkTried: s.tried,
        replay: replayCommand(s.shrunk)
      })
    }
    // The cases' scenarios built again (cheap beside their runs) for the kinds of fault they scheduled.
    const scenarios = yield* Effect.forEach(cases, (c) => Effect.orDie(caseScenario(c)))
    return {
      seed: options.seed,
      cases: cases.length,
      passed: cases.length - failing.length,
      failed: failing.length,
      workers: runner.parallelism,
      wallSeconds,
      casesPerWallSecond: cases.length / wallSeconds,
      processCpuSeconds: (cpu.user + cpu.system) / 1e6,
      simulatedSeconds: verdicts.reduce((t, v) => t + v.simulatedSeconds, 0),
      modes: count(cases.map((c) => MODE_NAMES[c.mode]!)),
      faultKinds: count(scenarios.flatMap((s) => s.faults.map((f) => f.kind))),
      traceDigests: verdicts.map((v) => v.traceDigest),
      failures
    }
  })
