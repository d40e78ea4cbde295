import { assert, describe, it } from "@effect/vitest"
import { CoreSlice, NO_THREAD } from "../../src/cpu/CoreState.ts"
import { Cat } from "../../src/cpu/CpuCategory.ts"
import { costNames } from "../../src/cpu/CostTable.ts"
import type { CostName } from "../../src/cpu/CostTable.ts"
import { hashName } from "../../src/kernel/Trace.ts"
import { defaultWindow, FRAME_MARKER_NS, Timeline } from "../../src/timeline/Timeline.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { MAX_FRAME_LIFETIME_NS } from "../../src/vocabulary/ModelConstants.ts"
import { TxPathStamps } from "../../src/vocabulary/TxPath.ts"
import { flowsAmissOf, overlapsOf } from "./traceChecks.ts"
import type { TraceEvent as Event } from "./traceChecks.ts"

interface Trace { readonly traceEvents: ReadonlyArray<Event>; readonly otherData: Record<string, unknown> }

/** A timeline over `fromNs..untilNs` writing into a string, with a core of threads `names` (0: interrupts). */
const timelineOf = (fromNs: number, untilNs: number, eventsMax?: number) => {
  const chunks: Array<string> = []
  let reported = 0
  const t = new Timeline({ fromNs, untilNs, eventsMax, write: (c) => chunks.push(Buffer.from(c).toString("latin1")) })
  t.attachCore({ threadNames: () => ["interrupts", "vcpu-vm1", "io-vm1"], reportRunning: () => void reported++ })
  return { t, trace: (): Trace => JSON.parse(Buffer.from(chunks.join(""), "latin1").toString("utf8")), reported: () => reported }
}

const slice = new CoreSlice()
/** Fires one piece of work at the timeline, as the core would. */
const ran = (t: Timeline, thread: number, op: CostName, category: number, startNs: number, endNs: number, switching = false): void => {
  slice.thread = thread
  slice.op = costNames.indexOf(op)
  slice.category = category
  slice.startNs = startNs
  slice.endNs = endNs
  slice.switching = switching
  t.ran(slice)
}

const core = (trace: Trace) => trace.traceEvents.filter((e) => e.ph === "X" && e.pid === 1 && e.tid === 1)
const name = (text: string) => ({ text, hash: hashName(text) })

/** A data frame of VM `owner` sent at `createdNs` that passed the TX path's stamps `at` (ns, NaN: skipped). */
const frameOf = (id: number, createdNs: number, at: { driverNs?: number; vmacNs: number; airQueuedNs: number; airStartNs: number }, owner = 0): Frame => {
  const f = new Frame(id, FrameKind.Data, 1, 2, 2)
  f.createdNs = createdNs
  f.owner = owner
  f.txPath = new TxPathStamps()
  Object.assign(f.txPath, at)
  return f
}
const txEvents = (trace: Trace) => trace.traceEvents.filter((e) => e.pid === 3 && e.ph !== "M")
const txNames = (trace: Trace) => new Map(trace.traceEvents.filter((e) => e.ph === "M" && e.pid === 3 && e.name === "thread_name").map((e) => [e.tid, e.args?.name]))

