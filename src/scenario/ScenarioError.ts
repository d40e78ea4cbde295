/** A scenario that could not be read or decoded, with every problem by its field. */
import * as Schema from "effect/Schema"
import { MAX_PROBLEMS_SHOWN } from "./InputBounds.ts"

/** The `source` of a scenario given as an object rather than a file. */
export const OBJECT_SOURCE = "(object)"

/**
 * One line per problem, `source: path: message` (no path for a problem of the whole input); past
 * the first 20, a count of the rest. Every input vwifi decodes (a scenario, a replayed case) is
 * refused in these lines.
 */
export const problemLines = (source: string, problems: ReadonlyArray<{ readonly path: string; readonly message: string }>): ReadonlyArray<string> => {
  const shown = problems
    .slice(0, MAX_PROBLEMS_SHOWN)
    .map((p) => (p.path === "" ? `${source}: ${p.message}` : `${source}: ${p.path}: ${p.message}`))
  const more = problems.length - shown.length
  return more > 0 ? [...shown, `${source}: … and ${more} more problems`] : shown
}

/** A scenario that could not be read: where from (a file path, or "(object)") and every problem found. */
export class ScenarioError extends Schema.TaggedError<ScenarioError>()("ScenarioError", {
  source: Schema.String,
  problems: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String }))
}) {
  /** `problemLines`, one line each. */
  override get message(): string {
    return problemLines(this.source, this.problems).join("\n")
  }
}
