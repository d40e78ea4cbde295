import { assert, describe, it } from "@effect/vitest"
import { Prng } from "../../src/kernel/Prng.ts"
import { SHADOWING_WAVES, ShadowingField } from "../../src/environment/Shadowing.ts"

const uniform = (seed: number) => {
  const p = new Prng(seed)
  return () => p.nextDoubleUnsafe()
}

describe("shadowing", () => {
  // Over many links' fields: the ensemble the model defines (Gudmundson's exp(−Δd/d_corr) in space).
  it("is Gaussian with unit variance, its correlation exp(−Δd/d_corr) in any direction", () => {
    const dCorr = 3
    const fields = 20_000
    const lags = [0.5, dCorr, 2 * dCorr]
    const sums = lags.map(() => 0)
    let s1 = 0
    let s2 = 0
    let s4 = 0
    const u = uniform(7)
    for (let i = 0; i < fields; i++) {
      const f = new ShadowingField(dCorr, u)
      const x = 100 * u() - 50
      const y = 100 * u() - 50
      const theta = 2 * Math.PI * u()
      const v = f.at(x, y)
      s1 += v
      s2 += v * v
      s4 += v ** 4
      lags.forEach((r, j) => (sums[j]! += v * f.at(x + r * Math.cos(theta), y + r * Math.sin(theta))))
    }
    assert.approximately(s1 / fields, 0, 0.03) // σ of the mean: 1/√20000 ≈ 0.007
    assert.approximately(s2 / fields, 1, 0.04)
    assert.approximately(s4 / fields, 3, 0.2) // a Gaussian's fourth moment
    lags.forEach((r, j) => assert.approximately(sums[j]! / fields, Math.exp(-r / dCorr), 0.03, `lag ${r} m`))
  })

  it("decorrelates along one field's straight walk about as the model says", () => {
    const dCorr = 3
    const f = new ShadowingField(dCorr, uniform(11))
    const stepM = 0.25
    const n = 40_000 // 10 km of walk
    const xs: Array<number> = []
    for (let k = 0; k < n; k++) xs.push(f.at(k * stepM * 0.6, k * stepM * 0.8))
    const mean = xs.reduce((a, b) => a + b, 0) / n
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n
    const lag = Math.round(dCorr / stepM)
    let c = 0
    for (let k = 0; k + lag < n; k++) c += (xs[k]! - mean) * (xs[k + lag]! - mean)
    // One realisation of SHADOWING_WAVES cosines: within a few 1/√N of the ensemble's figures.
    assert.approximately(variance, 1, 3 / Math.sqrt(SHADOWING_WAVES))
    assert.approximately(c / (n - lag) / variance, Math.exp(-1), 3 / Math.sqrt(SHADOWING_WAVES))
  })

  it("depends on the position only: the same value however often and in what order it is asked", () => {
    const a = new ShadowingField(3, uniform(13))
    const b = new ShadowingField(3, uniform(13))
    for (let d = 0; d < 50; d += 0.01) b.at(d, -d)
    assert.strictEqual(a.at(42.37, 7), b.at(42.37, 7))
    assert.strictEqual(b.at(42.37, 7), b.at(42.37, 7))
  })
})
