/** Receive buffers: what fits is kept in order, the rest dropped by name; buffers come back, never below none. */
import { assert, describe, it } from "@effect/vitest"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"
import { RxBuffers } from "../../src/vocabulary/RxBuffers.ts"

const frames = (ledger: FrameLedger, n: number) =>
  Array.from({ length: n }, () => {
    const f = new Frame(ledger.nextFrameId(), FrameKind.Data, 1, 2, 2)
    ledger.register(f)
    return f
  })

describe("RxBuffers", () => {
  it("keeps frames while buffers are free, drops the rest with the reason, and frees buffers given back", () => {
    const ledger = new FrameLedger()
    const ring = new RxBuffers(4)
    const first = frames(ledger, 3)
    assert.strictEqual(ring.take(first, ledger, "full"), first, "all fit: the same array")
    const second = frames(ledger, 3)
    const kept = ring.take(second, ledger, "full")
    assert.deepStrictEqual(kept, second.slice(0, 1))
    assert.strictEqual(ring.used, 4)
    assert.strictEqual(ring.refused, 2)
    assert.strictEqual(ledger.droppedByReason.get("full"), 2)
    ring.give(3)
    assert.strictEqual(ring.reserve(5), 3)
    ring.give(100)
    assert.strictEqual(ring.used, 0, "never below none")
    assert.throws(() => new RxBuffers(0))
  })
})
