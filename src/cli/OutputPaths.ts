/** The files one `vwifi run` reads and writes must be distinct: two writers on one file corrupt it. */
import * as Effect from "effect/Effect"
import { existsSync, fstatSync, lstatSync, readlinkSync, realpathSync, statSync } from "node:fs"
import type { Stats } from "node:fs"
import { basename, dirname, resolve } from "node:path"
import { CliUsageError } from "./CliUsageError.ts"

/** Symbolic links followed in a row at most, as the kernel's own limit (Linux's MAXSYMLINKS, 40). */
const MAX_LINKS_FOLLOWED = 40

/**
 * The file a path writes to, however it is written: absolute and through symbolic links, for a file
 * that does not exist yet too (its folder through links, a dangling link to where it points), so two
 * spellings of one new file meet.
 */
const canonical = (path: string, links = 0): string => {
  const absolute = resolve(path)
  if (existsSync(absolute)) return realOrAsIs(absolute)
  const entry = lstatSync(absolute, { throwIfNoEntry: false })
  if (entry?.isSymbolicLink() === true && links < MAX_LINKS_FOLLOWED) {
    return canonical(resolve(dirname(absolute), readlinkSync(absolute)), links + 1)
  }
  const folder = dirname(absolute)
  return folder === absolute ? absolute : resolve(canonical(folder, links), basename(absolute))
}

const NULL_DEVICE = "/dev/null"

/** `path` through its links; as it is where they lead to no path (/dev/stdout on a pipe ends in "pipe:[…]"). */
const realOrAsIs = (path: string): string => {
  try {
    const real = realpathSync(path)
    return existsSync(real) ? real : path
  } catch {
    return path
  }
}

/** What standard output is, if anything (it may be closed). */
const standardOutput = (): Stats | undefined => {
  try {
    return fstatSync(1)
  } catch {
    return undefined
  }
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
  const stdout = standardOutput()
  for (const [flag, path] of outputs) {
    if (path === undefined) continue
    // "-" reads as standard output to many tools; here it would be a file named "-" in the current folder.
    if (path === "-") {
      return Effect.fail(new CliUsageError({
        message: `${flag} - would write a file named "-" (standard output holds the run's table): give a file name`
      }))
    }
    const key = canonical(path)
    // /dev/stdout, or a file standard output is redirected to, already holds the run's table or JSON.
    const target = existsSync(key) ? statSync(key) : undefined
    // (/dev/null takes anything, even when standard output goes there too.)
    if (stdout !== undefined && target !== undefined && target.dev === stdout.dev && target.ino === stdout.ino && key !== NULL_DEVICE) {
      return Effect.fail(new CliUsageError({ message: `${flag} ${path} is standard output, which holds the run's table (or its JSON): give a file of its own` }))
    }
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
