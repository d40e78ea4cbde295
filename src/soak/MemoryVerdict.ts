/**
 * Whether a soak's memory stayed flat, from its hourly samples (heap after a full GC, live fibers).
 *
 * A leak grows the heap hour after hour; a healthy run's heap after GC also wanders by a few percent
 * from one hour to the next (whatever is live at that instant: frames in flight, queued work, a VM
 * booting). One hour against another mistakes that wander for growth: a 24 h soak once read +9.0%
 * against its 10% limit because hour 2, its only reference, was a low point (18.2 MB between 19.2 and
 * 19.5), while hours 3 to 24 all stayed within 19.5–20.0 MB (docs/benchmark.md, round 9). So the
 * verdict compares windows: the median heap of the first hours after warm-up with the median of the
 * last ones. A median ignores one odd hour on either side; a steady leak moves both windows' medians
 * apart all the same.
 */
import type { SoakHour, SoakReport } from "../report/SoakReport.ts"

/** Heap growth allowed from the start window's median to the end window's. */
export const HEAP_TOLERANCE = 0.1

/** Hours in each window when the soak is long enough (fewer on a short soak: half the hours each). */
export const MAX_WINDOW_HOURS = 3

/**
 * The verdict. Hour 1 holds the JIT's and the model's start-up and is left out when there are three
 * hours or more. Of the hours left, the start window is the first `w` and the end window the last
 * `w`, with `w` = min(3, half of them): the two never share an hour. Flat: the end window's median heap
 * within 10% of the start window's, and the last hour with no more live fibers than any hour of the
 * start window had. Undecided with fewer than two hours.
 */
export const memoryVerdict = (hours: ReadonlyArray<SoakHour>): SoakReport["memory"] => {
  const judged = hours.length >= 3 ? hours.slice(1) : hours
  const w = Math.min(MAX_WINDOW_HOURS, Math.floor(judged.length / 2))
  if (w === 0) {
    return {
      flat: null, firstHour: judged[0]?.hour ?? null, startHours: [], endHours: [],
      heapStartMb: null, heapEndMb: null, heapGrowth: null, fiberGrowth: null
    }
  }
  const start = judged.slice(0, w)
  const end = judged.slice(judged.length - w)
  const heapStartMb = median(start.map((h) => h.heapUsedMb))
  const heapEndMb = median(end.map((h) => h.heapUsedMb))
  const heapGrowth = (heapEndMb - heapStartMb) / heapStartMb
  const fiberGrowth = judged[judged.length - 1]!.liveFibers - Math.max(...start.map((h) => h.liveFibers))
  return {
    flat: heapGrowth <= HEAP_TOLERANCE && fiberGrowth <= 0,
    firstHour: start[0]!.hour,
    startHours: start.map((h) => h.hour),
    endHours: end.map((h) => h.hour),
    heapStartMb,
    heapEndMb,
    heapGrowth,
    fiberGrowth
  }
}

/** The median (the mean of the middle two for an even count); `values` is not empty. */
const median = (values: ReadonlyArray<number>): number => {
  const sorted = [...values].sort((a, b) => a - b)
  const mid = sorted.length >> 1
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2
}

/** "hours 2–4", "hour 2": a window as the report's lines name it. */
export const describeHours = (hours: ReadonlyArray<number>): string =>
  hours.length === 1 ? `hour ${hours[0]}` : `hours ${hours[0]}–${hours[hours.length - 1]}`

/** The verdict as one line (the CLI's summary and the benchmark print it). */
export const describeMemoryVerdict = (m: SoakReport["memory"]): string => {
  if (m.flat === null) return "memory: not judged (needs at least two simulated hours)"
  const growth = `${m.heapGrowth! >= 0 ? "+" : ""}${(100 * m.heapGrowth!).toFixed(1)}%`
  return `memory: ${m.flat ? "flat" : "NOT flat"} — heap after GC ${growth}: median ${m.heapEndMb!.toFixed(1)} MiB in ` +
    `${describeHours(m.endHours)} against ${m.heapStartMb!.toFixed(1)} MiB in ${describeHours(m.startHours)} (limit ` +
    `+${(100 * HEAP_TOLERANCE).toFixed(0)}%); live fibers ${m.fiberGrowth! >= 0 ? "+" : ""}${m.fiberGrowth} at the last hour ` +
    `against the most in ${describeHours(m.startHours)}`
}
