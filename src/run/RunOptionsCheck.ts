/**
 * The options a library caller passes to `runScenario`, `runSoak`, `runCampaign` (and to the
 * studies behind `vwifi compare` and `sweep-rate`, `compare/`), the scenario and cost table it hands
 * `runScenario`, and the generators' arguments, checked before anything runs: the command line
 * checks its flags, but a program calling the library directly could pass a seed of 1.5 (which ran
 * as seed 1 while the report said 1.5), a duration of Infinity (which never ended) or one inside the
 * warm-up (which measured nothing). A problem is a `RunOptionsError` naming the option, never a
 * defect and never a silent substitute.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { checkScenario } from "../scenario/ScenarioCheck.ts"
import { MAX_DURATION_SECONDS } from "../scenario/InputBounds.ts"
import { Scenario } from "../scenario/Scenario.ts"
import { decodeScenario, isDecodedScenario } from "../scenario/ScenarioLoad.ts"
import { parseOptions, problemsFromIssue } from "../scenario/ScenarioIssues.ts"
import { CATEGORY_COUNT } from "../cpu/CpuCategory.ts"
import { costNames } from "../cpu/CostTable.ts"
import type { CostTable } from "../cpu/CostTable.ts"
import { Timeline } from "../timeline/Timeline.ts"

/** A soak's length: 100 days is already far past any soak run here; more is a typo. */
export const MAX_SOAK_HOURS = 2400
/** A soak's VMs: one card's vMACs (its largest `card.vmacs`). */
export const MAX_SOAK_VMS = 16
/** Injected faults per simulated minute, generated for a run or a soak: one every 100 ms is past any study here. */
export const MAX_FAULTS_PER_MINUTE = 600
/** A soak's fault rate, per simulated hour (`MAX_FAULTS_PER_MINUTE` an hour). */
export const MAX_SOAK_FAULTS_PER_HOUR = MAX_FAULTS_PER_MINUTE * 60
/** Generated faults one schedule holds, a run's or a soak's (`--faults 600` for an hour is 36,000). */
export const MAX_GENERATED_FAULTS = 100_000

/** Worker threads a pool runs: more gains nothing on any machine vwifi targets, and each costs memory. */
export const MAX_WORKERS = 256

/** A campaign this long runs for hours on a laptop; more is a typo. */
export const MAX_CAMPAIGN_CASES = 100_000
/** Seeds a study (compare, sweep) repeats each configuration with: a 95% interval is tight long before. */
export const MAX_STUDY_SEEDS = 100

export interface OptionProblem {
  /** The option, as the caller named it: `seed`, `durationNs`, `hours` … */
  readonly option: string
  readonly message: string
}

/** Options of a run, a soak or a campaign that cannot be run as given, with every problem. */
export class RunOptionsError extends Schema.TaggedError<RunOptionsError>()("RunOptionsError", {
  problems: Schema.Array(Schema.Struct({ option: Schema.String, message: Schema.String }))
}) {
  override get message(): string {
    return this.problems.map((p) => `${p.option}: ${p.message}`).join("\n")
  }
}

/**
 * Why `value` is not a whole number from `min` to `max` (`maxText` names the largest), or undefined
 * when it is one. The command line's flags are refused in the same words.
 */
export const wholeNumberProblem = (value: number, min: number, max: number, maxText = String(max)): string | undefined =>
  Number.isSafeInteger(value) && value >= min && value <= max ? undefined : `must be a whole number from ${min} to ${maxText}, got ${shown(value)}`

/** A value as a caller wrote it: a string in quotes, so that "7" does not read as the number 7. */
const shown = (value: unknown): string => (typeof value === "string" ? JSON.stringify(value) : String(value))

/** Why `perMinute` is not a fault rate a run or a soak generates from, or undefined. */
export const faultRateProblem = (perMinute: number): string | undefined =>
  Number.isFinite(perMinute) && perMinute >= 0 && perMinute <= MAX_FAULTS_PER_MINUTE
    ? undefined
    : `must be a rate from 0 to ${MAX_FAULTS_PER_MINUTE} per simulated minute, got ${perMinute}`

const wholeBetween = (option: string, value: number, min: number, max: number, maxText?: string): Array<OptionProblem> => {
  const message = wholeNumberProblem(value, min, max, maxText)
  return message === undefined ? [] : [{ option, message }]
}

/** The largest seed, as people write it. */
export const MAX_SEED_TEXT = "2^53 − 1"

/** A seed is a whole number the generator takes as it is (0 to 2^53 − 1). */
export const seedProblems = (seed: number): Array<OptionProblem> => wholeBetween("seed", seed, 0, Number.MAX_SAFE_INTEGER, MAX_SEED_TEXT)

