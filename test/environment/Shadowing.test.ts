import { assert, describe, it } from "@effect/vitest"
import { rayleighGainDb, riceanGainDb } from "../../src/environment/Fading.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { SHADOWING_GRID_M, ShadowingTrack } from "../../src/environment/Shadowing.ts"

const uniform = (seed: number) => {
  const p = new Prng(seed)
  return () => p.nextDoubleUnsafe()
}

describe("shadowing", () => {
  it("has unit variance and decorrelates as exp(−Δd/d_corr)", () => {
    const dCorr = 3
    const t = new ShadowingTrack(dCorr, uniform(7))
    const n = 200_000
    const xs: Array<number> = []
    for (let k = 0; k < n; k++) xs.push(t.at(k * SHADOWING_GRID_M))
    const mean = xs.reduce((a, b) => a + b, 0) / n
    const variance = xs.reduce((a, b) => a + (b - mean) ** 2, 0) / n
    assert.approximately(mean, 0, 0.05)
    assert.approximately(variance, 1, 0.05)
    const lag = Math.round(dCorr / SHADOWING_GRID_M) // Δd = d_corr: correlation e^-1
    let c = 0
    for (let k = 0; k + lag < n; k++) c += (xs[k]! - mean) * (xs[k + lag]! - mean)
    assert.approximately(c / (n - lag) / variance, Math.exp(-1), 0.03)
  })

  it("gives the same value at a point of the walk however often it was asked on the way", () => {
    const coarse = new ShadowingTrack(3, uniform(11))
    const fine = new ShadowingTrack(3, uniform(11))
    for (let d = 0; d < 50; d += 0.01) fine.at(d)
    assert.strictEqual(coarse.at(42.37), fine.at(42.37))
  })
})

describe("fading", () => {
  it("Rayleigh and Ricean power gains average 1 (linear); Ricean with a large K hardly fades", () => {
    const n = 200_000
    const mean = (draw: () => number) => {
      let s = 0
      for (let i = 0; i < n; i++) s += 10 ** (draw() / 10)
      return s / n
    }
    const u = uniform(3)
    assert.approximately(mean(() => rayleighGainDb(u)), 1, 0.02)
    assert.approximately(mean(() => riceanGainDb(2, u)), 1, 0.02)
    // Rayleigh: P(|h|² < 0.1) = 1 − e^−0.1 ≈ 9.5 %: deep fades are common.
    let deep = 0
    for (let i = 0; i < n; i++) if (rayleighGainDb(u) < -10) deep++
    assert.approximately(deep / n, 1 - Math.exp(-0.1), 0.005)
    let spread = 0
    for (let i = 0; i < 1000; i++) spread = Math.max(spread, Math.abs(riceanGainDb(1000, u)))
    assert.isBelow(spread, 1)
  })
})
