/** Opens the `--trace` file for a run and closes it afterwards; without a path, no trace is written. */
import * as Effect from "effect/Effect"
import { closeSync, openSync, writeSync } from "node:fs"
import { CliUsageError } from "./CliUsageError.ts"

export const withTraceFile = <A, E, R>(
  path: string | undefined,
  use: (sink: ((line: string) => void) | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliUsageError, R> => {
  if (path === undefined) return use(undefined)
  return Effect.acquireUseRelease(
    Effect.try({
      try: () => openSync(path, "w"),
      catch: (error) => new CliUsageError({ message: `cannot write the trace to ${path}: ${(error as Error).message}` })
    }),
    (fd) => use((line) => writeSync(fd, line + "\n")),
    (fd) => Effect.sync(() => closeSync(fd))
  )
}
