/**
 * The scenario a command starts from (a file argument, or the built-in default) with its flags
 * applied.
 *
 * Flags are applied to the scenario's JSON *before* it is decoded, so the Schema and the cross-field
 * checks judge a value the same wherever it came from: `--duration 500ms` is refused for ending
 * inside the warm-up exactly as `"durationSeconds": 0.5` is, and the message says which flag set it.
 */
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Argument } from "effect/cli"
import type { Scenario } from "../scenario/Scenario.ts"
import { decodeScenario, readScenarioJson } from "../scenario/ScenarioLoad.ts"
import { CliUsageError } from "./CliUsageError.ts"

/** The optional scenario file argument, with a description of what the command takes from it. */
export const scenarioArgument = (description: string) =>
  Argument.String("scenario").pipe(Argument.withDescription(description), Argument.optional)

/** A flag that sets a top-level field of the scenario: which field, to what, and how the user wrote it. */
export interface FlagOverride {
  readonly field: "durationSeconds" | "mode"
  readonly value: string | number
  /** The flag as given, e.g. `--duration 0.5s`. */
  readonly flag: string
}

/** `--duration` as an override of `durationSeconds`, if given. */
export const durationOverride = (durationNs: Option.Option<number>): Array<FlagOverride> =>
  Option.match(durationNs, {
    onNone: () => [],
    onSome: (ns) => [{ field: "durationSeconds", value: ns / 1e9, flag: `--duration ${ns / 1e9}s` }]
  })

/** The source named in messages about the built-in scenario. */
const BUILT_IN = "(built-in scenario)"

/**
 * Reads the file if one was given (else the built-in scenario, `{}`), sets the fields the flags
 * override, and decodes the result with every check. A problem is a usage error (exit 2) that lists
 * every problem by field and, when flags were given, which fields they set.
 */
export const loadScenario = (
  file: Option.Option<string>,
  overrides: ReadonlyArray<FlagOverride> = []
): Effect.Effect<Scenario, CliUsageError> =>
  Effect.gen(function*() {
    const json: unknown = Option.isSome(file)
      ? yield* Effect.mapError(readScenarioJson(file.value), (e) => new CliUsageError({ message: e.message }))
      : {}
    // A file that is not an object is refused by the decoder as it stands.
    const isObject = typeof json === "object" && json !== null && !Array.isArray(json)
    const input = isObject && overrides.length > 0
      ? { ...(json as Record<string, unknown>), ...Object.fromEntries(overrides.map((o) => [o.field, o.value])) }
      : json
    // Flags set nothing on a file that is not an object, so the note would mislead.
    const note = overrides.length === 0 || !isObject
      ? ""
      : `\n(the flags set fields before these checks: ${overrides.map((o) => `${o.flag} sets ${o.field} to ${JSON.stringify(o.value)}`).join("; ")})`
    return yield* Effect.mapError(
      decodeScenario(input, Option.getOrElse(file, () => BUILT_IN)),
      (e) => new CliUsageError({ message: e.message + note })
    )
  })
