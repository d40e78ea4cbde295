/**
 * The station's side of the 4-way handshake (IEEE 802.11-2016 12.7.6), as a vMAC runs it after a
 * successful association to an RSN: a pure step function on a plain state (the vMAC holds it).
 *
 * ```
 *   waiting ──msg 1──▶ (SNonce drawn, PTK derived, msg 2 sent) ──msg 3, MIC ok──▶ done (msg 4 sent, PTK installed)
 *                        ▲ msg 1 again: a new SNonce, msg 2 again            │ msg 3 again (msg 4 lost): msg 4 again, no reinstall
 * ```
 */
import { eapolKey, micValid, ptkOf } from "../vocabulary/Wpa.ts"
import type { EapolKey, Ptk } from "../vocabulary/Wpa.ts"

export interface Supplicant {
  /** The AP's address (AA) and the station's (SPA). */
  readonly aa: number
  readonly spa: number
  readonly pmk: Uint8Array
  /** The PTK derived from the last message 1 (undefined before one came). */
  readonly ptk: Ptk | undefined
  /** The last replay counter accepted from the AP (-1: none yet). */
  readonly replayCounter: number
  /** Message 3 verified and message 4 sent: the PTK is installed. */
  readonly done: boolean
}

export const start = (aa: number, spa: number, pmk: Uint8Array): Supplicant => ({ aa, spa, pmk, ptk: undefined, replayCounter: -1, done: false })

/** What one received EAPOL-Key frame does. */
export interface SupplicantStep {
  readonly state: Supplicant
  /** The answer to send, if any. */
  readonly send: EapolKey | undefined
  /** `accepted` (taken by the handshake), `replayed` (an old replay counter), `bad-mic` (not the PTK's), `unexpected`. */
  readonly verdict: "accepted" | "replayed" | "bad-mic" | "unexpected"
  /** The PTK to install now (the first valid message 3 only). */
  readonly install: Ptk | undefined
}

const ignore = (state: Supplicant, verdict: SupplicantStep["verdict"]): SupplicantStep => ({ state, send: undefined, verdict, install: undefined })

/** The station receives `k` from its AP; `snonce` draws a fresh SNonce. */
export const receive = (s: Supplicant, k: EapolKey, snonce: () => Uint8Array): SupplicantStep => {
  if (k.replayCounter <= s.replayCounter) return ignore(s, "replayed")
  switch (k.message) {
    case 1: {
      // 12.7.6.2/3: a new SNonce and PTK for each message 1 (the AP may have restarted the handshake).
      if (s.done) return ignore(s, "unexpected")
      const sn = snonce()
      const ptk = ptkOf(s.pmk, s.aa, s.spa, k.nonce, sn)
      // Message 2: the SNonce and the station's RSN element, under a MIC with the new KCK.
      return { state: { ...s, ptk, replayCounter: k.replayCounter }, send: eapolKey(2, k.replayCounter, sn, new Uint8Array(0), ptk.kck), verdict: "accepted", install: undefined }
    }
    case 3: {
      // 12.7.6.4: the MIC must verify under the PTK of this handshake, else the frame is discarded.
      if (s.ptk === undefined) return ignore(s, "unexpected")
      if (!micValid(s.ptk.kck, k)) return ignore(s, "bad-mic")
      const send = eapolKey(4, k.replayCounter, undefined, new Uint8Array(0), s.ptk.kck)
      // A repeated message 3 (message 4 was lost) is answered again but never reinstalls the key.
      return { state: { ...s, replayCounter: k.replayCounter, done: true }, send, verdict: "accepted", install: s.done ? undefined : s.ptk }
    }
    default:
      return ignore(s, "unexpected")
  }
}
