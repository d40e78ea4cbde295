/**
 * Reading a scenario file's JSON within bounds: a regular file (not a device, FIFO or directory) of
 * at most `MAX_SCENARIO_FILE_BYTES` bytes of UTF-8, nested at most `MAX_NESTING_DEPTH` deep, with
 * lists and objects of bounded size. Every way a file can be wrong is one `ScenarioError` that says
 * which rule it broke; nothing here reads more than the limit or recurses on the input.
 */
import { constants } from "node:fs"
import { open, stat } from "node:fs/promises"
import * as Effect from "effect/Effect"
import { checkShape, FILE_SHAPE, jsonTooDeepAt, MAX_NESTING_DEPTH, MAX_SCENARIO_FILE_BYTES } from "./InputBounds.ts"
import { jsonDuplicateKeyAt } from "./JsonDuplicateKeys.ts"
import { lineColumn, locateJsonError } from "./JsonSyntax.ts"
import { ScenarioError } from "./ScenarioError.ts"
import { formatPath } from "./ScenarioIssues.ts"

const KIB = 1024

const fileProblem = (error: unknown): string => {
  const code = typeof error === "object" && error !== null && "code" in error ? error.code : undefined
  switch (code) {
    case "ENOENT":
      return "cannot read the scenario file: no such file"
    case "EACCES":
    case "EPERM":
      return "cannot read the scenario file: permission denied"
    case "EISDIR":
      return "cannot read the scenario file: it is a directory"
    case "ENOTDIR":
      return "cannot read the scenario file: a part of its path is not a directory"
    case "ELOOP":
      return "cannot read the scenario file: too many symbolic links"
    case "ENAMETOOLONG":
      return "cannot read the scenario file: the path is too long"
    default:
      return `cannot read the scenario file: ${error instanceof Error ? error.message : String(error)}`
  }
}

class Refused {
  readonly message: string
  constructor(message: string) {
    this.message = message
  }
}

const tooLarge = (size: string) =>
  new Refused(`the file ${size}; a scenario file is at most 1 MiB (${MAX_SCENARIO_FILE_BYTES.toLocaleString("en-US")} bytes)`)

/**
 * The file's bytes, at most the limit. Checks the type before opening (opening a FIFO would wait for
 * a writer), opens without blocking, checks again on the open file, and stops reading one byte past
 * the limit (a file under /proc or one that grows reports a size that is not what it holds).
 */
const readBounded = async (path: string): Promise<Uint8Array> => {
  const before = await stat(path)
  if (before.isDirectory()) throw new Refused("cannot read the scenario file: it is a directory")
  if (!before.isFile()) throw new Refused("not a regular file (a device, FIFO or socket): a scenario is a JSON file")
  if (before.size > MAX_SCENARIO_FILE_BYTES) throw tooLarge(`is ${Math.ceil(before.size / KIB).toLocaleString("en-US")} KiB`)
  const handle = await open(path, constants.O_RDONLY | constants.O_NONBLOCK)
  try {
    if (!(await handle.stat()).isFile()) throw new Refused("not a regular file: a scenario is a JSON file")
    const buffer = new Uint8Array(MAX_SCENARIO_FILE_BYTES + 1)
    let filled = 0
    while (filled < buffer.length) {
      const { bytesRead } = await handle.read(buffer, filled, buffer.length - filled, null)
      if (bytesRead === 0) break
      filled += bytesRead
    }
    if (filled > MAX_SCENARIO_FILE_BYTES) throw tooLarge("holds more than 1 MiB")
    return buffer.subarray(0, filled)
  } finally {
    await handle.close()
  }
}

const utf8 = new TextDecoder("utf-8", { fatal: true })

/** The JSON value of a file's text, or the first rule it breaks. */
const parseBounded = (bytes: Uint8Array): unknown => {
  if (bytes.length === 0) throw new Refused("the file is empty: a scenario is a JSON object (`{}` takes every default)")
  let text: string
  try {
    text = utf8.decode(bytes)
  } catch {
    throw new Refused("the file is not UTF-8 text (is it a binary file?): a scenario is a JSON object")
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1)
  const deepAt = jsonTooDeepAt(text, MAX_NESTING_DEPTH)
  if (deepAt !== undefined) {
    const at = lineColumn(text, deepAt)
    throw new Refused(`nested more than ${MAX_NESTING_DEPTH} levels deep at line ${at.line}, column ${at.column}; ` +
      `a scenario nests at most ${MAX_NESTING_DEPTH} (its deepest field is 5 levels down)`)
  }
  let json: unknown
  try {
    json = JSON.parse(text) as unknown
  } catch (error) {
    const at = locateJsonError(text)
    throw new Refused(at === undefined
      ? `invalid JSON: ${error instanceof Error ? error.message : String(error)}`
      : `invalid JSON at line ${at.line}, column ${at.column}: ${at.reason}`)
  }
  const repeated = jsonDuplicateKeyAt(text)
  if (repeated !== undefined) {
    const at = lineColumn(text, repeated.offset)
    throw new Refused(`${JSON.stringify(repeated.key)} is given twice in one object (again at line ${at.line}, column ${at.column}): ` +
      "JSON would keep the last silently; give each field once")
  }
  return json
}

/**
 * Reads a scenario file's JSON value (UTF-8, an optional byte-order mark skipped) within the bounds
 * of `InputBounds.ts`, not yet decoded: the command line applies its flags to it first. Every
 * problem is a `ScenarioError` whose source is `path`.
 */
export const readScenarioJson = (path: string): Effect.Effect<unknown, ScenarioError> =>
  Effect.tryPromise({
    try: () => readBounded(path),
    catch: (error) => new ScenarioError({ source: path, problems: [{ path: "", message: error instanceof Refused ? error.message : fileProblem(error) }] })
  }).pipe(
    Effect.flatMap((bytes) =>
      Effect.try({
        try: () => {
          const json = parseBounded(bytes)
          const shape = checkShape(json, FILE_SHAPE)
          if (shape !== undefined) throw new ScenarioError({ source: path, problems: [{ path: formatPath(shape.path), message: shape.message }] })
          return json
        },
        catch: (error) =>
          error instanceof ScenarioError
            ? error
            : new ScenarioError({ source: path, problems: [{ path: "", message: error instanceof Refused ? error.message : String(error) }] })
      })
    )
  )