describe("timeline: the core's track and the threads' tracks", () => {
  it("writes each piece on the core's track with its operation, category and thread, cut at the window's bounds", () => {
    const { t, trace, reported } = timelineOf(1_000, 5_000)
    ran(t, 1, "contextSwitch", Cat.scheduling, 0, 1_500, true) // across the start: cut
    ran(t, 1, "guestPacket", Cat.guest, 1_500, 2_000.25)
    ran(t, 1, "exitDecode", Cat.instructionDecoding, 2_000.25, 2_400)
    ran(t, 0, "hostIrq", Cat.interrupts, 2_400, 2_600)
    ran(t, 1, "exitForward", Cat.ioForwarding, 2_600, 3_000)
    ran(t, NO_THREAD, "contextSwitch", Cat.scheduling, 3_000, 3_100, true)
    ran(t, 2, "syscall", Cat.syscalls, 4_900, 6_000) // across the end: cut
    ran(t, 2, "syscall", Cat.syscalls, 6_000, 7_000) // after it: left out
    const summary = t.finish()
    assert.strictEqual(reported(), 1, "the core's running work is asked for once, at the end")
    const events = core(trace())
    assert.deepStrictEqual(events.map((e) => [e.name, e.cat, e.ts, e.dur, e.args]), [
      ["contextSwitch", "host.scheduling", 1, 0.5, { to: "vcpu-vm1" }],
      ["guestPacket", "guest", 1.5, 0.50025, { thread: "vcpu-vm1" }],
      ["exitDecode", "kvm.instructionDecoding", 2.00025, 0.39975, { thread: "vcpu-vm1" }],
      ["hostIrq", "host.interrupts", 2.4, 0.2, { thread: "interrupts" }],
      ["exitForward", "kvm.ioForwarding", 2.6, 0.4, { thread: "vcpu-vm1" }],
      ["contextSwitch", "host.scheduling", 3, 0.1, { to: "idle" }],
      ["syscall", "host.syscalls", 4.9, 0.1, { thread: "io-vm1" }]
    ])
    assert.strictEqual(summary.coreSlices, 7)
    // A thread's consecutive pieces are one slice on its track; an interrupt splits them, a switch is not the thread's.
    const threads = trace().traceEvents.filter((e) => e.ph === "X" && e.pid === 1 && e.tid >= 10)
    assert.deepStrictEqual(threads.map((e) => [e.tid, e.name, e.ts, e.dur, e.args?.operations]), [
      [11, "guestPacket", 1.5, 0.9, 2],
      [10, "hostIrq", 2.4, 0.2, 1],
      [11, "exitForward", 2.6, 0.4, 1],
      [12, "syscall", 4.9, 0.1, 1]
    ])
    const names = trace().traceEvents.filter((e) => e.ph === "M" && e.name === "thread_name").map((e) => [e.pid, e.tid, e.args?.name])
    assert.deepInclude(names, [1, 1, "core"])
    assert.deepInclude(names, [1, 10, "interrupts (IRQ context)"])
    assert.deepInclude(names, [1, 11, "vcpu-vm1"])
  })

  it("never lets a slice start before the last one ended, whatever the rounding", () => {
    const { t, trace } = timelineOf(0, 1e9)
    ran(t, 1, "guestPacket", Cat.guest, 100.004999, 200.0049)
    ran(t, 1, "exitDecode", Cat.instructionDecoding, 200.0049 - 1e-9, 300) // the same instant, computed another way
    t.finish()
    const [a, b] = core(trace())
    assert.isAtMost(a!.ts + a!.dur!, b!.ts)
  })

  it("a cap on events is a whole number, 1 or more: -1 or NaN wrote an empty timeline without a word", () => {
    for (const eventsMax of [0, -1, NaN, 1.5]) assert.throws(() => timelineOf(0, 1e9, eventsMax), RangeError)
  })

  it("counts what passes its cap and says so, keeping the tracks' names", () => {
    const { t, trace } = timelineOf(0, 1e9, 3)
    for (let i = 0; i < 5; i++) ran(t, 1, "guestPacket", Cat.guest, i * 100, i * 100 + 50)
    const summary = t.finish()
    assert.strictEqual(core(trace()).length, 3 - 1, "one event of three was a thread's run")
    assert.isAbove(summary.cutEvents, 0)
    assert.strictEqual(summary.cutFromNs, 200, "the third piece: the first run on its thread took the third place")
    assert.strictEqual(trace().otherData.cutEvents, summary.cutEvents)
    assert.include(String(trace().otherData.note), "not written")
    assert.isTrue(trace().traceEvents.some((e) => e.ph === "M"))
  })

  it("past its cap, says from when: the earliest event left out (frames come late), and whether the core's track is whole", () => {
    const { t, trace } = timelineOf(0, 1e9, 2)
    ran(t, 1, "guestPacket", Cat.guest, 100, 200)
    // Its marker at 1 µs is written; not its arrow, nor its other points (a marker and an arrow each).
    t.acked(frameOf(1, 1_000, { driverNs: 2_000, vmacNs: 3_000, airQueuedNs: 4_000, airStartNs: 5_000 }), 6_000)
    // Acked later, sent earlier: its points are the earliest left out.
    t.acked(frameOf(2, 500, { driverNs: 600, vmacNs: 700, airQueuedNs: 7_000, airStartNs: 8_000 }), 9_000)
    const summary = t.finish()
    assert.deepStrictEqual([summary.cutEvents, summary.cutFromNs], [1 + 5 * 2 + 6 * 2 + 1, 500], "the thread's run, written at the end, is cut too")
    assert.include(String(trace().otherData.note), "the core's slices are all written")
  })

  it("by default covers a second from the end of the warm-up, within the run", () => {
    assert.deepStrictEqual(defaultWindow(1e9, 10e9), { fromNs: 1e9, untilNs: 2e9 })
    assert.deepStrictEqual(defaultWindow(1e9, 1.5e9), { fromNs: 1e9, untilNs: 1.5e9 })
    assert.deepStrictEqual(defaultWindow(0, 0.25e9), { fromNs: 0, untilNs: 0.25e9 })
  })

  it("refuses a window that ends before it starts", () => {
    assert.throws(() => new Timeline({ fromNs: 2e9, untilNs: 1e9, write: () => undefined }))
  })
})

