/**
 * A vMAC's running average of its AP's beacon signal, and the signal-quality monitor its driver may
 * ask for (nl80211's connection-quality monitor, CQM: a threshold and a hysteresis). Linux 2.6.33, the
 * seed's kernel, had neither: both came to mac80211 in 2.6.35 (net/mac80211/mlme.c,
 * ieee80211_rx_mgmt_beacon), whose rules this follows. There mac80211 computes them on the host from
 * every beacon; here the card's firmware keeps them and interrupts only for a report, a modelling
 * choice (later cards offload the monitor so) that spares the host a wake-up per beacon:
 * - the average is an EWMA with weight 3/16 on each new beacon, the first beacon of a BSS seeding it;
 * - on each beacon the monitor reports "low" when the average is below the threshold and, after an
 *   earlier event, also more than the hysteresis below that event's average; "high" the same way
 *   above. So a signal that keeps falling is reported again each hysteresis further down, and the
 *   driver is not woken for every beacon.
 */
import { shareNumbers } from "../kernel/StableShapes.ts"

/**
 * Weight of a new beacon in the average: IEEE80211_SIGNAL_AVE_WEIGHT, 3 of 16 (Linux 2.6.35
 * net/mac80211/mlme.c; later kernels use 1/4, DECLARE_EWMA(beacon_signal, 4, 4)).
 */
export const BEACON_SIGNAL_WEIGHT = 3 / 16

/** What the driver asked to be told: the average past `thresholdDbm`, and each `hysteresisDb` beyond the last report. */
export interface SignalMonitor {
  readonly thresholdDbm: number
  readonly hysteresisDb: number
}

export interface BeaconSignal {
  /** The BSS the average is of (a new association starts a new average). */
  bssid: number
  averageDbm: number
  /** The average at the last event (NaN: none yet this association). */
  lastEventDbm: number
}

export const noBeaconSignal = (): BeaconSignal => ({ bssid: -1, averageDbm: Number.NaN, lastEventDbm: Number.NaN })
// A BSSID (48 bits, not a small integer) comes from the beacon: shared, not boxed anew (`shareNumbers`),
// and the field's form is the same in every world from the start.
shareNumbers(noBeaconSignal(), ["bssid"])

/** A monitor report: the average, and whether it is below the threshold (`low`) or above. */
export interface SignalEvent {
  readonly signalDbm: number
  readonly low: boolean
}

/**
 * A beacon of `bssid` heard at `signalDbm`: updates the average and returns the event the monitor
 * raises now, if any (none without a monitor).
 */
export const heardBeacon = (s: BeaconSignal, bssid: number, signalDbm: number, monitor: SignalMonitor | undefined): SignalEvent | undefined => {
  if (s.bssid !== bssid) {
    s.bssid = bssid
    s.averageDbm = signalDbm
    s.lastEventDbm = Number.NaN
  } else {
    s.averageDbm += BEACON_SIGNAL_WEIGHT * (signalDbm - s.averageDbm)
  }
  if (monitor === undefined) return undefined
  const { thresholdDbm, hysteresisDb } = monitor
  const avg = s.averageDbm
  const last = s.lastEventDbm
  const first = Number.isNaN(last)
  if (avg < thresholdDbm && (first || avg < last - hysteresisDb)) {
    s.lastEventDbm = avg
    return { signalDbm: avg, low: true }
  }
  if (avg > thresholdDbm && (first || avg > last + hysteresisDb)) {
    s.lastEventDbm = avg
    return { signalDbm: avg, low: false }
  }
  return undefined
}
