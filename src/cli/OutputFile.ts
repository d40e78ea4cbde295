/**
 * A file a run writes as it goes (`--trace`, `--pcap`, `--trace-out`). A write that fails (a full
 * disk, a device that refuses) must neither crash the simulation nor go unnoticed: the first failure
 * is said on stderr at once, later writes to that file are skipped, the run goes on, and the command
 * ends with exit code 1 after printing its results (`OutputFiles.check`).
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import { closeSync, openSync, writeSync } from "node:fs"
import { CliUsageError } from "./CliUsageError.ts"

/** A file the run wrote is incomplete: the results were printed, the file cannot be trusted. */
export class OutputWriteFailed extends Schema.TaggedError<OutputWriteFailed>()("OutputWriteFailed", {
  message: Schema.String
}) {}

export class OutputFile {
  /** The first write's error, once one failed. */
  failure: string | undefined = undefined
  readonly what: string
  readonly path: string
  private readonly fd: number

  constructor(what: string, path: string, fd: number) {
    this.what = what
    this.path = path
    this.fd = fd
  }

  /** Writes all of `data`, unless an earlier write failed. */
  write(data: string | Uint8Array): void {
    if (this.failure !== undefined) return
    try {
      if (typeof data === "string") writeSync(this.fd, data)
      else for (let at = 0; at < data.length;) at += writeSync(this.fd, data, at, data.length - at)
    } catch (error) {
      this.failure = (error as Error).message
      process.stderr.write(`vwifi: writing ${this.what} to ${this.path} failed (${this.failure}); the run goes on without it\n`)
    }
  }

  close(): void {
    closeSync(this.fd)
  }
}

/** Opens `path` for `what` ("the capture"), refusing one that cannot be opened as the user's mistake. */
export const openOutput = (what: string, path: string): Effect.Effect<OutputFile, CliUsageError> =>
  Effect.try({
    try: () => new OutputFile(what, path, openSync(path, "w")),
    catch: (error) => new CliUsageError({ message: `cannot write ${what} to ${path}: ${(error as Error).message}` })
  })

/** The output files of one command, for one verdict once its results are printed. */
export class OutputFiles {
  private readonly files: Array<OutputFile> = []

  add(file: OutputFile): OutputFile {
    this.files.push(file)
    return file
  }

  /** Fails when a file could not be written whole. */
  check(): Effect.Effect<void, OutputWriteFailed> {
    const failed = this.files.filter((f) => f.failure !== undefined)
    if (failed.length === 0) return Effect.void
    return Effect.fail(new OutputWriteFailed({
      message: failed.map((f) => `${f.what} in ${f.path} is incomplete: a write failed (${f.failure})`).join("; ") +
        "; the results above are complete"
    }))
  }
}
