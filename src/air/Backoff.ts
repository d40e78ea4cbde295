/**
 * DCF channel access: the contention window, the random backoff, the retry limits and the waits
 * before a count (802.11-2016 10.3.3 random backoff, 10.3.4.3 backoff procedure; who wins, on each
 * station's own slot grid, is `AirLogic.ts`'s). The caller owns
 * the randomness (`draw`), so the same seed gives the same contention.
 */
import { ackDurationNs } from "./Airtime.ts"
import { LOWEST_BASIC_RATE } from "./RateTable.ts"
import type { Timings } from "./Timing.ts"

/**
 * dot11ShortRetryLimit default, DEFVAL 7 (802.11-2016 Annex C): "the maximum number of transmission
 * attempts" of a frame sent without RTS/CTS, the first included; the frame is dropped when its retry
 * count reaches it (10.3.4.4). Linux counts it so (mac80211's short_frame_max_tx_count: "the number
 * of transmissions not the number of retries"). The model gave 8 attempts until 2026-12-03.
 */
export const SHORT_RETRY_LIMIT = 7
/** dot11LongRetryLimit default, DEFVAL 4 (802.11-2016 Annex C): transmission attempts of a frame protected by RTS/CTS. */
export const LONG_RETRY_LIMIT = 4

/** DCF's DIFS as an AIFS: aSIFSTime + 2 × aSlotTime (10.3.2.3.5). */
export const AIFSN_DCF = 2
/**
 * EDCA's best-effort access category, where a WMM link's data goes: AIFSN 3, CWmin aCWmin, CWmax
 * aCWmax (802.11-2016 Table 9-137, the default EDCA parameter set; hostapd's wmm_ac_be defaults).
 */
export const AIFSN_BEST_EFFORT = 3
/**
 * EDCA's voice access category, where a WMM station's management and EAPOL frames go (mac80211 sends
 * management frames at TID 7, `ieee80211_tx_skb`, and control-port frames at priority 7,
 * `__ieee80211_select_queue` in net/mac80211/wme.c; TID 7 maps to AC_VO, Table 10-1): AIFSN 2
 * (802.11-2016 Table 9-137, the default EDCA parameter set; hostapd's wmm_ac_vo defaults, and what the
 * model's AP advertises in its WMM Parameter element).
 */
export const AIFSN_VOICE = 2
/**
 * An AP's beacon queue: AIFSN 1 (AIFS = aSIFSTime + aSlotTime, PIFS), CWmin = CWmax = 0, so a beacon
 * bursts out the first slot the medium is idle at its TBTT, ahead of the AP's own queued frames and of
 * any retry of the frame it was sending. Hardware sends beacons from a queue of their own; these are
 * the parameters ath9k gives it for an AP ("Always burst out beacon and CAB traffic",
 * `ath9k_beaconq_config`, drivers/net/wireless/ath/ath9k/beacon.c). The standard leaves them to the
 * implementation (802.11-2016 11.1.3.2: at each TBTT a beacon is the next frame scheduled).
 */
export const AIFSN_BEACON = 1
export const BEACON_CW = 0

/** AIFS[AC] = aSIFSTime + AIFSN[AC] × aSlotTime (802.11-2016 10.22.2.4): the idle time before a backoff counts. */
export const aifsNs = (timings: Timings, aifsn: number): number => timings.sifsNs + aifsn * timings.slotNs

/**
 * EIFS = aSIFSTime + AckTxTime + DIFS (802.11-2016 10.3.2.3.7), under EDCA with AIFS[AC] in place of
 * DIFS (10.22.2.4): the idle time after a frame received in error. AckTxTime is an Ack at the lowest
 * rate: 6 Mbit/s in the model's pure-ERP BSS (`RateTable.LOWEST_BASIC_RATE`); a receiver that also
 * counts the DSSS rates would use the 1 Mbit/s Ack, 304 µs (modelling choice, labelled).
 */
export const eifsNs = (timings: Timings, aifsn: number): number => timings.sifsNs + ackDurationNs(LOWEST_BASIC_RATE) + aifsNs(timings, aifsn)

/** CWmin[AC_VO] = (aCWmin + 1)/4 − 1 (802.11-2016 Table 9-137): 3 slots for OFDM's aCWmin 15. */
export const voiceCwMin = (timings: Timings): number => (timings.cwMin + 1) / 4 - 1
/** CWmax[AC_VO] = (aCWmin + 1)/2 − 1 (802.11-2016 Table 9-137): 7 slots for OFDM's aCWmin 15. */
export const voiceCwMax = (timings: Timings): number => (timings.cwMin + 1) / 2 - 1

/**
 * CW for a new frame, and after a success or a drop: aCWmin (10.3.3), or CWmin[AC_VO] for the voice
 * EDCAF (`voice`; 10.22.2.2, CW[AC] from CWmin[AC]). Best effort's CWmin[AC_BE] is aCWmin (Table 9-137).
 */
export const initialCw = (timings: Timings, voice = false): number => (voice ? voiceCwMin(timings) : timings.cwMin)

/**
 * CW after a failed attempt (or an internal collision lost, 10.22.2.4): the next value of 2^n − 1,
 * i.e. 2·(CW + 1) − 1, capped at aCWmax (10.3.3), or at CWmax[AC_VO] for the voice EDCAF (10.22.2.2).
 */
export const nextCw = (cw: number, timings: Timings, voice = false): number =>
  Math.min(2 * (cw + 1) - 1, voice ? voiceCwMax(timings) : timings.cwMax)

/**
 * A backoff in slots, uniform over the integers 0..cw (10.3.3: Random() over [0, CW]), from `u`, a
 * uniform draw in [0, 1); a `u` outside it, or a negative or fractional `cw`, is a RangeError.
 */
export const backoffSlots = (u: number, cw: number): number => {
  if (!Number.isInteger(cw) || cw < 0) throw new RangeError(`contention window must be a non-negative integer, not ${cw}`)
  if (!(u >= 0 && u < 1)) throw new RangeError(`the draw must be a number in [0, 1), not ${u}`)
  return Math.floor(u * (cw + 1))
}
