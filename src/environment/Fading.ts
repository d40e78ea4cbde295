/**
 * Small-scale fading, one draw per PPDU (block fading: at walking speed the 2.4 GHz channel's coherence
 * time, about 0.423/f_D = 0.423·λ/v ≈ 50 ms at 1 m/s, is far longer than a PPDU; successive PPDUs are
 * drawn independently, which is a simplification). The draw is the power gain |h|² with E|h|² = 1,
 * in dB:
 * - Rayleigh (no line of sight): |h|² is exponential with mean 1;
 * - Ricean with K-factor K (linear): h = √(K/(K+1)) + CN(0, 1/(K+1)).
 */
import { standardNormal } from "./Gaussian.ts"

export type FadingKind = "none" | "rayleigh" | "ricean"

/** Power gain of one Rayleigh-faded PPDU, in dB. */
export const rayleighGainDb = (uniform: () => number): number => 10 * Math.log10(-Math.log(1 - uniform()))

/** Power gain of one Ricean-faded PPDU with K-factor `kLinear`, in dB. */
export const riceanGainDb = (kLinear: number, uniform: () => number): number => {
  const los = Math.sqrt(kLinear / (kLinear + 1))
  const sigma = Math.sqrt(1 / (2 * (kLinear + 1)))
  const x = los + sigma * standardNormal(uniform)
  const y = sigma * standardNormal(uniform)
  return 10 * Math.log10(x * x + y * y)
}
