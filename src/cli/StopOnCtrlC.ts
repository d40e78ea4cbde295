/**
 * Ctrl-C during a long simulation: the first one stops it where it is, and the command then prints
 * its results and completes its output files for the time simulated so far; a second one, as
 * without this, interrupts the command at once (the Node runtime's own handler, put back by the first).
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"

/** The exit code of a command stopped by Ctrl-C (128 + SIGINT's number, as shells report it). */
export const STOPPED_EXIT_CODE = 130

export interface StopRequest {
  /** Aborted by the first Ctrl-C. */
  readonly signal: AbortSignal
}

/** Runs `use` with a signal that the first Ctrl-C aborts (`notice` is printed then, on stderr). */
export const withStopOnCtrlC = <A, E, R>(notice: string, use: (stop: StopRequest) => Effect.Effect<A, E, R>): Effect.Effect<A, E, R> =>
  Effect.acquireUseRelease(
    Effect.sync(() => {
      const controller = new AbortController()
      const runtimeHandlers = process.listeners("SIGINT")
      let restored = false
      const restore = (): void => {
        if (restored) return
        restored = true
        process.removeListener("SIGINT", onCtrlC)
        for (const handler of runtimeHandlers) process.on("SIGINT", handler)
      }
      const onCtrlC = (): void => {
        restore()
        controller.abort()
        // After the progress line (if one is shown), on a line of its own.
        process.stderr.write(`${process.stderr.isTTY ? "\r\x1b[K" : ""}${notice}\n`)
      }
      for (const handler of runtimeHandlers) process.removeListener("SIGINT", handler)
      process.on("SIGINT", onCtrlC)
      return { controller, restore }
    }),
    ({ controller }) => use({ signal: controller.signal }),
    ({ restore }) => Effect.sync(restore)
  )

/**
 * A command stopped by Ctrl-C: what it has printed covers the time simulated so far; this ends it
 * with `STOPPED_EXIT_CODE` and one line saying where it stopped.
 */
export class StoppedByCtrlC extends Schema.TaggedError<StoppedByCtrlC>()("StoppedByCtrlC", {
  message: Schema.String
}) {}
