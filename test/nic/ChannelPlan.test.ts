import { assert, describe, it } from "@effect/vitest"
import { addChannel, mustRotate, nextChannel } from "../../src/nic/ChannelPlan.ts"
import { drawer } from "../support/draw.ts"

/** The served channels the radio builds from its vMACs' channels (`undefined`: a vMAC with none). */
const channelsToServe = (channels: ReadonlyArray<number | undefined>): Array<number> => {
  const served: Array<number> = []
  for (const c of channels) if (c !== undefined) addChannel(served, c)
  return served
}

describe("channel plan of the card's one radio", () => {
  it("serves each channel once, ascending, ignoring vMACs without one", () => {
    assert.deepStrictEqual(channelsToServe([11, undefined, 1, 11, 6]), [1, 6, 11])
    assert.deepStrictEqual(channelsToServe([]), [])
    assert.deepStrictEqual(channelsToServe([36, 1, 149, 6, 1, 36, 11, 6, 149]), [1, 6, 11, 36, 149])
  })

  it("gives the sorted set of the channels for any order and repeats", () => {
    const draw = drawer(12345)
    const all = [1, 6, 11, 13, 36, 40, 149]
    for (let round = 0; round < 200; round++) {
      const channels = Array.from({ length: draw(10) }, () => all[draw(all.length)]!)
      const expected = all.filter((c) => channels.includes(c))
      assert.deepStrictEqual(channelsToServe(channels), expected, channels.join(","))
    }
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
