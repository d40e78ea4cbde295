/** The scenario a command starts from (a file argument, or the built-in default) and where it writes. */
import { Effect, Option } from "effect"
import { Argument } from "effect/cli"
import { existsSync, mkdirSync, statSync, writeFileSync } from "node:fs"
import { dirname, join, resolve } from "node:path"
import type { Scenario } from "../scenario/Scenario.ts"
import { defaultScenario, loadScenarioFile } from "../scenario/ScenarioLoad.ts"
import { CliUsageError } from "./CliUsageError.ts"

/** The optional scenario file argument, with a description of what the command takes from it. */
export const scenarioArgument = (description: string) =>
  Argument.String("scenario").pipe(Argument.withDescription(description), Argument.optional)

/** Loads the file if one was given (its problems become a usage error, exit 2), else the default. */
export const loadBase = (file: Option.Option<string>): Effect.Effect<Scenario, CliUsageError> =>
  Option.isSome(file)
    ? loadScenarioFile(file.value).pipe(Effect.mapError((e) => new CliUsageError({ message: e.message })))
    : Effect.succeed(defaultScenario)

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
