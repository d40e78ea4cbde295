/**
 * Opens the `--trace-out` file for a run, hands the run a timeline that streams into it, and closes
 * it afterwards, telling the user what it holds (and what the cap cut). Without a path, no timeline.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { statSync } from "node:fs"
import { defaultWindow, Timeline, MAX_TIMELINE_EVENTS } from "../timeline/Timeline.ts"
import type { TimelineSummary } from "../timeline/Timeline.ts"
import { CliUsageError } from "./CliUsageError.ts"
import { openOutput } from "./OutputFile.ts"
import type { OutputFiles } from "./OutputFile.ts"
import type { WindowNs } from "./DurationText.ts"

/** `ns` in seconds, to the nanosecond and no further digit (a 1 ns window read "0 s..0 s" at µs precision). */
const seconds = (ns: number): string => `${(Math.round(ns) / 1e9).toFixed(9).replace(/\.?0+$/, "")} s`

/** What the TX path holds: a frame's path across a bound of the window is drawn in part, one never acknowledged not at all. */
const txPathNote = (summary: TimelineSummary): string =>
  summary.frames === 0
    ? "vwifi: TX path: no frame acknowledged by the run's end passed a stage in the window"
    : `vwifi: TX path: ${summary.frames.toLocaleString("en-US")} frames passed a stage in the window, ` +
      `${summary.framesInPart.toLocaleString("en-US")} of them drawn in part (sent before it or acknowledged after it)`

/** What the user is told of a written timeline (the lines for stderr). */
export const timelineNotes = (path: string, summary: TimelineSummary, bytes: number): ReadonlyArray<string> => [
  `vwifi: timeline of ${seconds(summary.fromNs)}..${seconds(summary.untilNs)} written to ${path}: ` +
    `${summary.events.toLocaleString("en-US")} events, ${(bytes / 1e6).toFixed(1)} MB (open it in ui.perfetto.dev)`,
  txPathNote(summary),
  ...(summary.cutEvents === 0 ? [] : [
    `vwifi: warning: the timeline reached its cap of ${MAX_TIMELINE_EVENTS.toLocaleString("en-US")} events: ` +
      `${summary.cutEvents.toLocaleString("en-US")} more from ${seconds(summary.cutFromNs ?? summary.fromNs)} on were not written; narrow --trace-window`
  ])
]

/**
 * Runs `use` with a timeline writing to `path` over `window` (clipped to the run's end; without one,
 * the default window: a second from the end of the warm-up), or with none when there is no path.
 * The run finishes the timeline (`RunScenarioOptions.timeline`).
 */
export const withTimelineFile = <A, E, R>(
  path: string | undefined,
  window: WindowNs | undefined,
  run: { readonly warmupNs: number; readonly durationNs: number },
  outputs: OutputFiles,
  use: (timeline: Timeline | undefined) => Effect.Effect<A, E, R>
): Effect.Effect<A, E | CliUsageError, R> => {
  if (path === undefined) {
    return window === undefined ? use(undefined) : Effect.fail(new CliUsageError({ message: "--trace-window bounds the --trace-out file: give --trace-out FILE.json too" }))
  }
  const durationNs = run.durationNs
  const { fromNs, untilNs } = window === undefined
    ? defaultWindow(run.warmupNs, durationNs)
    : { fromNs: window.fromNs, untilNs: Math.min(window.untilNs, durationNs) }
  if (fromNs >= durationNs) {
    return Effect.fail(new CliUsageError({ message: `--trace-window starts at ${seconds(fromNs)}, ${fromNs === durationNs ? "where" : "after"} the run ends (${seconds(durationNs)}): nothing would be in it` }))
  }
  return Effect.acquireUseRelease(
    Effect.map(openOutput("the timeline (--trace-out)", path), (file) => outputs.add(file)),
    (file) => {
      const timeline = new Timeline({ fromNs, untilNs, write: (chunk) => file.write(chunk) })
      return Effect.tap(use(timeline), () => {
        const summary = timeline.finish()
        // A timeline that could not be written whole gets no summary: the command says why at its end.
        return file.failure !== undefined
          ? Effect.void
          : Effect.forEach(timelineNotes(path, summary, statSync(path).size), (line) => Console.error(line), { discard: true })
      })
    },
    (file) => Effect.sync(() => file.close())
  )
}
