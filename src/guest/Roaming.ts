/**
 * The guest's roaming logic within an ESS (several APs with one SSID), as wpa_supplicant does it
 * with its "simple" background-scan module and its reassociation rule:
 * - it asks the card to monitor the AP's beacon signal against a threshold (CQM, 4 dB hysteresis:
 *   bgscan_simple.c's `wpa_drv_signal_monitor(wpa_s, threshold, 4)`);
 * - it scans in the background every `shortIntervalNs` while the signal is below the threshold and
 *   every `longIntervalNs` above it, and at once when the signal falls below it;
 * - after a scan it moves to the strongest AP of its SSID if that one beats the current AP by a
 *   margin that shrinks as the current signal weakens (`minimumGainDb`, from wpa_supplicant's
 *   events.c, `wpa_supplicant_need_to_roam_within_ess`).
 * A VM that loses its AP altogether (beacon loss) scans and joins the strongest AP of its SSID: that
 * is the driver's ordinary join (`GuestDriver.ts`).
 */
import type { ScanResult } from "../vocabulary/CardEvent.ts"

/** The background-scan and roaming settings of one VM's supplicant. */
export interface RoamingPolicy {
  readonly thresholdDbm: number
  readonly shortIntervalNs: number
  readonly longIntervalNs: number
}

/** Hysteresis of the signal monitor wpa_supplicant's bgscan "simple" asks for, in dB (bgscan_simple.c). */
export const BGSCAN_HYSTERESIS_DB = 4

/** How long to wait for the next background scan: short while the signal is low, long otherwise. */
export const backgroundScanIntervalNs = (policy: RoamingPolicy, signalLow: boolean): number =>
  signalLow ? policy.shortIntervalNs : policy.longIntervalNs

/**
 * How much stronger, in dB, another AP of the ESS must be for the supplicant to move to it, given the
 * current AP's signal: 1 dB below −85 dBm, 2 below −80, 3 below −75, 4 below −70, 5 otherwise
 * (wpa_supplicant, events.c, `wpa_supplicant_need_to_roam_within_ess`; the throughput-estimate
 * adjustment of later versions is not modelled).
 */
export const minimumGainDb = (currentDbm: number): number =>
  currentDbm < -85 ? 1 : currentDbm < -80 ? 2 : currentDbm < -75 ? 3 : currentDbm < -70 ? 4 : 5

/**
 * The AP to move to after a scan, or undefined to stay: the strongest AP of `ssid` other than the
 * current one, if it beats the current AP's signal by `minimumGainDb`. The current AP's signal is
 * this scan's if it heard it, else the last one known (`current`): wpa_supplicant keeps a BSS in its
 * table across a scan that missed it.
 */
export const roamTarget = (results: ReadonlyArray<ScanResult>, ssid: string, current: ScanResult): ScanResult | undefined => {
  let best: ScanResult | undefined
  let currentDbm = current.signalDbm
  for (const r of results) {
    if (r.ssid !== ssid) continue
    if (r.bssid === current.bssid) currentDbm = r.signalDbm
    else if (best === undefined || r.signalDbm > best.signalDbm) best = r
  }
  if (best === undefined) return undefined
  return best.signalDbm - currentDbm >= minimumGainDb(currentDbm) ? best : undefined
}

/** The current AP as this scan heard it (its signal refreshed), or as known before. */
export const refreshed = (results: ReadonlyArray<ScanResult>, current: ScanResult): ScanResult =>
  results.find((r) => r.bssid === current.bssid) ?? current
