/**
 * When an AP's beacons go: its target beacon transmission times (TBTTs) fall where its timing
 * synchronization function (TSF) timer is a multiple of the beacon interval (802.11-2016 11.1.3.1).
 * Each AP's TSF starts when that AP starts, so two APs' TBTTs start at whatever phase their start
 * times gave them: for APs that booted at unrelated times, any phase over the interval, equally
 * likely. A scenario may fix an AP's phase (`tbttOffsetUs`); otherwise it is drawn from the run's seed.
 *
 * Each AP's TSF runs at its own crystal's rate, which the run's clock (the card's) does not share:
 * the AP's TBTTs come a little more or less often than the card counts them, and two APs' phases
 * part over time. A station resynchronizes on each beacon it hears (its Timestamp, 11.1.3) and
 * wakes a margin early for the drift in between (`PowerSave.WAKE_DRIFT_MARGIN_NS`).
 */

import { MAX_24GHZ_CHANNEL } from "../scenario/Bands.ts"

/** The TSF counts microseconds (802.11-2016 11.1.3.1): a TBTT falls on a whole µs. */
const TSF_TICK_NS = 1_000

/**
 * The AP's first TBTT, ns after the run starts (0 ≤ it < `intervalNs`): the scenario's offset, or a
 * uniform draw over the interval (`draw()` in [0, 1)), on a whole µs.
 */
export const firstTbttNs = (offsetUs: number | undefined, intervalNs: number, draw: () => number): number => {
  if (offsetUs !== undefined) return offsetUs * TSF_TICK_NS
  return Math.floor((draw() * intervalNs) / TSF_TICK_NS) * TSF_TICK_NS
}

/**
 * How far a crystal may be off its nominal frequency, ppm: the PHYs' transmit centre frequency and
 * symbol clock tolerances, which one oscillator sets (802.11-2016's OFDM PHY, Clause 17: ±20 ppm in
 * 5 GHz; ERP and HT in the 2.4 GHz band: ±25 ppm; Keysight's 89600 WLAN documentation lists the same
 * two figures). The TSF counts off that oscillator; the TSF's own bound, ±0.01% (100 ppm, the
 * figure IEEE 802.11-13/1197r0 discusses), is looser than any compliant radio's.
 */
export const CRYSTAL_TOLERANCE_24GHZ_PPM = 25
export const CRYSTAL_TOLERANCE_5GHZ_PPM = 20

/**
 * An AP's clock against the card's, ppm (positive: the AP's runs fast), drawn as two crystals each
 * anywhere within its band's tolerance: the AP's (`apDraw`, in [0, 1)) and the card's (`cardDraw`,
 * one draw for the run, the card's tolerance that of 2.4 GHz, which a dual-band card's 5 GHz bound
 * only tightens).
 */
export const drawClockDriftPpm = (apOn5Ghz: boolean, apDraw: number, cardDraw: number): number => {
  const apPpm = (2 * apDraw - 1) * (apOn5Ghz ? CRYSTAL_TOLERANCE_5GHZ_PPM : CRYSTAL_TOLERANCE_24GHZ_PPM)
  const cardPpm = (2 * cardDraw - 1) * CRYSTAL_TOLERANCE_24GHZ_PPM
  return apPpm - cardPpm
}

/**
 * Each AP's drift against the card, ppm, in the scenario's order: its `clockDriftPpm`, or a draw
 * (`draw(stream)`: the card's crystal from one stream, each AP's from its own, so that adding an AP
 * or fixing one's drift leaves the others' as they were).
 */
export const apClockDriftsPpm = (
  aps: ReadonlyArray<{ readonly bssid: string; readonly channel: number; readonly clockDriftPpm?: number | undefined }>,
  draw: (stream: string) => number
): Array<number> => {
  let cardDraw: number | undefined
  return aps.map((ap) => ap.clockDriftPpm ?? drawClockDriftPpm(ap.channel > MAX_24GHZ_CHANNEL, draw(`clock/${ap.bssid}`), (cardDraw ??= draw("clock/card"))))
}

/** TSF ticks per tick of the run's clock, for a drift of `ppm`. */
export const tsfRate = (driftPpm: number): number => 1 + driftPpm * 1e-6

/** The AP's `k`-th TBTT (from 0), ns on the run's clock: its TSF advances one interval between TBTTs. */
export const tbttNs = (firstTbttNs: number, intervalNs: number, rate: number, k: number): number => firstTbttNs + (k * intervalNs) / rate

/**
 * The AP's TSF at 0 on the run's clock, ns (its TSF at `t` is `t × rate` plus this): its TSF started
 * before the run, so that its TBTTs, from `firstTbttNs` on, fall where its TSF is a multiple of the
 * interval (what a beacon's and a probe response's Timestamp field carry, 9.4.1.10).
 */
export const tsfOffsetNs = (firstTbttNs: number, intervalNs: number, rate = 1): number => {
  const late = (firstTbttNs * rate) % intervalNs
  return late === 0 ? 0 : intervalNs - late
}
