import { assert, describe, it } from "@effect/vitest"
import { estimate, estimateOf, tQuantile975 } from "../../src/compare/Statistics.ts"

describe("compare: statistics over seeds", () => {
  it("gives the mean and the 95% interval of the mean (Student's t)", () => {
    // 2, 4, 4, 4, 5, 5, 7, 9: mean 5, sample variance 32/7, t(0.975, 7) = 2.365.
    const e = estimate([2, 4, 4, 4, 5, 5, 7, 9])
    assert.strictEqual(e.mean, 5)
    assert.closeTo(e.ci95!, (2.365 * Math.sqrt(32 / 7)) / Math.sqrt(8), 1e-12)
    assert.strictEqual(e.n, 8)
  })

  it("has no interval for one sample and none at all without samples", () => {
    assert.deepStrictEqual(estimate([3]), { mean: 3, ci95: null, n: 1 })
    assert.strictEqual(estimateOf([null, null]), null)
    assert.strictEqual(estimateOf([null, 6, 8])!.mean, 7)
    assert.throws(() => estimate([]))
  })

  it("uses the t table's values and the normal quantile past 30 degrees of freedom", () => {
    assert.strictEqual(tQuantile975(4), 2.776)
    assert.strictEqual(tQuantile975(1), 12.706)
    assert.strictEqual(tQuantile975(120), 1.96)
    assert.throws(() => tQuantile975(0))
  })
})
