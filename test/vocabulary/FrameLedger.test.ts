/** The frame ledger's accounting, against a plain map of live frames kept by the test. */
import { assert, describe, it } from "@effect/vitest"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"
import { drawer } from "../support/draw.ts"

const frameAt = (ledger: FrameLedger, createdNs: number): Frame => {
  const f = new Frame(ledger.nextFrameId(), FrameKind.Data, 1, 2, 2)
  f.createdNs = createdNs
  return f
}

describe("FrameLedger", () => {
  it("counts each frame once: delivered, dropped by reason, or in flight", () => {
    const ledger = new FrameLedger()
    const [a, b, c, d] = [0, 1, 2, 3].map((t) => frameAt(ledger, t))
    for (const f of [a!, b!, c!]) ledger.register(f)
    ledger.deliver(b!) // the middle one
    ledger.deliver(b!) // again: nothing more
    ledger.drop(a!, "retry-limit") // the oldest
    ledger.deliver(a!) // already settled
    ledger.drop(d!, "retry-limit") // never registered
    assert.strictEqual(ledger.created, 3)
    assert.strictEqual(ledger.delivered, 1)
    assert.strictEqual(ledger.dropped, 1)
    assert.deepStrictEqual([...ledger.droppedByReason], [["retry-limit", 1]])
    assert.strictEqual(ledger.inFlight, 1)
    assert.deepStrictEqual(ledger.unaccounted(100, 10), [c!])
  })

  it("a frame registered twice is live once; one settled can be registered again", () => {
    const ledger = new FrameLedger()
    const f = frameAt(ledger, 0)
    ledger.register(f)
    ledger.register(f)
    assert.strictEqual(ledger.inFlight, 1)
    ledger.deliver(f)
    assert.strictEqual(ledger.inFlight, 0)
    ledger.register(f)
    assert.strictEqual(ledger.inFlight, 1)
    assert.strictEqual(ledger.created, 3)
  })

  it("matches a map of live frames through 5,000 random steps, oldest first", () => {
    const ledger = new FrameLedger()
    const reference = new Map<number, Frame>()
    const made: Array<Frame> = []
    const draw = drawer(7)
    for (let step = 0; step < 5000; step++) {
      const choice = draw(3)
      if (choice === 0 || made.length === 0) {
        const f = frameAt(ledger, step)
        made.push(f)
        ledger.register(f)
        reference.set(f.id, f)
      } else {
        const f = made[draw(made.length)]!
        if (choice === 1) ledger.deliver(f)
        else ledger.drop(f, draw(2) === 0 ? "a" : "b")
        reference.delete(f.id)
      }
      assert.strictEqual(ledger.inFlight, reference.size)
    }
    const maxAgeNs = 1000
    const expected = [...reference.values()].filter((f) => 5000 - f.createdNs > maxAgeNs)
    assert.deepStrictEqual(ledger.unaccounted(5000, maxAgeNs).map((f) => f.id), expected.map((f) => f.id))
    assert.strictEqual(ledger.delivered + ledger.dropped + ledger.inFlight, ledger.created)
  })
})
