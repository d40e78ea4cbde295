/**
 * What Minstrel needs of a rate's airtime: the expected medium time of one MPDU of an average packet
 * (its "perfect" transmission time), and how many attempts at it fit in a retry segment. Computed once
 * per rate from the model's own timings (`air/Airtime.ts`, `air/Timing.ts`).
 */
import { psduExchangeNs } from "../air/Airtime.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { timingsFor } from "../air/Timing.ts"

/** Average packet Minstrel times a rate with, bytes: AVG_PKT_SIZE, 1200 (net/mac80211/rc80211_minstrel_ht.c; 1200 in calc_rate_durations of rc80211_minstrel.c). */
export const AVERAGE_PACKET_BYTES = 1200
/** MPDUs of the average A-MPDU Minstrel-HT times an HT rate with: AVG_AMPDU_SIZE, 16 (net/mac80211/rc80211_minstrel_ht.c). */
export const AVERAGE_AMPDU_MPDUS = 16
/**
 * Medium time one frame may spend in one stage of the retry chain before falling back, ns:
 * segment_size, 6000 µs (net/mac80211/rc80211_minstrel.c, minstrel_alloc).
 */
export const RETRY_SEGMENT_NS = 6_000_000
/** Attempts at one stage at most: max_retry's safe default, 7 (rc80211_minstrel.c, minstrel_alloc). */
export const MAX_STAGE_TRIES = 7

/**
 * Expected medium time of one MPDU of `AVERAGE_PACKET_BYTES` at `phy` when it arrives, ns: one MPDU
 * and its Ack (802.11g), or its share of an A-MPDU of `AVERAGE_AMPDU_MPDUS` and the BlockAck (802.11n,
 * as minstrel_ht's MCS_DURATION divides the aggregate's time).
 */
export const perfectTxNs = (phy: PhyConfig): number =>
  phy.standard === "802.11n"
    ? psduExchangeNs(phy, AVERAGE_AMPDU_MPDUS * AVERAGE_PACKET_BYTES, true) / AVERAGE_AMPDU_MPDUS
    : psduExchangeNs(phy, AVERAGE_PACKET_BYTES, false)

/**
 * Attempts at `phy` that fit in `RETRY_SEGMENT_NS`, 1..MAX_STAGE_TRIES: each attempt costs the frame
 * with its SIFS and Ack (`perfectTxNs`, which holds them already) and, after the first, half the
 * contention window, which doubles from CWmin after each failure (the idea of minstrel_rate_init's
 * retry_count loop in rc80211_minstrel.c, on this model's timings: there the frame's time holds the
 * SIFS and the loop adds the Ack; here the Ack is in the frame's time, and counted once). Until
 * 2026-12-03 the Ack was added a second time per attempt: 18 Mbit/s got 5 tries, not 6.
 */
export const segmentTries = (phy: PhyConfig): number => {
  const t = timingsFor(phy)
  const attemptNs = perfectTxNs(phy)
  let cw = t.cwMin
  let spentNs = attemptNs
  let tries = 1
  while (tries < MAX_STAGE_TRIES) {
    spentNs += attemptNs + (t.slotNs * cw) / 2
    cw = Math.min(2 * cw + 1, t.cwMax)
    if (spentNs >= RETRY_SEGMENT_NS) break
    tries++
  }
  return tries
}
