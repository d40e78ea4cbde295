/**
 * Small-scale fading of one link, correlated in time. Each link on each channel carries a complex
 * gain h whose scattered part is a Gauss–Markov process: between two PPDUs Δt apart it keeps a
 * fraction ρ(Δt) of itself and gains a fresh complex Gaussian part of the rest,
 *
 *   h_s(t + Δt) = ρ h_s(t) + √(1 − ρ²) w,   w ~ CN(0, 1/(K + 1)),
 *
 * so that E|h|² = 1 at every step. The power gain is |h|² with h = √(K/(K+1)) + h_s: Rayleigh for
 * K = 0 (no line of sight), Ricean with K-factor K otherwise.
 *
 * ρ is the TGn channel models' Doppler spectrum for indoor WLANs, "bell"-shaped, S(f) = 1/(1 + 9 (f/f_d)²)
 * with f_d = v₀/λ and v₀ the environment's speed, 1.2 km/h (people moving about a still terminal;
 * Erceg et al., TGn Channel Models, IEEE 802.11-03/940r4, section on the Doppler components). That
 * spectrum is a Lorentzian of half-width f_d/3, whose autocorrelation is its Fourier transform,
 * exactly exp(−2π (f_d/3) |Δt|): the process above, sampled whenever the air asks. At 2.437 GHz
 * f_d = 2.7 Hz, and the gain decorrelates to 1/e in 176 ms: a host standing still sees the same fade
 * over a few frames and beacons, not a fresh one per PPDU. A host walking faster than v₀ uses its own
 * speed in the same spectrum (a modelling choice: TGn's bell is for a still terminal; a moving one's
 * spectrum is Clarke's U shape, whose correlation J₀(2π f_d Δt) falls to 0.5 at about the same Δt
 * but oscillates after, which no Gauss–Markov step can follow).
 */
import { standardNormal } from "./Gaussian.ts"

export type FadingKind = "none" | "rayleigh" | "ricean"

/** TGn's environmental speed for its bell-shaped Doppler spectrum: 1.2 km/h, in m/s (Erceg et al., 802.11-03/940r4). */
export const ENVIRONMENT_SPEED_MPS = 1.2 / 3.6
const SPEED_OF_LIGHT_MPS = 299_792_458

/** The maximum Doppler shift f_d = v·f_c/c at `speedMps` on a carrier of `carrierMhz`, in Hz. */
export const dopplerHz = (speedMps: number, carrierMhz: number): number => (speedMps * carrierMhz * 1e6) / SPEED_OF_LIGHT_MPS

/** The complex gain's correlation across `dtNs` under the bell spectrum of `maxDopplerHz`: exp(−2π (f_d/3) Δt). */
export const fadeCorrelation = (dtNs: number, maxDopplerHz: number): number => Math.exp((-2 * Math.PI * maxDopplerHz * dtNs) / 3e9)

/** One link's fading on one channel: the scattered part of its complex gain, and when it was last read. */
export class FadingLink {
  private re = 0
  private im = 0
  private lastNs = Number.NaN

  /**
   * The power gain at `nowNs`, in dB (mean 0 dB linear over time), for Ricean K-factor `kLinear` (0:
   * Rayleigh) and maximum Doppler shift `maxDopplerHz`. Read twice at one instant, the same gain (a
   * PPDU and the answer to it see one channel); the first read draws from the process's stationary law.
   */
  gainDb(nowNs: number, maxDopplerHz: number, kLinear: number, uniform: () => number): number {
    const sigma = Math.sqrt(1 / (2 * (kLinear + 1)))
    if (Number.isNaN(this.lastNs)) {
      this.re = sigma * standardNormal(uniform)
      this.im = sigma * standardNormal(uniform)
    } else if (nowNs > this.lastNs) {
      const rho = fadeCorrelation(nowNs - this.lastNs, maxDopplerHz)
      const fresh = sigma * Math.sqrt(1 - rho * rho)
      this.re = rho * this.re + fresh * standardNormal(uniform)
      this.im = rho * this.im + fresh * standardNormal(uniform)
    }
    this.lastNs = nowNs
    const x = Math.sqrt(kLinear / (kLinear + 1)) + this.re
    return 10 * Math.log10(x * x + this.im * this.im)
  }
}
