/**
 * An AP's side of power save (802.11-2016 11.2.3): the Association ID it gives each station, how many
 * frames it has queued for each (the air holds those of a dozing station: `Station.holdsFor`), the
 * TIM each beacon carries and the DTIM count; and U-APSD (11.2.3.5, 11.2.3.6): the stations that
 * asked for it at association, with their Max SP Length, and the service period each has under way.
 * Plain functions on a plain record the AP actor holds.
 *
 * A U-APSD station's service period: a trigger frame (a QoS data or QoS Null frame with PM=1 from the
 * station already in power save) starts one unless one is under way; the AP lets up to Max SP Length
 * held frames go, the last with EOSP (or a QoS Null with EOSP when it holds none); it ends when that
 * frame is sent or given up, or when the station leaves power save.
 */
import { MAX_AID, makeTim } from "../vocabulary/Tim.ts"
import type { Tim } from "../vocabulary/Tim.ts"

export interface PsBuffer {
  /** Station → its Association ID (9.4.1.8), 1..2007, given at association. */
  readonly aids: Map<number, number>
  /** Station → frames the AP has queued for it and not yet seen sent or dropped. */
  readonly queued: Map<number, number>
  /** Beacons until the next DTIM. */
  dtimCount: number
  /** Station → its Max SP Length (0: all), for the stations whose association asked for U-APSD. */
  readonly uapsd: Map<number, number>
  /**
   * Station → its service period under way: the id of the frame with EOSP that ends it, or
   * `SP_STARTING` while the air has not yet said which frame that is.
   */
  readonly servicePeriods: Map<number, number>
  /**
   * Station → the id of the farewell (deauthentication or disassociation) held for it: a station told
   * it is gone while it dozes keeps its AID, TIM bit and power save until that frame is out (`departing`).
   */
  readonly departures: Map<number, number>
}

/**
 * How long a departing station's entry outlives its farewell when no TX status comes: hostapd removes
 * the station from the driver on the deauthentication's TX status, or 2 s after it was sent when the
 * driver reports such statuses (`ap_sta_deauth_cb_timeout`, src/ap/sta_info.c; nl80211 drivers do).
 */
export const FAREWELL_TIMEOUT_NS = 2_000_000_000

/** A service period started, its last frame not yet known. */
export const SP_STARTING = -1

export const emptyPsBuffer = (): PsBuffer => ({ aids: new Map(), queued: new Map(), dtimCount: 0, uapsd: new Map(), servicePeriods: new Map(), departures: new Map() })

/** The smallest AID no associated station holds (hostapd hands them out so); 0 when none is left. */
export const assignAid = (b: PsBuffer, mac: number): number => {
  const existing = b.aids.get(mac)
  if (existing !== undefined) return existing
  const used = new Set(b.aids.values())
  for (let aid = 1; aid <= MAX_AID; aid++) {
    if (!used.has(aid)) {
      b.aids.set(mac, aid)
      return aid
    }
  }
  return 0
}

/** The station is gone: its AID, its U-APSD and any service period or farewell of it go. */
export const forgetStation = (b: PsBuffer, mac: number): void => {
  b.aids.delete(mac)
  b.uapsd.delete(mac)
  b.servicePeriods.delete(mac)
  b.departures.delete(mac)
}

/**
 * `mac`, dozing, is no longer associated and its farewell `frameId` is held for it: a Deauthentication
 * or Disassociation is a bufferable management frame (802.11-2016 11.2.3.1, mac80211's
 * `ieee80211_is_bufferable_mmpdu`), so its AID stays in the TIM until the station fetches it.
 */
export const departing = (b: PsBuffer, mac: number, frameId: number): void => {
  b.departures.set(mac, frameId)
}

/** Whether `mac` is departing: its power save still counts, though it is not associated. */
export const isDeparting = (b: PsBuffer, mac: number): boolean => b.departures.has(mac)

/** Whether frame `frameId` to `mac` is its farewell: once it is out or given up, the station goes. */
export const isFarewell = (b: PsBuffer, mac: number, frameId: number): boolean => b.departures.get(mac) === frameId

/** Its association asked for U-APSD with `maxSpLength` (undefined: it did not: legacy power save). */
export const noteUapsd = (b: PsBuffer, mac: number, maxSpLength: number | undefined): void => {
  if (maxSpLength === undefined) b.uapsd.delete(mac)
  else b.uapsd.set(mac, maxSpLength)
}

/**
 * A frame from `mac` with the PM bit `pm`; `wasDozing`: in power save before it. A QoS data or QoS
 * Null frame (`qosData`) with PM=1 from a U-APSD station in power save is a trigger frame (11.2.3.5):
 * it starts a service period unless one is under way. Returns whether it did.
 */
export const trigger = (b: PsBuffer, mac: number, qosData: boolean, wasDozing: boolean, pm: boolean): boolean => {
  if (!qosData || !wasDozing || !pm || !b.uapsd.has(mac) || b.servicePeriods.has(mac)) return false
  b.servicePeriods.set(mac, SP_STARTING)
  return true
}

/** The most frames the service period of `mac` may bring (0: all it holds). */
export const maxSpLengthOf = (b: PsBuffer, mac: number): number => b.uapsd.get(mac) ?? 0

/** The frame with EOSP that ends the starting service period of `mac` is `frameId`. False: none is starting (it ended meanwhile). */
export const servicePeriodEndsWith = (b: PsBuffer, mac: number, frameId: number): boolean => {
  if (b.servicePeriods.get(mac) !== SP_STARTING) return false
  b.servicePeriods.set(mac, frameId)
  return true
}

/** A frame to `mac` with EOSP was sent or given up: its service period is over if that frame ended it. */
export const eospDone = (b: PsBuffer, mac: number, frameId: number): void => {
  if (b.servicePeriods.get(mac) === frameId) b.servicePeriods.delete(mac)
}

/** `mac` left power save (PM=0): no service period goes on. */
export const awake = (b: PsBuffer, mac: number): void => {
  b.servicePeriods.delete(mac)
}

/** Frames to `dst` were queued (`delta` > 0) or are done (sent or dropped, `delta` < 0). */
export const noteQueued = (b: PsBuffer, dst: number, delta: number): void => {
  const n = (b.queued.get(dst) ?? 0) + delta
  if (n > 0) b.queued.set(dst, n)
  else b.queued.delete(dst)
}

export const queuedFor = (b: PsBuffer, mac: number): number => b.queued.get(mac) ?? 0

/**
 * The TIM of the next beacon: the AIDs of the dozing stations it holds frames for. Advances the DTIM
 * count. (The model's APs send no group-addressed data, so nothing is buffered for after a DTIM.)
 */
export const nextTim = (b: PsBuffer, dozing: ReadonlyMap<number, number>, dtimPeriod: number): Tim => {
  const aids: Array<number> = []
  for (const mac of dozing.keys()) {
    const aid = b.aids.get(mac)
    if (aid !== undefined && queuedFor(b, mac) > 0) aids.push(aid)
  }
  const tim = makeTim(aids, b.dtimCount, dtimPeriod)
  b.dtimCount = b.dtimCount === 0 ? dtimPeriod - 1 : b.dtimCount - 1
  return tim
}
