/** The files one `vwifi run` reads and writes must be distinct: two writers on one file corrupt it. */
import * as Effect from "effect/Effect"
import { fstatSync, lstatSync, readlinkSync, statSync } from "node:fs"
import type { Stats } from "node:fs"
import { dirname, isAbsolute, resolve } from "node:path"
import { CliUsageError } from "./CliUsageError.ts"

/** Symbolic links followed in a row at most, as the kernel's own limit (Linux's MAXSYMLINKS, 40). */
const MAX_LINKS_FOLLOWED = 40

/**
 * The file a path writes to, however it is written: followed component by component as the kernel
 * follows it (a link where it is met, a relative one from the folder it sits in, ".." from the real
 * folder, not the text), for a file that does not exist yet too, so two spellings of one new file
 * meet. A path the walk cannot follow (a loop, a file used as a folder, no permission) is left as
 * written: opening it says what is wrong with it.
 */
const canonical = (path: string): string => {
  if (process.platform === "win32") return resolve(path)
  try {
    return followed(isAbsolute(path) ? path : `${process.cwd()}/${path}`)
  } catch {
    return resolve(path)
  }
}

const followed = (path: string): string => {
  let current = "/"
  let rest = path.split("/")
  let links = 0
  while (rest.length > 0) {
    const part = rest.shift()!
    if (part === "" || part === ".") continue
    if (part === "..") {
      current = dirname(current)
      continue
    }
    const next = current === "/" ? `/${part}` : `${current}/${part}`
    if (lstatSync(next, { throwIfNoEntry: false })?.isSymbolicLink() === true) {
      if (++links > MAX_LINKS_FOLLOWED) throw new Error(`more than ${MAX_LINKS_FOLLOWED} links`)
      const target = readlinkSync(next)
      if (target.startsWith("/")) current = "/"
      rest = [...target.split("/"), ...rest]
      continue
    }
    current = next
  }
  return current
}

/** Whether `s` is the null device (the same device number as /dev/null's). */
const isNullDevice = (s: Stats): boolean => {
  const nul = statOf("/dev/null")
  return nul !== undefined && s.isCharacterDevice() && s.rdev === nul.rdev
}

/** What `path` opens (links followed by the kernel), if anything. */
const statOf = (path: string): Stats | undefined => {
  try {
    return statSync(path, { throwIfNoEntry: false })
  } catch {
    return undefined
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
 * What names one file: an existing file by its device and inode (a hard link is another name of it,
 * which no walk of the path sees), a new one by its canonical path.
 */
const fileKey = (path: string, s: Stats | undefined = statOf(path)): string =>
  s !== undefined && s.isFile() ? `inode ${s.dev}:${s.ino}` : canonical(path)

/**
 * Refuses two outputs on one file, and an output on the input: `outputs` are flag → path (absent
 * ones undefined), `input` the scenario file, if any. Devices such as /dev/null are not files.
 */
export const refuseSharedPaths = (
  outputs: ReadonlyArray<readonly [flag: string, path: string | undefined]>,
  input: string | undefined
): Effect.Effect<void, CliUsageError> => {
  const seen = new Map<string, string>()
  if (input !== undefined) seen.set(fileKey(input), "the scenario file")
  const stdout = standardOutput()
  for (const [flag, path] of outputs) {
    if (path === undefined) continue
    if (path === "") return Effect.fail(new CliUsageError({ message: `${flag} needs a file name, got an empty one` }))
    // "-" reads as standard output to many tools; here it would be a file named "-" in the current folder.
    if (path === "-") {
      return Effect.fail(new CliUsageError({
        message: `${flag} - would write a file named "-" (standard output holds the run's table): give a file name`
      }))
    }
    // /dev/stdout, or a file standard output is redirected to, already holds the run's table or JSON.
    const target = statOf(path)
    const key = fileKey(path, target)
    // (/dev/null takes anything, even when standard output goes there too.)
    if (stdout !== undefined && target !== undefined && target.dev === stdout.dev && target.ino === stdout.ino && !isNullDevice(target)) {
      return Effect.fail(new CliUsageError({ message: `${flag} ${path} is standard output, which holds the run's table (or its JSON): give a file of its own` }))
    }
    // A device (/dev/null) takes any number of writers; only a file of data is corrupted by two.
    if (target !== undefined && !target.isFile()) continue
    const other = seen.get(key)
    if (other !== undefined) {
      return Effect.fail(new CliUsageError({ message: `${flag} ${path} is also ${other}: each output needs a file of its own` }))
    }
    seen.set(key, `${flag}'s file`)
  }
  return Effect.void
}
