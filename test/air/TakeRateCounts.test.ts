/**
 * A TX status's counts: whatever the air counted into the tally, as plain per-rate sums would give
 * them, the tally cleared after; counts at a single rate are shared frozen values, others fresh arrays.
 */
import { assert, describe, it } from "@effect/vitest"
import { NOTHING_COUNTED, RateTally } from "../../src/air/RateTally.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { takeRateCounts } from "../../src/air/TakeRateCounts.ts"

/** The receiver of the counted bursts (one station here). */
const STATION = 0x020000000200
const zeros = () => [0, 0, 0, 0, 0, 0, 0, 0]
const cleared = (t: RateTally) => ({ attempts: [...t.attempts], acked: [...t.acked], counted: t.counted })

describe("takeRateCounts", () => {
  it("gives nothing when nothing was counted", () => {
    assert.isUndefined(takeRateCounts(new RateTally()))
  })

  it("gives the per-rate sums counted since the last take, then clears the tally, over 5,000 random statuses", () => {
    const rng = new Prng(11)
    const tally = new RateTally()
    for (let n = 0; n < 5_000; n++) {
      // One exchange mostly, sometimes a retry chain's two or three, at one rate or several, counts up to past the shared range.
      const exchanges = 1 + Math.floor(rng.nextDoubleUnsafe() * (rng.nextDoubleUnsafe() < 0.7 ? 1 : 3))
      const expected = { attempts: zeros(), acked: zeros() }
      for (let r = 0; r < exchanges; r++) {
        const i = Math.floor(rng.nextDoubleUnsafe() * 8)
        const attempts = Math.floor(rng.nextDoubleUnsafe() * 80)
        const acked = Math.floor(rng.nextDoubleUnsafe() * (attempts + 1))
        tally.count(i, attempts, acked, STATION)
        expected.attempts[i]! += attempts
        expected.acked[i]! += acked
      }
      const got = takeRateCounts(tally)!
      assert.deepStrictEqual({ attempts: [...got.attempts], acked: [...got.acked] }, expected)
      assert.deepStrictEqual(cleared(tally), { attempts: zeros(), acked: zeros(), counted: NOTHING_COUNTED })
    }
  })

  it("shares one frozen value per single-rate count, and makes the rest anew", () => {
    const tally = new RateTally()
    const single = (i: number, attempts: number, acked: number) => {
      tally.count(i, attempts, acked, STATION)
      return takeRateCounts(tally)!
    }
    const first = single(7, 1, 1)
    assert.strictEqual(single(7, 1, 1), first)
    assert.isTrue(Object.isFrozen(first) && Object.isFrozen(first.attempts) && Object.isFrozen(first.acked))
    const other = single(7, 2, 1)
    assert.notStrictEqual(other, first)
    assert.notStrictEqual(single(6, 1, 1), first)
    assert.strictEqual(single(7, 2, 1), other)
    assert.strictEqual(single(7, 1, 1), first)
    const large = single(3, 65, 64)
    assert.isFalse(Object.isFrozen(large.attempts))
    assert.deepStrictEqual([...large.attempts], [0, 0, 0, 65, 0, 0, 0, 0])
    tally.count(1, 2, 0, STATION)
    tally.count(2, 1, 1, STATION)
    const two = takeRateCounts(tally)!
    assert.isFalse(Object.isFrozen(two.attempts))
    assert.deepStrictEqual([...two.attempts, ...two.acked], [0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
  })
})
