import { assert, describe, it } from "@effect/vitest"
import { channelsToServe, mustRotate, nextChannel } from "../../src/nic/ChannelPlan.ts"

describe("channel plan of the card's one radio", () => {
  it("serves each channel once, ascending, ignoring vMACs without one", () => {
    assert.deepStrictEqual(channelsToServe([11, undefined, 1, 11, 6]), [1, 6, 11])
    assert.deepStrictEqual(channelsToServe([]), [])
  })

  it("visits the channels in turn, wrapping around", () => {
    assert.strictEqual(nextChannel([1, 6, 11], 1), 6)
    assert.strictEqual(nextChannel([1, 6, 11], 11), 1)
    assert.strictEqual(nextChannel([1, 11], 6), 11)
    assert.strictEqual(nextChannel([], 6), 6)
  })

  it("rotates only when another channel needs the radio", () => {
    assert.isFalse(mustRotate([], 6))
    assert.isFalse(mustRotate([6], 6))
    assert.isTrue(mustRotate([11], 6))
    assert.isTrue(mustRotate([1, 11], 1))
  })
})
