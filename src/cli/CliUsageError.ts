/** A mistake in what the user asked for: printed as one line, exit code 2, never a stack trace. */
import * as Schema from "effect/Schema"

export class CliUsageError extends Schema.TaggedError<CliUsageError>()("CliUsageError", {
  message: Schema.String
}) {}
