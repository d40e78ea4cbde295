/**
 * A vMAC's running average of its AP's beacon signal, and the signal-quality monitor its driver may
 * ask for. Both follow mac80211, here kept by the card's firmware as iwlwifi offloads them:
 * - the average is an EWMA with weight 1/4 on each new beacon (`ave_beacon_signal`,
 *   DECLARE_EWMA(beacon_signal, 4, 4), net/mac80211/ieee80211_i.h);
 * - the monitor (nl80211's connection-quality monitor, CQM: a threshold and a hysteresis) reports a
 *   "low" event when the average falls below threshold − hysteresis and a "high" event when it rises
 *   above threshold + hysteresis, each only after the other (or first), as net/mac80211/mlme.c does
 *   on each beacon. So the driver is not woken for every beacon.
 */
import { shareNumbers } from "../kernel/StableShapes.ts"

/** Weight of a new beacon in the average (mac80211: 1/4). */
export const BEACON_SIGNAL_WEIGHT = 1 / 4

/** What the driver asked to be told: crossings of `thresholdDbm`, with `hysteresisDb` either side. */
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

/** A monitor event: the average and which side of the threshold it crossed to. */
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
  const first = Number.isNaN(s.lastEventDbm)
  if (avg < thresholdDbm - hysteresisDb && (first || s.lastEventDbm >= thresholdDbm)) {
    s.lastEventDbm = avg
    return { signalDbm: avg, low: true }
  }
  if (avg > thresholdDbm + hysteresisDb && (first || s.lastEventDbm <= thresholdDbm)) {
    s.lastEventDbm = avg
    return { signalDbm: avg, low: false }
  }
  return undefined
}
