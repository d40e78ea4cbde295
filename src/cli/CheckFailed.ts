/**
 * A check a command ran found a failure (a campaign case broke an invariant, a soak's memory grew):
 * the command has printed its results; this ends it with exit code 1 and one line saying why.
 */
import * as Schema from "effect/Schema"

export class CheckFailed extends Schema.TaggedError<CheckFailed>()("CheckFailed", {
  message: Schema.String
}) {}
