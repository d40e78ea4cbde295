import { assert, describe, it } from "@effect/vitest"
import { pickNext } from "../../src/nic/TxScheduler.ts"

const view = (offerSeq: Array<number>, offerChannel: Array<number>) => ({ offerSeq, offerChannel })

describe("card TX scheduler", () => {
  it("round-robin serves the next offering vMAC after the last one served, wrapping around", () => {
    const offers = view([5, -1, 3, 9], [6, 6, 6, 6])
    assert.strictEqual(pickNext("round-robin", offers, 6, -1), 0)
    assert.strictEqual(pickNext("round-robin", offers, 6, 0), 2)
    assert.strictEqual(pickNext("round-robin", offers, 6, 2), 3)
    assert.strictEqual(pickNext("round-robin", offers, 6, 3), 0)
  })

  it("round-robin gives backlogged vMACs equal turns", () => {
    const served = [0, 0, 0]
    let last = -1
    for (let i = 0; i < 300; i++) {
      last = pickNext("round-robin", view([1, 1, 1], [6, 6, 6]), 6, last)
      served[last]!++
    }
    assert.deepStrictEqual(served, [100, 100, 100])
  })

  it("fifo serves the earliest offer whoever made it", () => {
    assert.strictEqual(pickNext("fifo", view([7, 2, -1, 4], [6, 6, 6, 6]), 6, 1), 1)
  })

  it("only offers for the channel the radio is on are eligible; none gives -1", () => {
    const offers = view([1, 2], [1, 11])
    assert.strictEqual(pickNext("round-robin", offers, 11, -1), 1)
    assert.strictEqual(pickNext("fifo", offers, 11, -1), 1)
    assert.strictEqual(pickNext("round-robin", offers, 6, -1), -1)
    assert.strictEqual(pickNext("fifo", view([-1, -1], [6, 6]), 6, -1), -1)
  })
})
