/**
 * Large-scale path loss indoors: the dual-slope model of the IEEE 802.11 TGn channel models (Erceg
 * et al., "TGn Channel Models", IEEE 802.11-03/940r4, 2004, §4.7): free-space loss (slope 2) up to a
 * breakpoint distance, then a steeper slope of 3.5 beyond it. Model D ("typical office") puts the
 * breakpoint at 10 m. Free-space loss is Friis': 20·log10(4π·d·f/c).
 *
 * Closer than 1 m the antennas are in each other's near field, where the formula does not hold: the
 * model uses the loss at 1 m there (the usual reference distance d0 = 1 m indoors).
 */

/** Speed of light, m/s. */
const SPEED_OF_LIGHT_MPS = 299_792_458
/** Reference distance below which the loss stays that of 1 m (near field). */
export const REFERENCE_DISTANCE_M = 1

/** TGn model D's breakpoint distance, in m (Erceg et al. 2004, Table of model parameters). */
export const TGN_D_BREAKPOINT_M = 10
/** Path-loss exponent beyond the breakpoint, every TGn model (Erceg et al. 2004, §4.7). */
export const TGN_EXPONENT_BEYOND_BREAKPOINT = 3.5

/** Free-space path loss at `distanceM` and `frequencyMhz`, in dB (Friis), from the reference distance on. */
export const freeSpaceLossDb = (distanceM: number, frequencyMhz: number): number => {
  const d = Math.max(distanceM, REFERENCE_DISTANCE_M)
  return 20 * Math.log10((4 * Math.PI * d * frequencyMhz * 1e6) / SPEED_OF_LIGHT_MPS)
}

export interface DualSlope {
  readonly breakpointM: number
  readonly exponentBeyond: number
}

/** Mean path loss at `distanceM`, in dB: free space to the breakpoint, `exponentBeyond` after it. */
export const pathLossDb = (distanceM: number, frequencyMhz: number, model: DualSlope): number =>
  distanceM <= model.breakpointM
    ? freeSpaceLossDb(distanceM, frequencyMhz)
    : freeSpaceLossDb(model.breakpointM, frequencyMhz) + 10 * model.exponentBeyond * Math.log10(distanceM / model.breakpointM)
