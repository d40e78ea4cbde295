import { assert, describe, it } from "@effect/vitest"
import * as Writer from "../../src/workload/PacedWriter.ts"

describe("paced TCP writer", () => {
  const rate = Writer.segmentsPerNs(1.168, 1460) // 1.168 Mb/s of 1460-byte segments: 100 segments a second

  it("writes at its rate, carrying fractions of a segment from one call to the next", () => {
    assert.closeTo(rate * 1e9, 100, 1e-9)
    let w = Writer.start(0)
    w = Writer.advance(w, rate, 15_000_000, 0, 64) // 15 ms: 1.5 segments
    assert.strictEqual(w.written, 1)
    assert.closeTo(w.partial, 0.5, 1e-9)
    assert.strictEqual(Writer.nextWriteNs(w, rate), 20_000_000, "the second segment is whole at 20 ms")
    w = Writer.advance(w, rate, 1_000_000_000, 0, 64)
    assert.strictEqual(w.written, 64, "capped by the send buffer")
    w = Writer.advance(Writer.start(0), rate, 500_000_000, 0, 64)
    assert.strictEqual(w.written, 50)
  })

  it("blocks while the send buffer is full and does not make the time up afterwards", () => {
    let w = Writer.advance(Writer.start(0), rate, 2_000_000_000, 0, 64) // would be 200; blocked at 64
    assert.strictEqual(w.written, 64)
    w = Writer.advance(w, rate, 3_000_000_000, 0, 64) // nothing acknowledged: still blocked
    assert.strictEqual(w.written, 64)
    assert.strictEqual(w.partial, 0)
    w = Writer.advance(w, rate, 3_100_000_000, 64, 64) // all acknowledged: 100 ms of writing, 10 segments
    assert.strictEqual(w.written, 74)
  })

  it("never goes back in time", () => {
    const w = Writer.advance(Writer.start(0), rate, 50_000_000, 0, 64)
    assert.strictEqual(Writer.advance(w, rate, 40_000_000, 0, 64), w)
  })
})
