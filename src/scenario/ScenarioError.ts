/** A scenario that could not be read or decoded, with every problem by its field. */
import * as Schema from "effect/Schema"
import { MAX_PROBLEMS_SHOWN } from "./InputBounds.ts"

/** The `source` of a scenario given as an object rather than a file. */
export const OBJECT_SOURCE = "(object)"

/** A scenario that could not be read: where from (a file path, or "(object)") and every problem found. */
export class ScenarioError extends Schema.TaggedError<ScenarioError>()("ScenarioError", {
  source: Schema.String,
  problems: Schema.Array(Schema.Struct({ path: Schema.String, message: Schema.String }))
}) {
  /**
   * One line per problem, `source: path: message` (no path for a problem of the whole file); past
   * the first 20, a count of the rest.
   */
  override get message(): string {
    const shown = this.problems
      .slice(0, MAX_PROBLEMS_SHOWN)
      .map((p) => (p.path === "" ? `${this.source}: ${p.message}` : `${this.source}: ${p.path}: ${p.message}`))
    const more = this.problems.length - shown.length
    return (more > 0 ? [...shown, `${this.source}: … and ${more} more problems`] : shown).join("\n")
  }
}
