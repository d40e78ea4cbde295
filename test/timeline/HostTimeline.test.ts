/** The timeline of a real run: its file parses, the core's track never overlaps, and it adds up to the core's figures. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { categories } from "../../src/cpu/CpuCategory.ts"
import type { CpuSnapshot } from "../../src/cpu/CpuCore.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { runWorld } from "../../src/run/RunWorld.ts"
import { TICKS_PER_NS } from "../../src/timeline/ChromeTrace.ts"
import { Timeline } from "../../src/timeline/Timeline.ts"
import { scenarioOf } from "../model/support.ts"

interface Event { readonly ph: string; readonly pid: number; readonly tid: number; readonly ts: number; readonly dur?: number; readonly name: string; readonly cat?: string; readonly id?: number; readonly args?: Record<string, unknown> }
interface Trace { readonly displayTimeUnit: string; readonly traceEvents: ReadonlyArray<Event>; readonly otherData: Record<string, unknown> }

/** A time of the file (µs) in ticks, the integer it was written from. */
const ticks = (us: number): number => Math.round(us * 1000 * TICKS_PER_NS)
/** Each slice's time is rounded to a tick at both ends. */
const ROUNDING_NS_PER_SLICE = 1 / TICKS_PER_NS

const collecting = (fromNs: number, untilNs: number) => {
  const chunks: Array<string> = []
  const timeline = new Timeline({ fromNs, untilNs, write: (c) => chunks.push(Buffer.from(c).toString("latin1")) })
  return { timeline, trace: (): Trace => JSON.parse(Buffer.from(chunks.join(""), "latin1").toString("utf8")) }
}

/** Slices of the core's track, in order, with their ends in ticks; asserts that none overlaps the one before. */
const coreTrack = (trace: Trace) => {
  const slices = trace.traceEvents.filter((e) => e.ph === "X" && e.pid === 1 && e.tid === 1).map((e) => ({ e, start: ticks(e.ts), end: ticks(e.ts) + ticks(e.dur!) }))
  slices.sort((a, b) => a.start - b.start)
  for (let i = 1; i < slices.length; i++) {
    if (slices[i]!.start < slices[i - 1]!.end) assert.fail(`core slices overlap: ${JSON.stringify(slices[i - 1]!.e)} and ${JSON.stringify(slices[i]!.e)}`)
  }
  return slices
}

/** Busy ns per category on the core's track, and the count of slices per category. */
const sumsOf = (slices: ReturnType<typeof coreTrack>) => {
  const ns: Record<string, number> = {}
  const count: Record<string, number> = {}
  for (const { e, start, end } of slices) {
    ns[e.cat!] = (ns[e.cat!] ?? 0) + (end - start) / TICKS_PER_NS
    count[e.cat!] = (count[e.cat!] ?? 0) + 1
  }
  return { ns, count }
}

