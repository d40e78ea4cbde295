/** A frame's one-bit flags share a field: each must still read back what was set, whatever the others hold. */
import { assert, describe, it } from "@effect/vitest"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"

const FLAGS = ["pm", "moreData", "psReleased", "eosp", "protected", "receivedOnAir"] as const

describe("Frame flags", () => {
  it("start clear, and each is set and cleared without touching the others", () => {
    const f = new Frame(1, FrameKind.Data, 2, 3, 4)
    for (const flag of FLAGS) assert.isFalse(f[flag], flag)
    // Every combination of the six flags, set one by one and read back.
    for (let mask = 0; mask < 1 << FLAGS.length; mask++) {
      FLAGS.forEach((flag, i) => {
        f[flag] = (mask & (1 << i)) !== 0
      })
      FLAGS.forEach((flag, i) => assert.strictEqual(f[flag], (mask & (1 << i)) !== 0, `${flag} in combination ${mask}`))
    }
  })
})
