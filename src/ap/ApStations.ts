/**
 * An AP's table of stations and the decisions it makes on it: who is authenticated and associated,
 * who dozes (from the PM bit of its frames, 802.11-2016 11.2.3.2), who has stopped acknowledging, and on
 * an RSN each station's 4-way handshake and installed pairwise key.
 * Plain functions on a plain table (the AP actor holds it); no messages, no time of their own.
 */
import { BROADCAST, Status } from "../vocabulary/Frame.ts"
import type { InactivityTimer } from "./ApInactivity.ts"
import type { Authenticator } from "./WpaAuthenticator.ts"

export interface StationTable {
  readonly authenticated: Set<number>
  readonly associated: Set<number>
  /** Stations whose last frame had the PM bit set, and since when: the air holds the AP's frames for them. */
  readonly dozing: Map<number, number>
  /** Per station: since when every frame sent to it has failed (absent: the last one got through). */
  readonly failingSince: Map<number, number>
  /** RSN: each associated station's 4-way handshake (12.7.6), while it runs and after. */
  readonly handshakes: Map<number, Authenticator>
  /** RSN: the pairwise key installed per station (`Ptk.id`): its data frames must carry it, and the AP's to it do. */
  readonly keys: Map<number, number>
  /** Per associated station: when a frame last came from it or one sent to it was acknowledged (`ApInactivity.ts`). */
  readonly lastActive: Map<number, number>
  /** Per station: its inactivity timer's next look (`ApInactivity.ts`); a look that finds another was armed since is stale. */
  readonly inactivity: Map<number, InactivityTimer>
}

export const emptyTable = (): StationTable => ({
  authenticated: new Set(), associated: new Set(), dozing: new Map(), failingSince: new Map(), handshakes: new Map(), keys: new Map(),
  lastActive: new Map(), inactivity: new Map()
})

/** What the AP's network is: its SSID and, for WPA2-PSK, its passphrase. */
export interface Network {
  readonly ssid: string
  readonly passphrase: string | undefined
}

/** Open System authentication (always granted): the station starts over, any association (and key) it had ends. */
export const authenticate = (t: StationTable, mac: number): void => {
  t.associated.delete(mac)
  t.handshakes.delete(mac)
  t.keys.delete(mac)
  t.lastActive.delete(mac)
  t.inactivity.delete(mac)
  t.authenticated.add(mac)
}

/**
 * An association request: granted (status 0) to an authenticated station asking for this SSID;
 * refused (1, unspecified) otherwise. On an RSN the passphrase is not looked at here: the 4-way
 * handshake that follows proves it (`WpaAuthenticator.ts`).
 */
export const associate = (t: StationTable, mac: number, ssid: string | undefined, network: Network): number => {
  if (!t.authenticated.has(mac) || ssid !== network.ssid) return Status.Unspecified
  t.associated.add(mac)
  t.handshakes.delete(mac)
  t.keys.delete(mac)
  return Status.Success
}

/**
 * Whether the AP takes a data frame from associated station `mac`: on an open network always; on an
 * RSN only a protected frame under the station's installed key (802.1X's port is closed until the
 * handshake ends, 12.7.6). (Null-data frames carry no body, are never protected, and are not asked about.)
 */
export const acceptsData = (t: StationTable, rsn: boolean, mac: number, f: { readonly protected: boolean; readonly keyId: number }): boolean => {
  if (!rsn) return true
  const key = t.keys.get(mac)
  return key !== undefined && f.protected && f.keyId === key
}

/** The station is gone (deauthenticated, kicked out, AP off): forgets it and its key. Returns whether it was associated. */
export const forget = (t: StationTable, mac: number): boolean => {
  const was = t.associated.delete(mac)
  t.authenticated.delete(mac)
  t.failingSince.delete(mac)
  t.handshakes.delete(mac)
  t.keys.delete(mac)
  t.lastActive.delete(mac)
  t.inactivity.delete(mac)
  return was
}

/** The PM bit of a frame from an associated station at `nowNs`; returns whether its doze state changed. */
export const notePowerManagement = (t: StationTable, mac: number, pm: boolean, nowNs: number): boolean => {
  if (pm === t.dozing.has(mac)) return false
  if (pm) t.dozing.set(mac, nowNs)
  else t.dozing.delete(mac)
  return true
}

/**
 * Whether the power-save frames held for `mac` must be looked at now for expiry: it has dozed,
 * without a break since `since`, for at least `expireNs` (mac80211 expires buffered frames by age).
 * Compared as `since + expireNs`, the sum its timer was set for: virtual times are doubles with
 * fractions of a ns, and `nowNs − since` can come out a hair under `expireNs` at that very timer
 * (68,973,102,342.29248 − 58,973,102,342.292485 = 9,999,999,999.999996), which left the check
 * undone and the buffer never expired (roaming-walk.json, seed 7: 512 frames held to the end).
 */
export const psBufferDue = (t: StationTable, mac: number, since: number, nowNs: number, expireNs: number): boolean =>
  t.dozing.get(mac) === since && nowNs >= since + expireNs

/**
 * How frames the AP sent went (an acknowledged one is its receiver's activity); returns the associated
 * stations to which nothing has got through for `kickoutNs` (hostapd kicks out a station that stopped
 * acknowledging).
 */
export const noteSent = (
  t: StationTable,
  delivered: ReadonlyArray<{ readonly dst: number }>,
  dropped: ReadonlyArray<{ readonly dst: number }>,
  nowNs: number,
  kickoutNs: number
): ReadonlyArray<number> => {
  let gone: Array<number> | undefined
  for (let i = 0; i < delivered.length; i++) {
    const dst = delivered[i]!.dst
    if (dst === BROADCAST) continue
    t.failingSince.delete(dst)
    // Acknowledged: the station is there (mac80211 counts the last ACK as activity).
    if (t.lastActive.has(dst)) t.lastActive.set(dst, nowNs)
  }
  for (let i = 0; i < dropped.length; i++) {
    const dst = dropped[i]!.dst
    if (dst === BROADCAST || !t.associated.has(dst)) continue
    const since = t.failingSince.get(dst)
    if (since === undefined) t.failingSince.set(dst, nowNs)
    else if (nowNs - since >= kickoutNs && !(gone ??= []).includes(dst)) gone.push(dst)
  }
  return gone ?? NONE_GONE
}

/** No station to kick out (the answer of almost every call, shared). */
const NONE_GONE: ReadonlyArray<number> = Object.freeze([])
