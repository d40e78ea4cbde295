import { assert, describe, it } from "@effect/vitest"
import { CHUNK_BYTES, ChromeTraceWriter, encoded, eventTail, instantHead, metadata, spanHead, ticksOf } from "../../src/timeline/ChromeTrace.ts"

/** A writer whose output is decoded as it comes (a chunk is valid only during the call). */
const writerOf = (eventsMax = 1e9) => {
  const decoder = new TextDecoder()
  let text = ""
  let chunks = 0
  const out = new ChromeTraceWriter((chunk) => {
    chunks++
    text += decoder.decode(chunk, { stream: true })
  }, eventsMax)
  return { out, json: () => JSON.parse(text), chunks: () => chunks }
}

describe("timeline: Chrome trace events", () => {
  it("writes times in microseconds to 1/100 ns, exactly, as the number they stand for", () => {
    assert.strictEqual(ticksOf(2e9 + 123.456), 200_000_012_346)
    const { out, json } = writerOf()
    const name = encoded("t")
    const cases: ReadonlyArray<readonly [number, number]> = [
      [ticksOf(2e9 + 123.456), 2000000.12346],
      [ticksOf(395.2569), 0.39526],
      [0, 0],
      [ticksOf(1000), 1],
      [ticksOf(10.5), 0.0105],
      // A day of virtual time still prints every tick (ticks stay exact integers up to 2^53, about 25 h).
      [ticksOf(86.4e12 + 0.5), 86400000000.0005]
    ]
    for (const [at] of cases) out.instant(1, 1, at, name, name)
    out.finish({})
    const texts = JSON.stringify(json().traceEvents.map((e: { ts: number }) => e.ts))
    assert.strictEqual(texts, JSON.stringify(cases.map(([, us]) => us)))
  })

  it("makes events that parse, with the fields viewers read", () => {
    const { out, json } = writerOf()
    out.complete(1, 3, ticksOf(1000), ticksOf(1395.26), encoded("guestPacket"), encoded("guest"), new TextEncoder().encode(`{"thread":"vcpu-vm1"}`))
    out.complete(1, 3, 0, 100, encoded("a→b"), encoded("b"))
    out.completeCounts(3, 1, 0, 100, encoded("frame"), encoded("tx"), [encoded("frame"), encoded("vm")], [14, -1])
    out.instant(2, 4, ticksOf(5e3), encoded("Job"), encoded("actor"))
    out.flow("s", 7, 3, 1, 0, encoded("frame"), encoded("tx"))
    out.flow("t", 7, 3, 2, 0, encoded("frame"), encoded("tx"))
    out.flow("f", 7, 3, 6, 0, encoded("frame"), encoded("tx"))
    out.always(metadata("thread_name", 1, 10, `io "vm1"`))
    out.always(metadata("thread_sort_index", 1, 10, 3))
    out.finish({ note: "x" })
    const trace = json()
    assert.strictEqual(trace.displayTimeUnit, "ns")
    assert.deepStrictEqual(trace.otherData, { note: "x" })
    assert.deepStrictEqual(trace.traceEvents, [
      { ph: "X", pid: 1, tid: 3, ts: 1, dur: 0.39526, name: "guestPacket", cat: "guest", args: { thread: "vcpu-vm1" } },
      { ph: "X", pid: 1, tid: 3, ts: 0, dur: 0.001, name: "a→b", cat: "b" },
      { ph: "X", pid: 3, tid: 1, ts: 0, dur: 0.001, name: "frame", cat: "tx", args: { frame: 14, vm: -1 } },
      { ph: "i", s: "t", pid: 2, tid: 4, ts: 5, name: "Job", cat: "actor" },
      { ph: "s", id: 7, pid: 3, tid: 1, ts: 0, name: "frame", cat: "tx" },
      { ph: "t", id: 7, pid: 3, tid: 2, ts: 0, name: "frame", cat: "tx" },
      { ph: "f", id: 7, pid: 3, tid: 6, ts: 0, name: "frame", cat: "tx", bp: "e" },
      { ph: "M", pid: 1, tid: 10, name: "thread_name", args: { name: `io "vm1"` } },
      { ph: "M", pid: 1, tid: 10, name: "thread_sort_index", args: { sort_index: 3 } }
    ])
  })

  it("streams in chunks of its buffer, and past its cap counts what it does not write", () => {
    const { out, json, chunks } = writerOf(20_000)
    const name = encoded("n")
    for (let i = 0; i < 30_000; i++) out.complete(1, 1, i * 100, i * 100 + 50, name, name)
    assert.isAbove(chunks(), 0, "a full buffer goes out before the end")
    assert.isFalse(out.room())
    out.always(metadata("thread_name", 1, 1, "core"))
    out.finish({ cutEvents: out.cut })
    out.finish({ cutEvents: -1 })
    const trace = json()
    assert.strictEqual(trace.traceEvents.length, 20_001)
    assert.strictEqual(out.cut, 10_000)
    assert.deepStrictEqual(trace.otherData, { cutEvents: 10_000 }, "the footer once")
    assert.isAbove(20_000 * 60, CHUNK_BYTES, "the events did not fit in one buffer")
  })

  it("writes the same bytes from pre-encoded heads and tails as from the event's parts", () => {
    const textOf = (events: (out: ChromeTraceWriter) => void): string => {
      const chunks: Array<string> = []
      const out = new ChromeTraceWriter((c) => chunks.push(Buffer.from(c).toString("latin1")), 10)
      events(out)
      out.finish({})
      return chunks.join("")
    }
    const name = encoded("guestPacket — é")
    const cat = encoded("guest")
    const args = new TextEncoder().encode(`{"thread":"vcpu-vm1"}`)
    const parts = textOf((out) => {
      out.complete(1, 12, 200_000_000, 200_039_526, name, cat, args)
      out.complete(1, 12, 7, 100_000, name, cat)
      out.instant(2, 3, 150_000_050, name, cat)
    })
    const pieces = textOf((out) => {
      out.completeFrom(spanHead(1, 12), 200_000_000, 200_039_526, eventTail(name, cat, args))
      out.completeFrom(spanHead(1, 12), 7, 100_000, eventTail(name, cat))
      out.instantFrom(instantHead(2, 3), 150_000_050, eventTail(name, cat))
    })
    assert.strictEqual(pieces, parts)
    assert.include(parts, `"ts":2000,"dur":0.39526`)
  })
})

