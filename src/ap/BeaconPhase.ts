/**
 * When an AP's beacons go: its target beacon transmission times (TBTTs) fall where its timing
 * synchronization function (TSF) timer is a multiple of the beacon interval (802.11-2016 11.1.3.1).
 * Each AP's TSF starts when that AP starts, so two APs' TBTTs keep whatever phase their start times
 * gave them: for APs that booted at unrelated times, any phase over the interval, equally likely.
 * A scenario may fix an AP's phase (`tbttOffsetUs`); otherwise it is drawn from the run's seed.
 */

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
 * The AP's TSF minus the run's clock, ns: its TSF started before the run, so that its TBTTs, from
 * `firstTbttNs` on, fall where its TSF is a multiple of the interval (what a beacon's and a probe
 * response's Timestamp field carry, 9.4.1.10).
 */
export const tsfOffsetNs = (firstTbttNs: number, intervalNs: number): number => (intervalNs - firstTbttNs) % intervalNs
