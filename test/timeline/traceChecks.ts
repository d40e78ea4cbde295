/** Checks of a Chrome trace as Perfetto reads it, computed from the parsed file alone. */
import { TICKS_PER_NS } from "../../src/timeline/ChromeTrace.ts"

export interface TraceEvent {
  readonly ph: string
  readonly pid: number
  readonly tid: number
  readonly ts: number
  readonly dur?: number
  readonly name: string
  readonly cat?: string
  readonly id?: number
  readonly args?: Record<string, unknown>
}

/** A time of the file (µs) in ticks, the integer it was written from. */
export const ticks = (us: number): number => Math.round(us * 1000 * TICKS_PER_NS)

interface Span {
  readonly e: TraceEvent
  readonly start: number
  readonly end: number
}

/** The complete events (`ph: "X"`) per thread (`pid/tid`), by start. */
export const slicesByThread = (events: ReadonlyArray<TraceEvent>): Map<string, Array<Span>> => {
  const out = new Map<string, Array<Span>>()
  for (const e of events) {
    if (e.ph !== "X") continue
    const key = `${e.pid}/${e.tid}`
    const span = { e, start: ticks(e.ts), end: ticks(e.ts) + ticks(e.dur!) }
    const list = out.get(key)
    if (list === undefined) out.set(key, [span])
    else list.push(span)
  }
  for (const list of out.values()) list.sort((a, b) => a.start - b.start)
  return out
}

/** Pairs of slices on one thread that share a moment (one inside another too: none of these tracks nests). */
export const overlapsOf = (events: ReadonlyArray<TraceEvent>): Array<readonly [TraceEvent, TraceEvent]> => {
  const out: Array<readonly [TraceEvent, TraceEvent]> = []
  for (const list of slicesByThread(events).values()) {
    let reach: Span | undefined
    for (const s of list) {
      if (reach !== undefined && s.start < reach.end) out.push([reach.e, s.e])
      if (reach === undefined || s.end > reach.end) reach = s
    }
  }
  return out
}

/**
 * Flow events (`s`, `t`, `f`) that do not lie inside exactly one slice of their thread, ends
 * included, or whose slice is another frame's (its `args.frame` is not the flow's id).
 */
export const flowsAmissOf = (events: ReadonlyArray<TraceEvent>): Array<TraceEvent> => {
  const threads = slicesByThread(events)
  return events.filter((e) => {
    if (e.ph !== "s" && e.ph !== "t" && e.ph !== "f") return false
    const at = ticks(e.ts)
    const around = (threads.get(`${e.pid}/${e.tid}`) ?? []).filter((s) => s.start <= at && at <= s.end)
    return around.length !== 1 || around[0]!.e.args?.frame !== e.id
  })
}
