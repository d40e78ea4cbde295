/**
 * The folder a study writes its results into (`--out`): created before the long run, so that an
 * unwritable one is refused at once, and removed again, with the parents made for it, when the
 * command fails before anything was written there, so a failed run leaves no empty folder behind.
 */
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import { accessSync, constants, existsSync, mkdirSync, readdirSync, rmdirSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import { CliUsageError } from "./CliUsageError.ts"
import { OutputWriteFailed } from "./OutputFile.ts"
import { refuseSharedPaths } from "./OutputPaths.ts"

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
 * Before a long run: creates `folder` if missing, and checks that each of the files the command will
 * write there (`names`) can be written — not a folder or other non-file, not the scenario file the
 * command reads (`input`), in a folder it may write — so that a run of minutes or hours is not lost
 * to a write refused at its end. An empty name is refused too: it would resolve to the current folder
 * and scatter the files there.
 */
export const prepareOutputs = (folder: string, names: ReadonlyArray<string>, input: string | undefined): Effect.Effect<void, CliUsageError> => {
  if (folder.trim() === "") return Effect.fail(new CliUsageError({ message: "--out needs a folder name, got an empty one" }))
  const dir = resolve(folder)
  return Effect.try({
    try: () => {
      ensureDir(dir)
      accessSync(dir, constants.W_OK)
      for (const name of names) {
        const path = join(dir, name)
        const s = statSync(path, { throwIfNoEntry: false })
        if (s === undefined) continue
        if (s.isDirectory()) throw new Error(`${path} is a folder, where the command would write its ${name}`)
        if (!s.isFile() && !s.isCharacterDevice()) throw new Error(`${path} is not a file, where the command would write its ${name}`)
        accessSync(path, constants.W_OK)
      }
    },
    catch: (error) => new CliUsageError({ message: `--out ${folder}: ${(error as Error).message}` })
  }).pipe(Effect.andThen(refuseSharedPaths(names.map((name) => ["--out", join(dir, name)] as const), input)))
}

/** What `writeOutputs` wrote: each file's full path, or why one could not be written. */
export interface WrittenOutputs {
  readonly paths: Readonly<Record<string, string>> | undefined
  readonly failure: OutputWriteFailed | undefined
}

/**
 * Writes `files` (name → content) into `folder`, creating it. A write that fails anyway (the disk
 * filled during the run) is not the user's mistake and must not lose the results: it comes back as
 * `failure`, for the command to print its results first and then end with exit code 1.
 */
export const writeOutputs = (folder: string, files: Readonly<Record<string, string>>): Effect.Effect<WrittenOutputs> =>
  Effect.sync(() => {
    const dir = resolve(folder)
    const paths: Record<string, string> = {}
    const written: Array<string> = []
    let current = dir
    try {
      ensureDir(dir)
      for (const [name, content] of Object.entries(files)) {
        current = paths[name] = join(dir, name)
        writeFileSync(current, content)
        written.push(name)
      }
      return { paths, failure: undefined }
    } catch (error) {
      const kept = written.length === 0 ? "" : ` (${written.join(" and ")} written)`
      return {
        paths: undefined,
        failure: new OutputWriteFailed({ message: `--out: cannot write ${current}: ${(error as Error).message}${kept}; the results above are complete` })
      }
    }
  })

/** Paths of the written files as lines for the table (`label: path`), or nothing when the writing failed. */
export const writtenLines = (written: WrittenOutputs, labels: ReadonlyArray<readonly [label: string, name: string]>): string =>
  written.paths === undefined ? "" : "\n\n" + labels.map(([label, name]) => `${label} ${written.paths![name]}`).join("\n")

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