/**
 * `durationNs` replaces the scenario's `durationSeconds`, so it must pass the same checks (longer than
 * the warm-up, after every scheduled fault …), and be whole nanoseconds, as a run's end is set.
 */
export const durationProblems = (scenario: Scenario, durationNs: number): Array<OptionProblem> => {
  const maxNs = MAX_DURATION_SECONDS * 1e9
  if (!(Number.isSafeInteger(durationNs) && durationNs > 0 && durationNs <= maxNs)) {
    return [{ option: "durationNs", message: `must be a whole number of nanoseconds, more than 0 and at most ${maxNs} (100 days), got ${durationNs}` }]
  }
  return checkScenario({ ...scenario, durationSeconds: durationNs / 1e9 })
    .filter((p) => p.path === "warmupSeconds" || p.path === "durationSeconds" || p.path.startsWith("faults"))
    .map((p) => ({ option: "durationNs", message: `${p.path}: ${p.message} (durationNs sets durationSeconds to ${durationNs / 1e9})` }))
}

/** A study runs seeds `seed` … `seed + seeds − 1`: each of them must be a seed. */
export const studyProblems = (seed: number, seeds: number): Array<OptionProblem> => {
  const problems = [...seedProblems(seed), ...wholeBetween("seeds", seeds, 1, MAX_STUDY_SEEDS)]
  // Compared on the safe side: `seed + seeds − 1` itself rounds once past 2^53.
  if (problems.length === 0 && seed > Number.MAX_SAFE_INTEGER - (seeds - 1)) {
    problems.push({
      option: "seed",
      message: `with ${seeds} seeds would run seeds up to ${seed} + ${seeds - 1}, past the largest seed (2^53 − 1 = ${Number.MAX_SAFE_INTEGER}); ` +
        `take one of at most ${Number.MAX_SAFE_INTEGER - seeds + 1}`
    })
  }
  return problems
}

/**
 * A study's base scenario (`compare`, `sweep`) and its `durationNs`, checked as `runScenario` checks a
 * run's before any job is built: a scenario built or changed by hand (an impossible card, an Infinity
 * duration, no VM to study) is a `RunOptionsError` naming its field, not a failed job.
 */
export const studyBaseProblems = (base: Scenario, durationNs: number | undefined, study: string): Effect.Effect<Array<OptionProblem>> =>
  Effect.map(scenarioProblems(base), (problems) => {
    if (problems.length > 0) return problems
    if (base.vms.length === 0) return [{ option: "scenario", message: `vms: the ${study} needs a scenario with at least one VM (its first VM is the one studied)` }]
    return durationNs === undefined ? [] : durationProblems(base, durationNs)
  })

export const soakProblems = (o: { readonly hours: number; readonly vms: number; readonly faultsPerHour: number; readonly seed: number }): Array<OptionProblem> => [
  ...wholeBetween("hours", o.hours, 1, MAX_SOAK_HOURS),
  ...wholeBetween("vms", o.vms, 1, MAX_SOAK_VMS),
  ...(Number.isFinite(o.faultsPerHour) && o.faultsPerHour >= 0 && o.faultsPerHour <= MAX_SOAK_FAULTS_PER_HOUR
    ? []
    : [{ option: "faultsPerHour", message: `must be a rate from 0 to ${MAX_SOAK_FAULTS_PER_HOUR}, got ${o.faultsPerHour}` }]),
  ...(o.faultsPerHour * o.hours > MAX_GENERATED_FAULTS
    ? [{ option: "faultsPerHour", message: `${o.faultsPerHour} an hour for ${o.hours} h would draw about ${Math.round(o.faultsPerHour * o.hours)} faults; a schedule holds at most ${MAX_GENERATED_FAULTS}` }]
    : []),
  ...seedProblems(o.seed)
]

export const campaignProblems = (o: { readonly cases: number; readonly seed: number; readonly signal?: unknown }): Array<OptionProblem> => [
  ...wholeBetween("cases", o.cases, 1, MAX_CAMPAIGN_CASES),
  ...seedProblems(o.seed),
  ...signalProblems(o.signal)
]

/**
 * The callbacks a run is given, each a function (the timeline a `Timeline`): from JavaScript,
 * anything else failed only once the run called it, as a defect after part of the run.
 */
export const callbackProblems = (o: { readonly trace?: unknown; readonly onProgress?: unknown; readonly pcap?: unknown; readonly timeline?: unknown }): Array<OptionProblem> => {
  const problems: Array<OptionProblem> = []
  for (const [option, value, what] of [["trace", o.trace, "(line: string) => void"], ["onProgress", o.onProgress, "(progress) => void"], ["pcap", o.pcap, "(bytes: Uint8Array) => void"]] as const) {
    if (value !== undefined && typeof value !== "function") problems.push({ option, message: `must be a function ${what}, got ${value === null ? "null" : typeof value}` })
  }
  if (o.timeline !== undefined && !(o.timeline instanceof Timeline)) problems.push({ option: "timeline", message: "must be a Timeline (`new Timeline({ write })`)" })
  return problems
}

