import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { backoffSlots, initialCw, LONG_RETRY_LIMIT, nextCw, SHORT_RETRY_LIMIT } from "../../src/air/Backoff.ts"
import { ERP_TIMINGS } from "../../src/air/Timing.ts"

describe("Backoff: contention window", () => {
  it("starts at CWmin and doubles (2·(CW+1) − 1) up to CWmax", () => {
    const seen = [initialCw(ERP_TIMINGS)]
    for (let i = 0; i < 7; i++) seen.push(nextCw(seen[seen.length - 1]!, ERP_TIMINGS))
    assert.deepStrictEqual(seen, [15, 31, 63, 127, 255, 511, 1023, 1023])
  })

  it("retry limits are the MIB defaults", () => {
    assert.strictEqual(SHORT_RETRY_LIMIT, 7)
    assert.strictEqual(LONG_RETRY_LIMIT, 4)
  })
})

describe("Backoff: random backoff", () => {
  it("maps [0, 1) onto the integers 0..CW", () => {
    assert.strictEqual(backoffSlots(0, 15), 0)
    assert.strictEqual(backoffSlots(0.999999, 15), 15)
    assert.strictEqual(backoffSlots(0.5, 15), 8) // 0.5 × 16
    assert.strictEqual(backoffSlots(0.49, 15), 7) // 7.84
    assert.strictEqual(backoffSlots(0.7, 0), 0)
  })

  it("is uniform: 1600 evenly spaced draws put exactly 100 in each of the 16 slots of CW 15", () => {
    const counts = new Array<number>(16).fill(0)
    for (let k = 0; k < 1600; k++) counts[backoffSlots((k + 0.5) / 1600, 15)]!++
    assert.deepStrictEqual(counts, new Array<number>(16).fill(100))
  })

  it.prop(
    "always an integer in [0, CW]",
    [Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 999_999 })), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 10 }))],
    ([micro, doublings]) => {
      const cw = 2 ** (4 + doublings) - 1 // 15 .. 16383
      const slots = backoffSlots(micro / 1_000_000, cw)
      assert.isTrue(Number.isInteger(slots))
      assert.isAtLeast(slots, 0)
      assert.isAtMost(slots, cw)
    }
  )

  it("rejects draws outside [0, 1) and bad windows", () => {
    for (const u of [1, -0.1, Number.NaN]) assert.throws(() => backoffSlots(u, 15), RangeError)
    for (const cw of [-1, 1.5]) assert.throws(() => backoffSlots(0.3, cw), RangeError)
  })
})
