/**
 * A fault campaign: N fresh cases from a seed (`fault/CaseGenerator.ts`), run on the `JobRunner` in
 * context, each judged (`caseVerdict`); each failing case is shrunk (`fault/CaseShrink.ts`) on the
 * same runner to a smaller one that fails alike, with the command that replays it.
 */
import * as Effect from "effect/Effect"
import { caseScenario } from "../fault/FaultCase.ts"
import { scenarioFeatures } from "./CaseFeatures.ts"
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
  /**
   * Stops the campaign early when it aborts (Ctrl-C in `vwifi campaign`): no case starts after it, the
   * cases started finish and are judged (the campaign's first ones), and failures not yet shrunk are
   * reported as they failed; the report says so (`stopped`).
   */
  readonly signal?: AbortSignal | undefined
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

/**
 * The campaign's cases judged, in order, or as many of the first as ran before `options.signal`
 * aborted (cases start in order, and a case started finishes).
 */
const judgeFirstCases = (cases: ReadonlyArray<FaultCase>, options: CampaignOptions): Effect.Effect<Array<FaultCaseResult>, JobFailed, JobRunner> => {
  const signal = options.signal
  if (signal === undefined) return judgeCases(cases, options.onDone)
  return JobRunner.use((runner) =>
    Effect.map(runner.runAll(cases.map((faultCase) => new FaultCaseJob({ faultCase })), { onDone: options.onDone, signal }), (results) => {
      const ran = results.findIndex((r) => r === undefined)
      return results.slice(0, ran === -1 ? results.length : ran).map((r, i) => verdictOf(r!, i))
    }))
}

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
    const verdicts = yield* judgeFirstCases(cases, options)
    const wallSeconds = (performance.now() - started) / 1e3
    const cpu = process.cpuUsage(cpuBefore)
    const judged = cases.slice(0, verdicts.length)
    const failing = verdicts.flatMap((v, index) => (v.problems.length > 0 ? [index] : []))
    const failures: Array<CampaignFailure> = []
    for (const index of failing) {
      const verdict = verdicts[index]!
      const notShrunk = { shrunk: cases[index]!, problems: verdict.problems, steps: 0, tried: 0 }
      if (options.signal?.aborted !== true) options.onShrink?.(failures.length + 1, failing.length)
      const judge = (candidates: ReadonlyArray<FaultCase>) => Effect.map(judgeCases(candidates), (vs) => vs.map((v) => v.problems))
      const s = options.signal?.aborted === true ? notShrunk : yield* shrinkCase(cases[index]!, verdict.problems, judge, { batch: runner.parallelism })
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
    // The cases' scenarios built again (cheap beside their runs) for the kinds of fault they scheduled and their features.
    const scenarios = yield* Effect.forEach(judged, (c) => Effect.orDie(caseScenario(c)))
    return {
      seed: options.seed,
      cases: judged.length,
      casesAsked: cases.length,
      stopped: options.signal?.aborted === true,
      passed: judged.length - failing.length,
      failed: failing.length,
      workers: runner.parallelism,
      ...(runner.cluster === undefined ? {} : { cluster: runner.cluster }),
      wallSeconds,
      casesPerWallSecond: judged.length / wallSeconds,
      processCpuSeconds: (cpu.user + cpu.system) / 1e6,
      simulatedSeconds: verdicts.reduce((t, v) => t + v.simulatedSeconds, 0),
      modes: count(judged.map((c) => MODE_NAMES[c.mode]!)),
      faultKinds: count(scenarios.flatMap((s) => s.faults.map((f) => f.kind))),
      features: count(scenarios.flatMap(scenarioFeatures)),
      traceDigests: verdicts.map((v) => v.traceDigest),
      failures
    }
  })
