/**
 * The AP's side of the 4-way handshake (IEEE 802.11-2016 12.7.6) with one station, as hostapd's
 * authenticator runs it (`src/ap/wpa_auth.c`): a pure state (the AP's station entry holds it) and
 * step functions. Each message it sends takes the next replay counter; one that is not answered is
 * sent again after `EAPOL_TIMEOUT_FIRST_NS` (its first send), then every `EAPOL_TIMEOUT_NS`, `MAX_EAPOL_TRIES` sends in
 * all, after which the station is deauthenticated with reason 15.
 *
 * ```
 *   start ──▶ msg 1 sent ──msg 2, MIC ok──▶ msg 3 sent ──msg 4, MIC ok──▶ done (PTK installed)
 *               │ msg 2, bad MIC: deauthenticate (14)   │ no answer after MAX_EAPOL_TRIES sends: deauthenticate (15)
 * ```
 */
import { Reason } from "../vocabulary/Frame.ts"
import { eapolKey, micValid, ptkOf } from "../vocabulary/Wpa.ts"
import type { EapolKey, Ptk } from "../vocabulary/Wpa.ts"

/** hostapd's `eapol_key_timeout_first` (100 ms, after a message's first send) and `eapol_key_timeout_subseq` (1000 ms) (wpa_auth.c). */
export const EAPOL_TIMEOUT_FIRST_NS = 100_000_000
export const EAPOL_TIMEOUT_NS = 1_000_000_000
/** hostapd's `dot11RSNAConfigPairwiseUpdateCount`: sends of message 1 or 3 before giving up (wpa_auth.c). */
export const MAX_EAPOL_TRIES = 4

/** Reason codes of its deauthentications: 14 and 15 of 802.11's (`vocabulary/Frame.ts`'s `Reason`). */
export { Reason }

export interface Authenticator {
  readonly aa: number
  readonly spa: number
  readonly anonce: Uint8Array
  /** The message it waits to have answered: 1 or 3; `done` once message 4 verified. */
  readonly stage: 1 | 3 | "done"
  /** The replay counter of the last message sent. */
  readonly replayCounter: number
  /** Sends of the current message so far. */
  readonly tries: number
  readonly ptk: Ptk | undefined
  /** The group key message 3 hands over. */
  readonly gtk: Uint8Array
}

/** What a step decides. */
export interface AuthenticatorStep {
  readonly state: Authenticator
  /** A message to send (and arm the retransmission timer for, unless the handshake is done). */
  readonly send: EapolKey | undefined
  /** `accepted`, or why the frame was not: `bad-mic`, `replayed` (not the counter of the message it waits for), `unexpected`. */
  readonly verdict: "accepted" | "bad-mic" | "replayed" | "unexpected"
  /** Deauthenticate the station with this reason (the handshake failed). */
  readonly deauthenticate: number | undefined
  /** The PTK to install now (message 4 verified). */
  readonly install: Ptk | undefined
}

/** After a successful association to the RSN: message 1 with a fresh ANonce. */
export const start = (aa: number, spa: number, anonce: Uint8Array, gtk: Uint8Array): AuthenticatorStep => {
  const state: Authenticator = { aa, spa, anonce, stage: 1, replayCounter: 1, tries: 1, ptk: undefined, gtk }
  return { state, send: eapolKey(1, 1, anonce, new Uint8Array(0), undefined), verdict: "accepted", deauthenticate: undefined, install: undefined }
}

const step = (state: Authenticator, verdict: AuthenticatorStep["verdict"], extra: Partial<AuthenticatorStep> = {}): AuthenticatorStep => ({
  state, send: undefined, verdict, deauthenticate: undefined, install: undefined, ...extra
})

/** The AP receives `k` from the station; `pmk` is the network's. */
export const receive = (a: Authenticator, k: EapolKey, pmk: Uint8Array): AuthenticatorStep => {
  // 12.7.6.3/5: the station echoes the replay counter of the message it answers.
  if (k.replayCounter !== a.replayCounter) return step(a, "replayed")
  if (a.stage === 1 && k.message === 2) {
    const ptk = ptkOf(pmk, a.aa, a.spa, a.anonce, k.nonce)
    // A wrong passphrase shows here: the station's KCK is not the one the network's PMK gives.
    if (!micValid(ptk.kck, k)) return step(a, "bad-mic", { deauthenticate: Reason.MicFailure })
    const replayCounter = a.replayCounter + 1
    const send = eapolKey(3, replayCounter, a.anonce, a.gtk, ptk.kck)
    return step({ ...a, stage: 3, ptk, replayCounter, tries: 1 }, "accepted", { send })
  }
  if (a.stage === 3 && k.message === 4 && a.ptk !== undefined) {
    if (!micValid(a.ptk.kck, k)) return step(a, "bad-mic")
    return step({ ...a, stage: "done" }, "accepted", { install: a.ptk })
  }
  return step(a, "unexpected")
}

/** The retransmission timer of the message it waits on: send it again, or give up (reason 15). */
export const timedOut = (a: Authenticator): AuthenticatorStep => {
  if (a.stage === "done") return step(a, "accepted")
  if (a.tries >= MAX_EAPOL_TRIES) return step(a, "accepted", { deauthenticate: Reason.HandshakeTimeout })
  const replayCounter = a.replayCounter + 1
  const send = a.stage === 1
    ? eapolKey(1, replayCounter, a.anonce, new Uint8Array(0), undefined)
    : eapolKey(3, replayCounter, a.anonce, a.gtk, a.ptk!.kck)
  return step({ ...a, replayCounter, tries: a.tries + 1 }, "accepted", { send })
}

/** How long to wait for the answer to the message just sent (its `tries`-th send). */
export const timeoutNs = (a: Authenticator): number => (a.tries === 1 ? EAPOL_TIMEOUT_FIRST_NS : EAPOL_TIMEOUT_NS)