describe("timeline: actors and frames", () => {
  it("shows a handled message as an instant on its actor's track, within the window only", () => {
    const { t, trace } = timelineOf(1_000, 2_000)
    const dm = name("dm-vm1")
    const drv = name("driver")
    t.recorded(500, dm, name("Mmio"))
    t.recorded(1_000, dm, name("Mmio"))
    t.recorded(1_500, drv, name("Command"))
    t.recorded(2_500, drv, name("Command"))
    assert.strictEqual(t.finish().actorEvents, 2)
    const instants = trace().traceEvents.filter((e) => e.ph === "i")
    assert.deepStrictEqual(instants.map((e) => [e.pid, e.tid, e.ts, e.name]), [[2, 1, 1, "Mmio"], [2, 2, 1.5, "Command"]])
    const names = trace().traceEvents.filter((e) => e.ph === "M" && e.pid === 2 && e.name === "thread_name").map((e) => e.args?.name)
    assert.deepStrictEqual(names, ["dm-vm1", "driver"])
  })

  it("links a frame's stages from the guest's send to its ack with flow arrows, skipping a stage it did not pass", () => {
    const { t, trace } = timelineOf(0, 1e9)
    const f = new Frame(42, FrameKind.Data, 1, 2, 2)
    f.createdNs = 10_000
    f.owner = 0
    f.seq = 7
    f.txPath = new TxPathStamps() // natively: no device model, no driverNs
    f.txPath.vmacNs = 20_000
    f.txPath.airQueuedNs = 30_000
    f.txPath.airStartNs = 40_000
    t.acked(f, 50_000)
    const late = frameOf(43, 1.5e9, { vmacNs: 1.6e9, airQueuedNs: 1.7e9, airStartNs: 1.8e9 })
    t.acked(late, 1.9e9) // sent after the window: left out
    assert.strictEqual(t.finish().frames, 1)
    const events = trace().traceEvents.filter((e) => e.pid === 3 && e.ph !== "M")
    const markers = events.filter((e) => e.ph === "X")
    assert.deepStrictEqual(markers.map((e) => [e.tid, e.ts]), [[1, 10], [3, 20], [4, 30], [5, 40], [6, 50]])
    const flows = events.filter((e) => e.ph !== "X")
    assert.deepStrictEqual(flows.map((e) => [e.ph, e.id, e.tid]), [["s", 42, 1], ["t", 42, 3], ["t", 42, 4], ["t", 42, 5], ["f", 42, 6]])
    // Each arrow's end lies inside its marker (what it binds to).
    for (const [i, fl] of flows.entries()) assert.isTrue(fl.ts > markers[i]!.ts && fl.ts < markers[i]!.ts + markers[i]!.dur!)
    assert.deepStrictEqual(markers.map((e) => e.args), Array(5).fill({ frame: 42, vm: 0, seq: 7 }))
  })

  it("puts frames that reach a stage at one time (an A-MPDU's) on its lanes, each arrow on its own frame's marker", () => {
    const { t, trace } = timelineOf(0, 1e9)
    const at = { driverNs: 11_000, vmacNs: 20_000, airQueuedNs: 30_000, airStartNs: 40_000 }
    // Three frames, sent apart, queued and sent on the air together; a fourth sent 0.5 µs after the first, alone after.
    t.acked(frameOf(1, 10_000, at), 50_000)
    t.acked(frameOf(2, 12_000, { ...at, driverNs: 13_000 }), 50_000)
    t.acked(frameOf(3, 14_000, { ...at, driverNs: 15_000 }), 50_000)
    t.acked(frameOf(4, 10_500, { driverNs: 60_000, vmacNs: 61_000, airQueuedNs: 62_000, airStartNs: 63_000 }), 64_000)
    t.finish()
    const events = txEvents(trace())
    assert.deepStrictEqual(overlapsOf(events), [])
    assert.deepStrictEqual(flowsAmissOf(events), [])
    const markers = events.filter((e) => e.ph === "X")
    const tidsOf = (frame: number) => markers.filter((e) => e.args?.frame === frame).map((e) => e.tid)
    // Stage s's lane k is thread s + 6k: frames 2 and 3 share frame 1's vMAC ring, radio queue, air exchange and ack.
    assert.deepStrictEqual(tidsOf(1), [1, 2, 3, 4, 5, 6])
    assert.deepStrictEqual(tidsOf(2), [1, 2, 9, 10, 11, 12])
    assert.deepStrictEqual(tidsOf(3), [1, 2, 15, 16, 17, 18])
    assert.deepStrictEqual(tidsOf(4), [7, 2, 3, 4, 5, 6], "its send overlaps frame 1's; later, lane 0 is free again")
    const names = txNames(trace())
    assert.strictEqual(names.get(1), "1 guest send (lane 1 of 2)")
    assert.strictEqual(names.get(7), "1 guest send (lane 2 of 2)")
    assert.strictEqual(names.get(2), "2 device model → driver")
    assert.strictEqual(names.get(16), "4 radio queue (lane 3 of 3)")
    assert.strictEqual(names.size, 2 + 1 + 3 * 4)
  })

  it("draws the part of a path inside the window, counting the frames drawn in part, a lone point without an arrow", () => {
    const fromNs = 1e6
    const untilNs = 2e6
    const { t, trace } = timelineOf(fromNs, untilNs)
    const marker = FRAME_MARKER_NS
    // Sent before the window, acked in it: its last three points.
    t.acked(frameOf(1, 0.5e6, { driverNs: 0.6e6, vmacNs: 0.9e6, airQueuedNs: 1.1e6, airStartNs: 1.2e6 }), 1.3e6)
    // Wholly in it.
    t.acked(frameOf(2, 1.4e6, { driverNs: 1.41e6, vmacNs: 1.42e6, airQueuedNs: 1.43e6, airStartNs: 1.44e6 }), 1.45e6)
    // Sent in it, acked after it (the window still listens); its radio queue's marker would end past the window's end.
    t.acked(frameOf(3, 1.9e6, { driverNs: 1.95e6, vmacNs: untilNs - marker, airQueuedNs: untilNs - marker + 1, airStartNs: 2.5e6 }), 2.6e6)
    // One point in it: a marker, no arrow.
    t.acked(frameOf(4, 0.2e6, { driverNs: 0.3e6, vmacNs: 0.4e6, airQueuedNs: 0.5e6, airStartNs: 1.7e6 }), 2.1e6)
    // Acked before the window, sent after it: nothing.
    t.acked(frameOf(5, 0.1e6, { driverNs: 0.2e6, vmacNs: 0.3e6, airQueuedNs: 0.4e6, airStartNs: 0.5e6 }), 0.6e6)
    t.acked(frameOf(6, untilNs, { driverNs: 2.1e6, vmacNs: 2.2e6, airQueuedNs: 2.3e6, airStartNs: 2.4e6 }), 2.7e6)
    const summary = t.finish()
    assert.deepStrictEqual([summary.frames, summary.framesInPart], [4, 3])
    const events = txEvents(trace())
    const pointsOf = (ph: (p: string) => boolean, frame: number) =>
      events.filter((e) => ph(e.ph) && (e.args?.frame ?? e.id) === frame).map((e) => [e.ph, e.tid, e.ts])
    assert.deepStrictEqual(pointsOf((p) => p === "X", 1), [["X", 4, 1100], ["X", 5, 1200], ["X", 6, 1300]])
    assert.deepStrictEqual(pointsOf((p) => p !== "X", 1), [["s", 4, 1100.5], ["t", 5, 1200.5], ["f", 6, 1300.5]])
    assert.strictEqual(pointsOf((p) => p === "X", 2).length, 6)
    assert.deepStrictEqual(pointsOf((p) => p === "X", 3), [["X", 1, 1900], ["X", 2, 1950], ["X", 3, 1999]], "the vMAC ring's marker ends at the window's end")
    assert.deepStrictEqual(pointsOf((p) => p !== "X", 3).map(([ph]) => ph), ["s", "t", "f"])
    assert.deepStrictEqual(pointsOf(() => true, 4), [["X", 5, 1700]])
    for (const e of events) assert.isTrue(e.ts >= fromNs / 1e3 && e.ts + (e.dur ?? 0) <= untilNs / 1e3, JSON.stringify(e))
    assert.deepStrictEqual(flowsAmissOf(events), [])
  })

  it("lets go of the core and the actors at their first event past the window's end, of frames once none sent in it can still be acked", () => {
    const { t } = timelineOf(1_000, 5_000)
    const detached: Array<string> = []
    t.detachWith({ core: () => void detached.push("core"), actors: () => void detached.push("actors"), frames: () => void detached.push("frames") })
    ran(t, 1, "guestPacket", Cat.guest, 0, 900) // before the window: kept connected
    ran(t, 1, "guestPacket", Cat.guest, 4_000, 5_000) // ends at the window's end: still in it
    t.recorded(5_000, name("dm-vm1"), name("Mmio"))
    const f = new Frame(1, FrameKind.Data, 1, 2, 2)
    f.createdNs = 2_000
    f.txPath = new TxPathStamps()
    t.acked(f, 5_000)
    assert.deepStrictEqual(detached, [])
    ran(t, 1, "guestPacket", Cat.guest, 5_000, 6_000)
    t.recorded(5_001, name("dm-vm1"), name("Mmio"))
    t.acked(f, 5_001)
    assert.deepStrictEqual(detached, ["core", "actors"])
    // A frame lives at most MAX_FRAME_LIFETIME_NS: acked later, it was not sent in the window.
    t.acked(f, 5_000 + MAX_FRAME_LIFETIME_NS)
    assert.deepStrictEqual(detached, ["core", "actors"])
    t.acked(f, 5_001 + MAX_FRAME_LIFETIME_NS)
    assert.deepStrictEqual(detached, ["core", "actors", "frames"])
    const summary = t.finish()
    assert.deepStrictEqual([summary.coreSlices, summary.actorEvents, summary.frames], [1, 1, 3])
  })
})
