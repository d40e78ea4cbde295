/**
 * The folder a study writes its results into (`--out`): created before the long run, so that an
 * unwritable one is refused at once, and removed again, with the parents made for it, when the
 * command fails before anything was written there, so a failed run leaves no empty folder behind.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { CliUsageError } from "./CliUsageError.ts"

/**
 * Creates `dir` and its missing parents one level at a time (Node's `mkdirSync(…, { recursive: true })`
 * never returns for some paths, e.g. under /proc).
 */
const ensureDir = (dir: string): void => {
  if (existsSync(dir)) {
    if (!statSync(dir).isDirectory()) throw new Error(`${dir} exists and is not a folder`)
    return
  }
  const parent = dirname(dir)
  if (parent !== dir) ensureDir(parent)
  mkdirSync(dir)
}

/**
 * Creates `folder` if missing, before a long run, so that an unwritable one is refused at once. An
 * empty name is refused too: it would resolve to the current folder and scatter the files there.
 */
export const prepareOutputs = (folder: string): Effect.Effect<void, CliUsageError> => {
  if (folder.trim() === "") return Effect.fail(new CliUsageError({ message: "--out needs a folder name, got an empty one" }))
  const dir = resolve(folder)
  return Effect.try({
    try: () => ensureDir(dir),
    catch: (error) => new CliUsageError({ message: `cannot write to ${dir}: ${(error as Error).message}` })
  })
}

/** Writes `files` (name → content) into `folder`, creating it; returns each file's full path. */
export const writeOutputs = (folder: string, files: Readonly<Record<string, string>>): Effect.Effect<Record<string, string>, CliUsageError> => {
  const dir = resolve(folder)
  return Effect.try({
    try: () => {
      ensureDir(dir)
      const paths: Record<string, string> = {}
      for (const [name, content] of Object.entries(files)) writeFileSync((paths[name] = join(dir, name)), content)
      return paths
    },
    catch: (error) => new CliUsageError({ message: `cannot write to ${dir}: ${(error as Error).message}` })
  })
}

/** `dir` and those of its parents that do not exist yet, deepest first. */
const missingFolders = (dir: string): Array<string> => {
  const missing: Array<string> = []
  for (let d = dir; !existsSync(d); d = dirname(d)) {
    missing.push(d)
    if (dirname(d) === d) break
  }
  return missing
}

/**
 * Runs `command`; if it fails, removes the folders it made for `folder` (undefined: none asked for)
 * that are still empty, deepest first. A folder with a file in it stays: something was written.
 */
export const removeOutputsIfLeftEmpty = <A, E, R>(folder: string | undefined, command: Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  folder === undefined || folder.trim() === ""
    ? command
    : Effect.suspend(() => {
      const made = missingFolders(resolve(folder))
      return Effect.onExit(command, (exit) =>
        Exit.isSuccess(exit) ? Effect.void : Effect.sync(() => {
          // Tidying up must not hide why the command failed: a folder that cannot be removed stays.
          try {
            for (const dir of made) {
              if (!existsSync(dir)) continue // made only in part
              if (readdirSync(dir).length > 0) return
              rmdirSync(dir)
            }
          } catch {
            return
          }
        }))
    })
