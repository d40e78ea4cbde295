/**
 * An AP's watch over an associated station that has gone quiet, as hostapd keeps it (`ap_handle_timer`,
 * src/ap/sta_info.c): once nothing has come from the station, and nothing sent to it has been
 * acknowledged, for its maximum inactivity (`aps[].maxInactivitySeconds`, by default hostapd's
 * `ap_max_inactivity`, 300 s: AP_MAX_INACTIVITY, 5 × 60, src/ap/sta_info.h; the driver's inactive time: mac80211's
 * `ieee80211_sta_last_active` is the later of the last frame received and the last ACK), the AP polls
 * it with a null frame; still nothing `AP_DISASSOC_DELAY_NS` later (the poll unacknowledged), it
 * disassociates it (reason 4, inactivity), and `AP_DEAUTH_DELAY_NS` after that deauthenticates it
 * (reason 2) and forgets it. A station heard from meanwhile is looked at again when its inactive
 * time would run out. Without this an AP that missed a station's deauthentication, and had nothing to
 * send it, kept it for ever.
 * Plain functions; the AP actor holds the timers and sends the frames.
 */

/** After the poll, this long for an acknowledgement or any frame before disassociating: AP_DISASSOC_DELAY, 3 s (src/ap/sta_info.h). */
export const AP_DISASSOC_DELAY_NS = 3e9
/** From the disassociation to the deauthentication: AP_DEAUTH_DELAY, 1 s (src/ap/sta_info.h). */
export const AP_DEAUTH_DELAY_NS = 1e9
/**
 * hostapd adds `os_random() % 20` seconds to each later look, so that idle stations are not all polled
 * at once; the model spreads them by address instead, 0 to 19 s (a modelling choice: no random draw).
 */
const INACTIVITY_FUZZ_STEPS = 20
const INACTIVITY_FUZZ_STEP_NS = 1e9

export type InactivityStage = "poll" | "disassociate" | "deauthenticate"

/** A station's next look: what it may do, and when. */
export interface InactivityTimer {
  readonly next: InactivityStage
  readonly dueNs: number
}

/** What the AP does at a look. */
export type InactivityAction =
  /** The station was heard from or acknowledged since: look again when its inactive time would run out. */
  | { readonly _tag: "Rearm"; readonly timer: InactivityTimer }
  /** Inactive too long: poll it with a null frame, and look again shortly. */
  | { readonly _tag: "Poll"; readonly timer: InactivityTimer }
  /** The poll went unacknowledged and nothing came: disassociate it (reason 4), deauthenticate it later. */
  | { readonly _tag: "Disassociate"; readonly timer: InactivityTimer }
  /** Deauthenticate it (reason 2) and forget it. */
  | { readonly _tag: "Deauthenticate" }

/** The spread added to a station's later looks (`INACTIVITY_FUZZ_STEPS`). */
export const inactivityFuzzNs = (mac: number): number => (mac % INACTIVITY_FUZZ_STEPS) * INACTIVITY_FUZZ_STEP_NS

/** The first look, at association (hostapd arms it with `ap_max_inactivity`, no spread). */
export const firstLook = (associatedNs: number, maxInactivityNs: number): InactivityTimer => ({ next: "poll", dueNs: associatedNs + maxInactivityNs })

/**
 * A look due now at a station last active at `lastActiveNs`, whose timer said `next`
 * (`ap_handle_timer`'s STA_NULLFUNC, STA_DISASSOC and STA_DEAUTH), with the AP's maximum inactivity.
 */
export const inactivityStep = (next: InactivityStage, nowNs: number, lastActiveNs: number, maxInactivityNs: number, fuzzNs: number): InactivityAction => {
  if (next === "deauthenticate") return { _tag: "Deauthenticate" }
  if (nowNs - lastActiveNs < maxInactivityNs) {
    return { _tag: "Rearm", timer: { next: "poll", dueNs: lastActiveNs + maxInactivityNs + fuzzNs } }
  }
  if (next === "poll") return { _tag: "Poll", timer: { next: "disassociate", dueNs: nowNs + AP_DISASSOC_DELAY_NS } }
  return { _tag: "Disassociate", timer: { next: "deauthenticate", dueNs: nowNs + AP_DEAUTH_DELAY_NS } }
}
