/**
 * Peak memory of the model workloads (issue 14): (a) and (b) each run in a process of their own
 * (`modelMemoryRun.ts`, started with this Node, `process.execPath`, and the V8 heap flags of `vwifi`,
 * `src/cli/HeapFlags.ts`) for a short and a ten-times
 * longer simulated time; the peak RSS of each process and the long run's over the short one's.
 * Like `vwifi` (bin/vwifi.js), each child uses Node's compile cache, in the same directory, warmed
 * by a first child whose figures are not kept: a process that strips the sources' types itself
 * loads the stripper too (about 20 MiB more).
 * Targets: at most 100 MiB, and flat in simulated time (the long run within 10% of the short one).
 */
import { spawnSync } from "node:child_process"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import * as Schema from "effect/Schema"
import { HEAP_FLAGS } from "../src/cli/HeapFlags.ts"
import { ModelMemoryLine } from "./modelMemoryLine.ts"

/** Peak RSS target of (a) and (b), MiB (issue 14). */
export const PEAK_RSS_TARGET_MIB = 100
/** The long run's peak RSS may exceed the short run's by at most this fraction (issue 14). */
export const FLAT_RATIO_TARGET = 1.1
/** The workloads measured: (a) and (b), by their index in `modelWorkloads`. */
const MEASURED = [0, 1]

export interface ModelMemory {
  readonly workload: string
  readonly shortSeconds: number
  readonly longSeconds: number
  readonly shortPeakMib: number
  readonly longPeakMib: number
  /** Long run's peak RSS over the short run's. */
  readonly ratio: number
  readonly targetMet: boolean
}

const child = fileURLToPath(new URL("./modelMemoryRun.ts", import.meta.url))
const decodeLine = Schema.decodeUnknownSync(Schema.fromJsonString(ModelMemoryLine))

/** Runs workload `index` for `seconds` in a child process, with the heap flags `vwifi` runs with, and reads its line. */
const runChild = (index: number, seconds: number): ModelMemoryLine => {
  // Node's default directory for `enableCompileCache()`, as bin/vwifi.js calls it.
  const env = { ...process.env, NODE_COMPILE_CACHE: process.env["NODE_COMPILE_CACHE"] ?? join(tmpdir(), "node-compile-cache") }
  const r = spawnSync(process.execPath, [...HEAP_FLAGS, child, String(index), String(seconds)], { encoding: "utf8", env, stdio: ["ignore", "pipe", "inherit"] })
  if (r.status !== 0) throw new Error(`${child} ${index} ${seconds} exited with ${r.status ?? r.signal}`)
  return decodeLine(r.stdout.trim().split("\n").at(-1) ?? "")
}

/** 10 s and 100 s simulated (`--quick`: 2 s and 20 s). */
export const runModelMemory = (quick: boolean): Array<ModelMemory> => {
  runChild(MEASURED[0]!, 1.5) // fills the compile cache (a run must outlast the 1 s warm-up)
  return MEASURED.map((index) => {
    const [shortSeconds, longSeconds] = quick ? [2, 20] : [10, 100]
    const short = runChild(index, shortSeconds)
    const long = runChild(index, longSeconds)
    const shortPeakMib = short.maxRssKiB / 1024
    const longPeakMib = long.maxRssKiB / 1024
    const ratio = longPeakMib / shortPeakMib
    return {
      workload: short.workload,
      shortSeconds,
      longSeconds,
      shortPeakMib,
      longPeakMib,
      ratio,
      targetMet: Math.max(shortPeakMib, longPeakMib) <= PEAK_RSS_TARGET_MIB && ratio <= FLAT_RATIO_TARGET
    }
  })
}

/** One line for the model table, under the workload's figures. */
export const formatModelMemory = (m: ModelMemory): string =>
  `    peak RSS (own process): ${m.shortPeakMib.toFixed(1)} MiB for ${m.shortSeconds} simulated s, ` +
  `${m.longPeakMib.toFixed(1)} MiB for ${m.longSeconds} s (${m.ratio.toFixed(2)}×); ` +
  `target ≤ ${PEAK_RSS_TARGET_MIB} MiB and ≤ ${FLAT_RATIO_TARGET.toFixed(2)}×: ${m.targetMet ? "met" : "NOT met"}`
