/**
 * The guest's roaming logic within an ESS (several APs with one SSID), as wpa_supplicant does it
 * with its "simple" background-scan module and its reassociation rule:
 * - it asks the card to monitor the AP's beacon signal against a threshold (CQM, 4 dB hysteresis:
 *   bgscan_simple.c's `wpa_drv_signal_monitor(wpa_s, threshold, 4)`);
 * - it scans in the background every `shortIntervalNs` while the signal is below the threshold and
 *   every `longIntervalNs` above it, and at once when the signal falls below it (`onSignalChange`),
 *   but no more than a budget of short-interval scans in a row (`Bgscan`);
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

/**
 * The background scanner's state (bgscan_simple.c's `bgscan_simple_data`): which interval it scans
 * at, how much of its short-scan budget it has spent, and when it last scanned.
 */
export interface Bgscan {
  readonly short: boolean
  readonly shortScans: number
  readonly lastScanNs: number
}

/**
 * Short-interval scans in a row before it backs off to the long interval, the signal low or not:
 * bgscan_simple.c's `max_short_scans = long_interval / short_interval + 1` (whole seconds there).
 */
export const maxShortScans = (policy: RoamingPolicy): number => Math.floor(policy.longIntervalNs / policy.shortIntervalNs) + 1

/**
 * Its state on an association (`bgscan_simple_init`): the short interval if the signal is below the
 * threshold, else the long one; the budget whole; the association counts as a scan just made.
 */
export const bgscanStarted = (signalLow: boolean, nowNs: number): Bgscan => ({ short: signalLow, shortScans: 0, lastScanNs: nowNs })

/** How long to wait for the next background scan: its interval. */
export const backgroundScanIntervalNs = (policy: RoamingPolicy, b: Pick<Bgscan, "short">): number =>
  b.short ? policy.shortIntervalNs : policy.longIntervalNs

/**
 * It scans at `nowNs` (`bgscan_simple_timeout`): a scan at the short interval spends one of the
 * budget, and the last of it backs off to the long interval; a scan at the long interval gives one
 * back ("we lasted a long scan interval without any CQM triggers").
 */
export const bgscanScanned = (policy: RoamingPolicy, b: Bgscan, nowNs: number): Bgscan => {
  if (b.short) {
    const shortScans = b.shortScans + 1
    return { short: shortScans < maxShortScans(policy), shortScans, lastScanNs: nowNs }
  }
  return { short: false, shortScans: Math.max(0, b.shortScans - 1), lastScanNs: nowNs }
}

/**
 * A scan this recent keeps the signal's fall below the threshold from scanning again at once:
 * bgscan_simple.c scans on the fall if `now.sec > last_bgscan.sec + 1`, whole seconds (so 1 to 2 s
 * after it); modelled as 1 s.
 */
export const BGSCAN_RECENT_SCAN_NS = 1e9

/** A further fall (the monitor's next report, a hysteresis lower) scans if the last scan is older than this: bgscan_simple.c, `now.sec > last_bgscan.sec + 10`. */
export const BGSCAN_FURTHER_DROP_NS = 10e9

/**
 * What a signal report does to the background scans: its new state, and scan now, re-arm the next
 * scan at `nextScanNs`, or neither (undefined: the scan armed stays).
 */
export type SignalChangeStep =
  | { readonly bgscan: Bgscan; readonly scanNow: true }
  | { readonly bgscan: Bgscan; readonly scanNow: false; readonly nextScanNs: number | undefined }

/**
 * What the supplicant does when the signal monitor reports at `nowNs` (bgscan_simple.c,
 * `bgscan_simple_notify_signal_change`), by the interval it scans at, as that code goes:
 * - below the threshold at the long interval (a fall, or a further one after the budget ran out):
 *   the short interval, and a scan at once unless it scanned within `BGSCAN_RECENT_SCAN_NS` or has
 *   spent more than its budget; else its next scan comes forward to a short interval from now if
 *   that was due later;
 * - below at the short interval (a further fall): it scans if its last scan is older than
 *   `BGSCAN_FURTHER_DROP_NS`;
 * - above at the short interval: the long interval, its next scan a long interval from now;
 * - above at the long interval (the first report of a connection): nothing changes.
 */
export const onSignalChange = (policy: RoamingPolicy, b: Bgscan, low: boolean, nowNs: number): SignalChangeStep => {
  if (low && !b.short) {
    const bgscan = { ...b, short: true }
    if (nowNs > b.lastScanNs + BGSCAN_RECENT_SCAN_NS && b.shortScans <= maxShortScans(policy)) return { bgscan, scanNow: true }
    const due = b.lastScanNs + policy.longIntervalNs > nowNs + policy.shortIntervalNs
    return { bgscan, scanNow: false, nextScanNs: due ? nowNs + policy.shortIntervalNs : undefined }
  }
  if (low) return nowNs > b.lastScanNs + BGSCAN_FURTHER_DROP_NS ? { bgscan: b, scanNow: true } : { bgscan: b, scanNow: false, nextScanNs: undefined }
  if (b.short) return { bgscan: { ...b, short: false }, scanNow: false, nextScanNs: nowNs + policy.longIntervalNs }
  return { bgscan: b, scanNow: false, nextScanNs: undefined }
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
