/** The TX path of real runs' timelines: each frame's markers on lanes of their own, a path across the window's bounds drawn in part. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import fourVmsHt40 from "../../examples/four-vms-ht40.json" with { type: "json" }
import { runScenario } from "../../src/run/RunScenario.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { Timeline } from "../../src/timeline/Timeline.ts"
import type { TimelineSummary } from "../../src/timeline/Timeline.ts"
import { scenarioOf } from "../model/support.ts"
import { flowsAmissOf, overlapsOf, ticks } from "./traceChecks.ts"
import type { TraceEvent } from "./traceChecks.ts"

/** The TX path's stages per lane: thread `tid` is stage `(tid - 1) % 6`, from 0. */
const STAGES = 6

/** `scenario` run for its duration with a timeline over `fromNs..untilNs`: the trace, parsed, and the timeline's summary. */
const traced = (scenario: Scenario, fromNs: number, untilNs: number) =>
  Effect.gen(function*() {
    const chunks: Array<Buffer> = []
    const timeline = new Timeline({ fromNs, untilNs, write: (c) => chunks.push(Buffer.from(c)) })
    yield* runScenario(scenario, { seed: 1, timeline })
    const summary: TimelineSummary = timeline.finish()
    const events: ReadonlyArray<TraceEvent> = JSON.parse(Buffer.concat(chunks).toString("utf8")).traceEvents
    return { events, summary }
  })

/** Asserts of a trace's TX path: each frame's flow one chain, `s` to `f`, its stages in path order; returns the markers. */
const txPathOf = (events: ReadonlyArray<TraceEvent>, summary: TimelineSummary) => {
  const markers = events.filter((e) => e.ph === "X" && e.pid === 3)
  const frames = new Set(markers.map((e) => e.args!.frame))
  assert.strictEqual(summary.frames, frames.size)
  const chains = new Map<number, Array<TraceEvent>>()
  for (const e of events) if (e.ph === "s" || e.ph === "t" || e.ph === "f") chains.set(e.id!, [...(chains.get(e.id!) ?? []), e])
  for (const [id, chain] of chains) {
    chain.sort((a, b) => a.ts - b.ts)
    assert.deepStrictEqual(chain.map((e) => e.ph), ["s", ...Array(chain.length - 2).fill("t"), "f"], `frame ${id}`)
    const stages = chain.map((e) => (e.tid - 1) % STAGES)
    for (let i = 1; i < stages.length; i++) assert.isAbove(stages[i]!, stages[i - 1]!, `frame ${id}: stages in path order`)
  }
  return markers
}

describe("timeline: the TX path of a run", () => {
  it.effect("four VMs on HT40: A-MPDUs' frames share instants, yet no two slices of a track overlap and every arrow binds to its own frame", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({ ...fourVmsHt40, durationSeconds: 2 })
      const [fromNs, untilNs] = [1e9, 1.2e9]
      const { events, summary } = yield* traced(scenario, fromNs, untilNs)
      assert.strictEqual(summary.cutEvents, 0)
      const markers = txPathOf(events, summary)
      assert.isAbove(markers.length, 1000)
      // What made lanes necessary: markers of one stage at one instant (written on one track, they stacked up).
      const atOnce = new Set(markers.map((e) => `${(e.tid - 1) % STAGES}@${e.ts}`))
      assert.isBelow(atOnce.size, markers.length - 100)
      assert.isTrue(markers.some((e) => e.tid > STAGES), "a stage's second lane is used")
      // Core, threads and TX lanes alike.
      assert.deepStrictEqual(overlapsOf(events).slice(0, 3), [])
      assert.deepStrictEqual(flowsAmissOf(events).slice(0, 3), [])
      for (const e of events) {
        if (e.ph === "M") continue
        assert.isTrue(ticks(e.ts) >= ticks(fromNs / 1e3) && ticks(e.ts) + ticks(e.dur ?? 0) <= ticks(untilNs / 1e3), JSON.stringify(e))
      }
      assert.isAbove(summary.framesInPart, 0, "frames sent in the window and acked after it")
    }), 60_000)

  it.effect("a window shorter than the queueing (saturated UDP, about 100 ms from send to ack) still shows the path, in part", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({ durationSeconds: 2 })
      const { events, summary } = yield* traced(scenario, 1.5e9, 1.6e9)
      const markers = txPathOf(events, summary)
      assert.isAbove(markers.length, 100)
      assert.strictEqual(summary.framesInPart, summary.frames, "no frame is sent and acked within 100 ms")
      // Frames sent in the window (a guest-send marker) and frames acked in it (an ack marker): both kinds drawn.
      const stages = new Set(markers.map((e) => (e.tid - 1) % STAGES))
      assert.isTrue(stages.has(0) && stages.has(STAGES - 1), [...stages].join())
      assert.deepStrictEqual(overlapsOf(events).slice(0, 3), [])
      assert.deepStrictEqual(flowsAmissOf(events).slice(0, 3), [])
    }), 60_000)
})
