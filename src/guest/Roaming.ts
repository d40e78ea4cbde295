/**
 * The guest's roaming logic within an ESS (several APs with one SSID), as wpa_supplicant does it
 * with its "simple" background-scan module and its reassociation rule:
 * - it asks the card to monitor the AP's beacon signal against a threshold (CQM, 4 dB hysteresis:
 *   bgscan_simple.c's `wpa_drv_signal_monitor(wpa_s, threshold, 4)`);
 * - it scans in the background every `shortIntervalNs` while the signal is below the threshold and
 *   every `longIntervalNs` above it, and at once when the signal falls below it (`onSignalChange`);
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
 * A scan this recent keeps the signal's fall below the threshold from scanning again at once:
 * bgscan_simple.c scans on the fall if `now.sec > last_bgscan.sec + 1`, whole seconds (so 1 to 2 s
 * after it); modelled as 1 s.
 */
export const BGSCAN_RECENT_SCAN_NS = 1e9

/** A further fall (the monitor's next report, a hysteresis lower) scans if the last scan is older than this: bgscan_simple.c, `now.sec > last_bgscan.sec + 10`. */
export const BGSCAN_FURTHER_DROP_NS = 10e9

/** What a signal report does to the background scans: scan now, re-arm the next scan at `nextScanNs`, or neither (undefined: the scan armed stays). */
export type SignalChangeStep = { readonly scanNow: true } | { readonly scanNow: false; readonly nextScanNs: number | undefined }

/**
 * What the supplicant does when the signal monitor reports at `nowNs` (bgscan_simple.c,
 * `bgscan_simple_notify_signal_change`), `wasLow` saying whether it was in its short interval:
 * - falling below the threshold: it scans at once unless it scanned within `BGSCAN_RECENT_SCAN_NS`,
 *   else it brings its next scan forward to a short interval from now if that was due later;
 * - a further fall: it scans if its last scan is older than `BGSCAN_FURTHER_DROP_NS`;
 * - rising above it: its next scan is a long interval from now;
 * - a rise while above (the first report of a connection): nothing changes.
 * The short-scan budget (`max_short_scans`) is not modelled.
 */
export const onSignalChange = (policy: RoamingPolicy, wasLow: boolean, low: boolean, lastScanNs: number, nowNs: number): SignalChangeStep => {
  if (low && !wasLow) {
    if (nowNs > lastScanNs + BGSCAN_RECENT_SCAN_NS) return { scanNow: true }
    return { scanNow: false, nextScanNs: lastScanNs + policy.longIntervalNs > nowNs + policy.shortIntervalNs ? nowNs + policy.shortIntervalNs : undefined }
  }
  if (low) return nowNs > lastScanNs + BGSCAN_FURTHER_DROP_NS ? { scanNow: true } : { scanNow: false, nextScanNs: undefined }
  return { scanNow: false, nextScanNs: wasLow ? nowNs + policy.longIntervalNs : undefined }
}

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
