/**
 * Log-normal shadowing of one link, correlated in space (Gudmundson, "Correlation model for shadow
 * fading in mobile radio systems", Electronics Letters 27(23), 1991): the shadowing in dB is a
 * Gaussian process along the distance the host walks, with autocorrelation exp(−Δd / d_corr).
 *
 * It is sampled on a grid of `SHADOWING_GRID_M` of walked distance by the exact AR(1) recursion
 * s[k+1] = ρ·s[k] + √(1−ρ²)·n[k], ρ = exp(−grid/d_corr), n ~ N(0, 1), and interpolated linearly
 * between samples; the caller scales the unit-variance value by the σ of the link's distance. The
 * samples come from the link's own stream in grid order, so the value at a point of the walk does
 * not depend on when or how often it is asked for: the same seed gives the same shadowing.
 */
import { standardNormal } from "./Gaussian.ts"

/** Grid step of the shadowing process along the walk, in m: well under any decorrelation distance used indoors. */
export const SHADOWING_GRID_M = 0.25

export class ShadowingTrack {
  private readonly samples: Array<number>
  private readonly rho: number
  private readonly innovation: number
  private readonly uniform: () => number

  constructor(decorrelationM: number, uniform: () => number) {
    this.uniform = uniform
    this.rho = Math.exp(-SHADOWING_GRID_M / decorrelationM)
    this.innovation = Math.sqrt(1 - this.rho * this.rho)
    this.samples = [standardNormal(uniform)]
  }

  /** The unit-variance shadowing after `walkedM` metres of walk. */
  at(walkedM: number): number {
    const position = walkedM / SHADOWING_GRID_M
    const k = Math.floor(position)
    while (this.samples.length < k + 2) {
      this.samples.push(this.rho * this.samples[this.samples.length - 1]! + this.innovation * standardNormal(this.uniform))
    }
    const f = position - k
    return this.samples[k]! * (1 - f) + this.samples[k + 1]! * f
  }
}