/**
 * A run's timeline (a `Timeline`, `callbackProblems`) records one run, and its window must start
 * before the run's end at `endNs`: a timeline used before, or one that would hold nothing of the run.
 */
export const timelineProblems = (timeline: unknown, endNs: number): Array<OptionProblem> => {
  if (!(timeline instanceof Timeline)) return []
  if (timeline.used) return [{ option: "timeline", message: "this Timeline has recorded a run already (it writes one run's file, finished at its end): make a new one for this run" }]
  return timeline.fromNs >= endNs
    ? [{ option: "timeline", message: `its window starts at ${timeline.fromNs / 1e9} s, at or after the run's end (${endNs / 1e9} s): it would hold nothing of the run` }]
    : []
}

/**
 * A stop signal given from JavaScript that is not an `AbortSignal` (a run, a soak and a campaign
 * only listen to one): refused by name, not a `TypeError` deep in the run or a signal never heard.
 */
export const signalProblems = (signal: unknown): Array<OptionProblem> =>
  signal === undefined || signal instanceof AbortSignal
    ? []
    : [{ option: "signal", message: `must be an AbortSignal (from an AbortController), got ${typeof signal}` }]

const encodeScenario = Schema.encodeUnknownEffect(Scenario)

/**
 * A scenario the caller built or changed itself (a decoded one spread with a new duration, say) gets
 * the checks a decoded one passed: its Schema, then the cross-field checks. Each problem is an option
 * `scenario` with the field's path. An `Infinity` duration never ended, and a mode the model does not
 * know ran as another. One `decodeScenario` made (frozen) passed them already.
 */
export const scenarioProblems = (scenario: Scenario): Effect.Effect<Array<OptionProblem>> =>
  isDecodedScenario(scenario) ? Effect.succeed([]) : Effect.suspend(() => encodeScenario(scenario, parseOptions)).pipe(
    Effect.mapError((error) => problemsFromIssue(error.issue)),
    Effect.flatMap((input) => Effect.mapError(decodeScenario(input), (error) => error.problems)),
    Effect.as([]),
    Effect.catch((problems) => Effect.succeed(problems.map((p) => ({ option: "scenario", message: p.path === "" ? p.message : `${p.path}: ${p.message}` })))),
    // An object the Schema cannot even walk (a throwing getter, a proxy) is one problem.
    Effect.catchDefect((defect) => Effect.succeed([{ option: "scenario", message: `could not be read: ${defect instanceof Error ? defect.message : String(defect)}` }]))
  )

/**
 * A cost table must price every operation of the model in finite, non-negative cycles, each
 * in one of Table 1's categories: a negative switch cost made time run backwards and the run never
 * ended, a `NaN` made every figure `NaN`.
 */
export const costsProblems = (costs: CostTable): Array<OptionProblem> => {
  if (typeof costs !== "object" || costs === null) return [{ option: "costs", message: `must be a cost table (an object of every operation's cost, \`calibratedCosts\` or \`withCycles\`), got ${costs === null ? "null" : typeof costs}` }]
  const problems: Array<OptionProblem> = []
  for (const name of costNames) {
    const op = (costs as Partial<CostTable>)[name]
    if (op === undefined || op === null) {
      problems.push({ option: `costs.${name}`, message: "is missing: every operation of the model needs a cost" })
      continue
    }
    if (!(Number.isFinite(op.cycles) && op.cycles >= 0)) problems.push({ option: `costs.${name}.cycles`, message: `must be a finite number of cycles, 0 or more, got ${op.cycles}` })
    if (!(Number.isInteger(op.category) && op.category >= 0 && op.category < CATEGORY_COUNT)) {
      problems.push({ option: `costs.${name}.category`, message: `must be one of Table 1's categories (0 to ${CATEGORY_COUNT - 1}, \`Cat\`), got ${op.category}` })
    }
  }
  for (const name of Object.keys(costs)) {
    if (!(costNames as ReadonlyArray<string>).includes(name)) problems.push({ option: `costs.${name}`, message: "is no operation of the model" })
  }
  return problems
}

/** Throws a `RunOptionsError` with every problem, when there is one: for the plain functions (the generators). */
export const throwProblems = (problems: ReadonlyArray<OptionProblem>): void => {
  if (problems.length > 0) throw new RunOptionsError({ problems })
}

/** Fails with every problem, or succeeds when there is none. */
export const refuseProblems = (problems: ReadonlyArray<OptionProblem>): Effect.Effect<void, RunOptionsError> =>
  problems.length === 0 ? Effect.void : Effect.fail(new RunOptionsError({ problems }))
