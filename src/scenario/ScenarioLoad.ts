/**
 * Reading a scenario: from a plain object or a JSON file, through the Schema (defaults filled,
 * unknown fields rejected) and the cross-field checks, to a `Scenario` — or a `ScenarioError` that
 * names every problem by its field:
 *
 * ```
 * lab.json: vms[0].memoryMb: expected an integer between 64 and 65536, got 10
 * lab.json: durationSeconds: expected a number greater than 0 and at most 8640000, got -1
 * ```
 *
 * The cross-field checks (an SSID no AP has, a duplicate name) run once every field has its type,
 * so their problems come in a second pass.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { checkShape, OBJECT_SHAPE } from "./InputBounds.ts"
import { Scenario } from "./Scenario.ts"
import type { ScenarioInput } from "./Scenario.ts"
import { checkScenario } from "./ScenarioCheck.ts"
import { deepFreeze } from "../vocabulary/DeepFreeze.ts"
import { OBJECT_SOURCE, ScenarioError } from "./ScenarioError.ts"
import { readScenarioJson } from "./ScenarioFile.ts"
import { formatPath, parseOptions, problemsFromIssue } from "./ScenarioIssues.ts"

export type { ScenarioProblem } from "./ScenarioCheck.ts"
export { OBJECT_SOURCE, ScenarioError } from "./ScenarioError.ts"
export { readScenarioJson } from "./ScenarioFile.ts"

// ---------------------------------------------------------------------------------------------
// Decoding and loading
// ---------------------------------------------------------------------------------------------

const decodeUnknown = Schema.decodeUnknownEffect(Scenario)

/**
 * The scenarios `decodeScenario` made, frozen all the way down: still what its checks passed, so a
 * run need not check them again (`RunOptionsCheck.scenarioProblems`: an encode and a decode through
 * the Schema, about 1% of a 10 s run of model (a), issue 14). One spread with a change is a new object.
 */
const decodedScenarios = new WeakSet<object>()

/** Whether `scenario` came from `decodeScenario` (and so cannot have changed since its checks). */
export const isDecodedScenario = (scenario: unknown): boolean =>
  typeof scenario === "object" && scenario !== null && decodedScenarios.has(scenario)

/**
 * Decodes a scenario object (the JSON form: every field optional), fills the defaults and runs the
 * cross-field checks. `source` names where the object came from in error messages. The scenario is
 * frozen all the way down, as `defaultScenario` is: spread it to vary it.
 */
export const decodeScenario = (input: unknown, source: string = OBJECT_SOURCE): Effect.Effect<Scenario, ScenarioError> =>
  // Suspended: the input is read when the effect runs, not when it is made; a getter or proxy that
  // throws while the shape is checked is a ScenarioError, not an exception at the caller.
  Effect.suspend(() => {
    // The decoder recurses on the input: its nesting is bounded first.
    let shape: ReturnType<typeof checkShape>
    try {
      shape = checkShape(input, OBJECT_SHAPE)
    } catch (error) {
      return Effect.fail(new ScenarioError({ source, problems: [{ path: "", message: `the input could not be read: ${error instanceof Error ? error.message : String(error)}` }] }))
    }
    if (shape !== undefined) return Effect.fail(new ScenarioError({ source, problems: [{ path: formatPath(shape.path), message: shape.message }] }))
    return decodeUnknown(input, parseOptions).pipe(
      Effect.mapError((error) => new ScenarioError({ source, problems: problemsFromIssue(error.issue) })),
      Effect.flatMap((scenario) => {
        const problems = checkScenario(scenario)
        if (problems.length > 0) return Effect.fail(new ScenarioError({ source, problems }))
        decodedScenarios.add(deepFreeze(scenario))
        return Effect.succeed(scenario)
      })
    )
  })

/**
 * Reads a scenario JSON file (UTF-8, an optional byte-order mark is skipped; within the bounds of
 * `InputBounds.ts`) and decodes it. A missing or unreadable file, one that is not a regular file or
 * is too large, invalid JSON or an invalid scenario is a `ScenarioError` whose source is `path`.
 */
export const loadScenarioFile = (path: string): Effect.Effect<Scenario, ScenarioError> =>
  Effect.flatMap(readScenarioJson(path), (json) => decodeScenario(json, path))

/**
 * The scenario of the seed's setup: every default (one core at 2.53 GHz, 4 vMACs, 802.11g 54 Mbps,
 * one AP "lab", one VM "vm1" sending saturated UDP under Virtual WiFi). Frozen: spread it to vary it.
 */
export const defaultScenario: Scenario = deepFreeze(Schema.decodeUnknownSync(Scenario)({}, parseOptions))

/** The JSON form of a scenario, every field explicit; `decodeScenario(encodeScenario(s))` gives `s` back. */
export const encodeScenario = (scenario: Scenario): ScenarioInput => Schema.encodeSync(Scenario)(scenario)
