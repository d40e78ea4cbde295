/** The files one `vwifi run` reads and writes must be distinct: two writers on one file corrupt it. */
import * as Effect from "effect/Effect"
import { existsSync, realpathSync, statSync } from "node:fs"
import { resolve } from "node:path"
import { CliUsageError } from "./CliUsageError.ts"

/** The same file however it is written: absolute, and through symbolic links when it exists. */
const canonical = (path: string): string => {
  const absolute = resolve(path)
  return existsSync(absolute) ? realpathSync(absolute) : absolute
}

/**
 * Refuses two outputs on one file, and an output on the input: `outputs` are flag → path (absent
 * ones undefined), `input` the scenario file, if any. Devices such as /dev/null are not files.
 */
export const refuseSharedPaths = (
  outputs: ReadonlyArray<readonly [flag: string, path: string | undefined]>,
  input: string | undefined
): Effect.Effect<void, CliUsageError> => {
  const seen = new Map<string, string>()
  if (input !== undefined) seen.set(canonical(input), "the scenario file")
  for (const [flag, path] of outputs) {
    if (path === undefined) continue
    // "-" reads as standard output to many tools; here it would be a file named "-" in the current folder.
    if (path === "-") {
      return Effect.fail(new CliUsageError({
        message: `${flag} - would write a file named "-" (standard output holds the run's table): give a file name`
      }))
    }
    const key = canonical(path)
    // A device (/dev/null) takes any number of writers; only a file of data is corrupted by two.
    if (existsSync(key) && !statSync(key).isFile()) continue
    const other = seen.get(key)
    if (other !== undefined) {
      return Effect.fail(new CliUsageError({ message: `${flag} ${path} is also ${other}: each output needs a file of its own` }))
    }
    seen.set(key, `${flag}'s file`)
  }
  return Effect.void
}
