/** Flags shared by vwifi's commands, each with its unit and default in the help text. */
import * as Effect from "effect/Effect"
import { Flag } from "effect/cli"
import { CliUsageError } from "./CliUsageError.ts"
import { faultRateProblem, MAX_FAULTS_PER_MINUTE, MAX_SEED_TEXT, MAX_STUDY_SEEDS, studyProblems, wholeNumberProblem } from "../run/RunOptionsCheck.ts"
import { DEFAULT_SEEDS } from "../compare/Seeds.ts"
import { parseDurationNs, parseWindowNs } from "./DurationText.ts"
import type { WindowNs } from "./DurationText.ts"

/** Refuses an integer flag `--name` outside `min` … `max`, in the words the library refuses its options with. */
export const wholeFrom = (name: string, min: number, max: number, maxText?: string) =>
  Flag.filter((n: number) => wholeNumberProblem(n, min, max, maxText) === undefined, (n: number) => `--${name} ${wholeNumberProblem(n, min, max, maxText)}`)

/** `--seed` with what it seeds, and no default: absent is `Flag.optional`'s None (or `seed`'s 1). */
export const seedWithout = (description: string) =>
  Flag.Int("seed").pipe(
    Flag.withDescription(description),
    wholeFrom("seed", 0, Number.MAX_SAFE_INTEGER, MAX_SEED_TEXT)
  )

export const seed = seedWithout("Seed of the run's random source: the same seed gives the same results, bit for bit (for a run, the same trace digest) (default 1)").pipe(
  Flag.withDefault(1)
)

/** `--seed` and `--seeds` as the study checks them (`studyProblems`), refused before anything is loaded. */
export const refuseStudySeeds = (first: number, count: number): Effect.Effect<void, CliUsageError> => {
  const problems = studyProblems(first, count)
  return problems.length === 0
    ? Effect.void
    : Effect.fail(new CliUsageError({ message: `--seed ${first} --seeds ${count}: ${problems.map((p) => `${p.option} ${p.message}`).join("; ")}` }))
}

const toNs = (text: string): number => {
  const parsed = parseDurationNs(text)
  if ("error" in parsed) throw parsed.error
  return parsed.ns
}

/** A virtual-time duration flag ("10s", "1500ms", "1.5h"), parsed to nanoseconds. */
export const duration = (defaultText: string, description: string) =>
  Flag.String("duration").pipe(
    Flag.withDescription(`${description} (virtual time: 10s, 1500ms, 1.5h …; default ${defaultText})`),
    Flag.withDefault(defaultText),
    Flag.mapTryCatch(toNs, String)
  )

/** The same, without a default: absent means "as the scenario says". */
export const optionalDuration = (description: string) =>
  Flag.String("duration").pipe(
    Flag.withDescription(`${description} (virtual time: 10s, 1500ms, 1.5h …; default: the scenario's durationSeconds)`),
    Flag.mapTryCatch(toNs, String),
    Flag.optional
  )

/** How many seeds a study repeats each configuration with (compare, sweep-rate). */
export const seeds = Flag.Int("seeds").pipe(
  Flag.withDescription("How many seeds each run repeats with (from --seed on): figures are means with their 95% confidence interval (default 5)"),
  wholeFrom("seeds", 1, MAX_STUDY_SEEDS),
  Flag.withDefault(DEFAULT_SEEDS)
)

export const json = Flag.Boolean("json").pipe(
  Flag.withDescription("Print one JSON object with the results instead of a table"),
  Flag.withDefault(false)
)

export const traceFile = Flag.String("trace").pipe(
  Flag.withDescription("Also write the full event trace to this file, one JSON line per event"),
  Flag.optional
)

export const pcapFile = Flag.String("pcap").pipe(
  Flag.withDescription("Also write every frame on the air to this file as pcap (radiotap + 802.11, simulated time; Wireshark reads it)"),
  Flag.optional
)

export const traceOut = Flag.String("trace-out").pipe(
  Flag.withDescription(
    "Also write a timeline of the host to this file (Chrome trace JSON; open it in ui.perfetto.dev or chrome://tracing): " +
      "the core's work by operation and Table 1 category, each thread, the actors' messages, frames from the guest's send to the ack"
  ),
  Flag.optional
)

const toWindow = (text: string): WindowNs => {
  const parsed = parseWindowNs(text)
  if ("error" in parsed) throw parsed.error
  return parsed
}

export const traceWindow = Flag.String("trace-window").pipe(
  Flag.withDescription("The part of the run --trace-out covers, in virtual time: 2s..3s, ..500ms (from the start), 9s.. (to the end); default: one second from the end of the warm-up"),
  Flag.mapTryCatch(toWindow, String),
  Flag.optional
)

/** A fault rate: mean injected faults per simulated minute (a Poisson process), 0 for none. */
export const faultRate = (defaultRate: number, what: string) =>
  Flag.Finite("faults").pipe(
    Flag.withDescription(`Mean injected faults per simulated minute, ${what}; drawn from --seed; 0 (none) to ${MAX_FAULTS_PER_MINUTE} (default ${defaultRate})`),
    Flag.filter((x) => faultRateProblem(x) === undefined, (x) => `--faults ${faultRateProblem(x)}`),
    Flag.withDefault(defaultRate)
  )
