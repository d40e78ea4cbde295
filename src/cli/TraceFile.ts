/** Opens the `--trace` file for a run and closes it afterwards; without a path, no trace is written. */
import * as Effect from "effect/Effect"
import type { CliUsageError } from "./CliUsageError.ts"
import { openOutput } from "./OutputFile.ts"
import type { OutputFiles } from "./OutputFile.ts"

export const withTraceFile = <A, E, R>(
  path: string | undefined,
  outputs: OutputFiles,
  use: (sink: ((line: string) => void) | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliUsageError, R> => {
  if (path === undefined) return use(undefined)
  return Effect.acquireUseRelease(
    Effect.map(openOutput("the trace (--trace)", path), (file) => outputs.add(file)),
    (file) => use((line) => file.write(line + "\n")),
    (file) => Effect.sync(() => file.close())
  )
}
