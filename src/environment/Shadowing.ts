/**
 * Log-normal shadowing of one link as a random field over the floor plan: the shadowing in dB at a
 * position is a Gaussian variable whose correlation between two positions Δd apart is exp(−Δd/d_corr)
 * — Gudmundson's model ("Correlation model for shadow fading in mobile radio systems", Electronics
 * Letters 27(23), 1991) taken as a function of the distance between positions, as WINNER II
 * (IST-4-027756 D1.1.2, 2007, 3.3.1) and 3GPP TR 38.901 (7.5, 7.6.3) do. Being a function of
 * position, it is the same whenever the host is at the same place: standing, back on a loop's next
 * lap, or walking back the way it came.
 *
 * It is built by the randomization method of the spectral representation (Shinozuka & Jan, "Digital
 * simulation of random processes and its applications", J. Sound Vib. 25(1), 1972): a sum of
 * `SHADOWING_WAVES` cosines √(2/N)·Σ cos(k_n·x + φ_n), with φ_n uniform and each wave vector k_n
 * drawn from the 2-D spectral density of exp(−r/d), S(k) = d²/(2π(1 + k²d²)^{3/2}); its radial
 * distribution function is F(k) = 1 − (1 + k²d²)^{−1/2}, inverted below. The ensemble correlation is
 * then exactly exp(−r/d) and the variance exactly 1; the value is Gaussian by the central limit
 * (kurtosis 3 − 1.5/N). All draws are made when the field is made, so a value depends only on the
 * link's stream and the position, never on when or how often it is asked for.
 */

/**
 * Cosines summed per field: 64 puts the kurtosis within 1% of a Gaussian's (3 − 1.5/64) and one
 * realisation's correlation within about 1/√64 of the model's, for 64 cosines per link per PPDU.
 */
export const SHADOWING_WAVES = 64

export class ShadowingField {
  private readonly kx = new Float64Array(SHADOWING_WAVES)
  private readonly ky = new Float64Array(SHADOWING_WAVES)
  private readonly phase = new Float64Array(SHADOWING_WAVES)

  constructor(decorrelationM: number, uniform: () => number) {
    for (let n = 0; n < SHADOWING_WAVES; n++) {
      const u = uniform() // [0, 1): 1 − u is in (0, 1], k finite
      const k = Math.sqrt(1 / ((1 - u) * (1 - u)) - 1) / decorrelationM
      const theta = 2 * Math.PI * uniform()
      this.kx[n] = k * Math.cos(theta)
      this.ky[n] = k * Math.sin(theta)
      this.phase[n] = 2 * Math.PI * uniform()
    }
  }

  /** The last point asked for and its value: a standing host, and an exchange's frame and answer, ask again. */
  private lastXM = NaN
  private lastYM = NaN
  private lastValue = 0

  /** The unit-variance shadowing at (`xM`, `yM`). */
  at(xM: number, yM: number): number {
    if (xM === this.lastXM && yM === this.lastYM) return this.lastValue
    let sum = 0
    for (let n = 0; n < SHADOWING_WAVES; n++) sum += Math.cos(this.kx[n]! * xM + this.ky[n]! * yM + this.phase[n]!)
    this.lastXM = xM
    this.lastYM = yM
    this.lastValue = sum * Math.sqrt(2 / SHADOWING_WAVES)
    return this.lastValue
  }
}