describe("timeline of a run", () => {
  it.effect("over a window: per category the core's slices add up to the core's busy time in it (snapshots at its bounds)", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({ durationSeconds: 3 })
      const [fromNs, untilNs] = [1.5e9, 2.5e9]
      const { timeline, trace } = collecting(fromNs, untilNs)
      const { value } = yield* runWorld(scenario, { seed: 1, timeline }, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(fromNs)
          const a = world.cpu.snapshot()
          yield* Simulation.sleep(untilNs - fromNs)
          const b = world.cpu.snapshot()
          return { a, b, summary: timeline.finish() }
        }))
      const t = trace()
      assert.strictEqual(t.displayTimeUnit, "ns")
      assert.strictEqual(value.summary.cutEvents, 0)
      const slices = coreTrack(t)
      assert.isAbove(slices.length, 10_000)
      // The window's bounds hold for every event, and the core is covered to its very end.
      for (const e of t.traceEvents) {
        if (e.ph === "M") continue
        assert.isTrue(ticks(e.ts) >= fromNs * TICKS_PER_NS && ticks(e.ts) + ticks(e.dur ?? 0) <= untilNs * TICKS_PER_NS, JSON.stringify(e))
      }
      const { ns, count } = sumsOf(slices)
      const a: CpuSnapshot = value.a
      const b: CpuSnapshot = value.b
      for (const c of categories) {
        const expected = b.breakdownNs[c.id]! - a.breakdownNs[c.id]!
        assert.closeTo(ns[c.id] ?? 0, expected, ROUNDING_NS_PER_SLICE * (count[c.id] ?? 0) + 1e-3, c.id)
      }
      assert.isAbove(ns["guest"]!, 1e6, "the guest worked in the window")
      // Each thread's track holds its busy time (switches left out, as the snapshot's threads do).
      const names = new Map(t.traceEvents.filter((e) => e.ph === "M" && e.pid === 1 && e.name === "thread_name").map((e) => [e.tid, String(e.args!.name)]))
      b.threads.forEach((th, id) => {
        const runs = t.traceEvents.filter((e) => e.ph === "X" && e.pid === 1 && e.tid === 10 + id)
        assert.strictEqual(names.get(10 + id)?.startsWith(th.name), true, th.name)
        const busy = runs.reduce((n, e) => n + ticks(e.dur!) / TICKS_PER_NS, 0)
        assert.closeTo(busy, th.busyNs - a.threads[id]!.busyNs, ROUNDING_NS_PER_SLICE * slices.length + 1e-3, th.name)
      })
      // The actors' messages, and frames from the guest's send to the ack, each flow a start and an end.
      assert.isAbove(t.traceEvents.filter((e) => e.ph === "i" && e.pid === 2).length, 1000)
      const flows = t.traceEvents.filter((e) => e.ph === "s" || e.ph === "t" || e.ph === "f")
      const starts = flows.filter((e) => e.ph === "s")
      assert.isAbove(starts.length, 100)
      assert.strictEqual(new Set(starts.map((e) => e.id)).size, starts.length)
      assert.sameMembers(flows.filter((e) => e.ph === "f").map((e) => e.id!), starts.map((e) => e.id!))
      // A frame with one point in the window has a marker and no arrow.
      const markers = new Map<unknown, number>()
      for (const e of t.traceEvents) if (e.ph === "X" && e.pid === 3) markers.set(e.args!.frame, (markers.get(e.args!.frame) ?? 0) + 1)
      assert.strictEqual(value.summary.frames, markers.size)
      assert.strictEqual([...markers.values()].filter((n) => n > 1).length, starts.length)
    }))

  it.effect("after the warm-up: the core's slices add up to the run report's CPU breakdown, and the run is the same as without", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({ durationSeconds: 2 })
      // The report measures the CPU after the warm-up, as goodput: the timeline over the same window.
      const { timeline, trace } = collecting(scenario.warmupSeconds * 1e9, Infinity)
      const traced = yield* runScenario(scenario, { seed: 1, timeline })
      const plain = yield* runScenario(scenario, { seed: 1 })
      assert.strictEqual(traced.traceDigest, plain.traceDigest, "the timeline only observes")
      assert.deepStrictEqual({ ...traced, wallSeconds: 0 }, { ...plain, wallSeconds: 0 })
      const slices = coreTrack(trace())
      const { ns, count } = sumsOf(slices)
      const elapsedNs = (traced.simulatedSeconds - scenario.warmupSeconds) * 1e9
      for (const c of categories) {
        const reportedNs = (traced.cpu.breakdown[c.id]! / 100) * elapsedNs
        // The report's percentages carry the float error of ×100/elapsed and back: 1e-9 relative.
        assert.closeTo(ns[c.id] ?? 0, reportedNs, ROUNDING_NS_PER_SLICE * (count[c.id] ?? 0) + 1e-9 * elapsedNs, c.id)
      }
      assert.strictEqual(trace().otherData.cutEvents, 0)
      // The threads' runs span operations of several categories: they take none of Table 1's (with
      // their first operation's, a category summed over the host's tracks counted them twice).
      const runs = trace().traceEvents.filter((e) => e.ph === "X" && e.pid === 1 && e.tid !== 1)
      assert.isAbove(runs.length, 100)
      assert.deepStrictEqual([...new Set(runs.map((e) => e.cat))], ["thread-run"])
    }))
})
