/**
 * A TX status's counts: whatever the station counted, as plain copies would give them, the station
 * cleared after; counts at a single rate are shared frozen values, other counts fresh arrays.
 */
import { assert, describe, it } from "@effect/vitest"
import { Prng } from "../../src/kernel/Prng.ts"
import { takeRateCounts } from "../../src/nic/TakeRateCounts.ts"

const station = () => ({ attemptsByRate: [0, 0, 0, 0, 0, 0, 0, 0], ackedByRate: [0, 0, 0, 0, 0, 0, 0, 0], rateCounted: false })

describe("takeRateCounts", () => {
  it("gives nothing when nothing was counted", () => {
    assert.isUndefined(takeRateCounts(station()))
  })

  it("gives what was counted, then clears the station, over 5,000 random statuses", () => {
    const rng = new Prng(11)
    const s = station()
    for (let n = 0; n < 5_000; n++) {
      // One rate mostly, sometimes a retry chain's two or three, counts up to past the shared range.
      const rates = 1 + Math.floor(rng.nextDoubleUnsafe() * (rng.nextDoubleUnsafe() < 0.7 ? 1 : 3))
      for (let r = 0; r < rates; r++) {
        const i = Math.floor(rng.nextDoubleUnsafe() * 8)
        const attempts = Math.floor(rng.nextDoubleUnsafe() * 80)
        s.attemptsByRate[i]! += attempts
        s.ackedByRate[i]! += Math.floor(rng.nextDoubleUnsafe() * (attempts + 1))
      }
      s.rateCounted = true
      const expected = { attempts: s.attemptsByRate.slice(), acked: s.ackedByRate.slice() }
      const got = takeRateCounts(s)!
      assert.deepStrictEqual({ attempts: [...got.attempts], acked: [...got.acked] }, expected)
      assert.deepStrictEqual(s, station())
    }
  })

  it("shares one frozen value per single-rate count, and makes the rest anew", () => {
    const s = station()
    const single = (i: number, attempts: number, acked: number) => {
      s.attemptsByRate[i] = attempts
      s.ackedByRate[i] = acked
      s.rateCounted = true
      return takeRateCounts(s)!
    }
    const first = single(7, 1, 1)
    assert.strictEqual(single(7, 1, 1), first)
    assert.isTrue(Object.isFrozen(first) && Object.isFrozen(first.attempts) && Object.isFrozen(first.acked))
    assert.notStrictEqual(single(7, 2, 1), first)
    assert.notStrictEqual(single(6, 1, 1), first)
    const large = single(3, 65, 64)
    assert.isFalse(Object.isFrozen(large.attempts))
    assert.deepStrictEqual([...large.attempts], [0, 0, 0, 65, 0, 0, 0, 0])
    s.attemptsByRate[1] = 2
    s.attemptsByRate[2] = 1
    s.ackedByRate[2] = 1
    s.rateCounted = true
    const two = takeRateCounts(s)!
    assert.isFalse(Object.isFrozen(two.attempts))
    assert.deepStrictEqual([...two.attempts, ...two.acked], [0, 2, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0])
  })
})
