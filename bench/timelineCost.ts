/**
 * The cost of `vwifi run --trace-out` (a timeline of the host, `src/timeline/`) on model workload
 * (a): the same scenario without a timeline, with one over the default window (a second from the end
 * of the warm-up: what `--trace-out` alone writes), and with one over the whole run, each to a file;
 * alternating, 5 runs each after a warm-up of each, by wall time and by the process's CPU time. The
 * best of the 5 is reported: on a shared machine other work only ever adds time, and the ratio of
 * medians swung from 1.1× to 2× between identical invocations here. Target: the default at most 1.5× the
 * wall time without (issue 13 §5); the whole run is reported beside it.
 */
import * as Effect from "effect/Effect"
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runScenario } from "../src/run/RunScenario.ts"
import { decodeScenario } from "../src/scenario/ScenarioLoad.ts"
import { defaultWindow, Timeline } from "../src/timeline/Timeline.ts"
import type { TimelineSummary } from "../src/timeline/Timeline.ts"
import type { ModelWorkload } from "./modelWorkloads.ts"

/** At most this many times the wall time without a timeline. */
export const TIMELINE_COST_TARGET = 1.5

/** One way of running: its wall time (the best) and what the timeline wrote. */
export interface TimelineFigures {
  readonly windowSeconds: readonly [number, number]
  readonly wallSeconds: number
  readonly ratio: number
  readonly cpuSeconds: number
  readonly cpuRatio: number
  readonly fileMb: number
  readonly events: number
  readonly cutEvents: number
}

export interface TimelineCost {
  readonly name: string
  readonly wallSecondsWithout: number
  readonly cpuSecondsWithout: number
  /** `--trace-out` alone: the default window. */
  readonly defaultWindow: TimelineFigures
  readonly wholeRun: TimelineFigures
  readonly targetMet: boolean
}

type Window = "none" | "default" | "whole"

interface Measured {
  readonly wallSeconds: number
  readonly cpuSeconds: number
  readonly bytes: number
  readonly summary: TimelineSummary | undefined
}

/** Wall and CPU seconds since `started`. */
const elapsed = (started: { readonly wall: number; readonly cpu: NodeJS.CpuUsage }) => {
  const cpu = process.cpuUsage(started.cpu)
  return { wallSeconds: (performance.now() - started.wall) / 1e3, cpuSeconds: (cpu.user + cpu.system) / 1e6 }
}
const start = () => ({ wall: performance.now(), cpu: process.cpuUsage() })

const runOnce = async (w: ModelWorkload, window: Window): Promise<Measured> => {
  const scenario = await Effect.runPromise(decodeScenario(w.scenario))
  const durationNs = w.simulatedSeconds * 1e9
  if (window === "none") {
    const started = start()
    await Effect.runPromise(runScenario(scenario, { seed: 1, durationNs }))
    return { ...elapsed(started), bytes: 0, summary: undefined }
  }
  const folder = mkdtempSync(join(tmpdir(), "vwifi-bench-"))
  const path = join(folder, "host.json")
  const fd = openSync(path, "w")
  try {
    const bounds = window === "default" ? defaultWindow(scenario.warmupSeconds * 1e9, durationNs) : { fromNs: 0, untilNs: durationNs }
    const timeline = new Timeline({ ...bounds, write: (chunk) => writeSync(fd, chunk) })
    // Wall time as the user sees it: the run, the file written to its end.
    const started = start()
    await Effect.runPromise(runScenario(scenario, { seed: 1, durationNs, timeline }))
    const summary = timeline.finish()
    return { ...elapsed(started), bytes: statSync(path).size, summary }
  } finally {
    closeSync(fd)
    rmSync(folder, { recursive: true, force: true })
  }
}

/** Measured runs of each way; the best is reported. */
const RUNS = 5

const best = (xs: ReadonlyArray<number>): number => Math.min(...xs)

const figures = (runs: ReadonlyArray<Measured>, without: Measured): TimelineFigures => {
  const wallSeconds = best(runs.map((r) => r.wallSeconds))
  const cpuSeconds = best(runs.map((r) => r.cpuSeconds))
  const last = runs.at(-1)!
  const s = last.summary!
  return {
    windowSeconds: [s.fromNs / 1e9, s.untilNs / 1e9],
    wallSeconds,
    ratio: wallSeconds / without.wallSeconds,
    cpuSeconds,
    cpuRatio: cpuSeconds / without.cpuSeconds,
    fileMb: last.bytes / 1e6,
    events: s.events,
    cutEvents: s.cutEvents
  }
}

export const runTimelineCost = async (w: ModelWorkload): Promise<TimelineCost> => {
  const windows: ReadonlyArray<Window> = ["none", "default", "whole"]
  for (const window of windows) await runOnce(w, window)
  const runs: Record<Window, Array<Measured>> = { none: [], default: [], whole: [] }
  for (let i = 0; i < RUNS; i++) for (const window of windows) runs[window].push(await runOnce(w, window))
  const without: Measured = { wallSeconds: best(runs.none.map((r) => r.wallSeconds)), cpuSeconds: best(runs.none.map((r) => r.cpuSeconds)), bytes: 0, summary: undefined }
  const defaultFigures = figures(runs.default, without)
  return {
    name: w.name,
    wallSecondsWithout: without.wallSeconds,
    cpuSecondsWithout: without.cpuSeconds,
    defaultWindow: defaultFigures,
    wholeRun: figures(runs.whole, without),
    targetMet: defaultFigures.ratio <= TIMELINE_COST_TARGET
  }
}

const line = (label: string, f: TimelineFigures): string =>
  `  ${label} (${f.windowSeconds[0]} s..${f.windowSeconds[1]} s): ${f.wallSeconds.toFixed(2)} wall s, ${f.ratio.toFixed(2)}× without ` +
  `(CPU ${f.cpuSeconds.toFixed(2)} s, ${f.cpuRatio.toFixed(2)}×); ` +
  `file ${f.fileMb.toFixed(1)} MB, ${f.events.toLocaleString("en-US")} events${f.cutEvents > 0 ? `, ${f.cutEvents.toLocaleString("en-US")} past the cap` : ""}`

export const formatTimelineCost = (c: TimelineCost): string =>
  [
    "",
    `timeline (--trace-out, to a file), best of ${RUNS} runs, alternating: ${c.name}`,
    `  without: ${c.wallSecondsWithout.toFixed(2)} wall s (CPU ${c.cpuSecondsWithout.toFixed(2)} s)`,
    line("default window", c.defaultWindow) + ` (target ≤ ${TIMELINE_COST_TARGET}×: ${c.targetMet ? "met" : "NOT met"})`,
    line("whole run", c.wholeRun)
  ].join("\n")
