/**
 * What Minstrel needs of a rate's airtime: the expected medium time of one MPDU of an average packet
 * (its "perfect" transmission time), and how many attempts at it fit in a retry segment. Computed once
 * per rate from the model's own timings (`air/Airtime.ts`, `air/Timing.ts`).
 */
import { ppduDurationNs, psduExchangeNs } from "../air/Airtime.ts"
import { LOWEST_BASIC_RATE } from "../air/RateTable.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { FCS_BYTES, timingsFor } from "../air/Timing.ts"

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

/** A microsecond: minstrel counts in µs (and adds a window's slot count as µs, below). */
const NS_PER_US = 1000
/** The frame mac80211 times an Ack as: 10 bytes before the FCS (rc80211_minstrel.c, calc_rate_durations). */
const MINSTREL_ACK_BYTES = 10

/**
 * mac80211's ieee80211_frame_duration for an ERP-OFDM frame of `bytes` before its FCS: the PPDU with
 * its signal extension, and the SIFS before it ("SIFS + signal ext", net/mac80211/util.c).
 */
// mac80211 times a frame with its FCS: ieee80211_frame_duration's `len + 4`.
const frameDurationNs = (phy: PhyConfig, bytes: number): number => timingsFor(phy).sifsNs + ppduDurationNs(phy, bytes + FCS_BYTES)

/**
 * The time Minstrel ranks a rate by, ns. 802.11g: mac80211's perfect_tx_time, the frame duration of
 * `AVERAGE_PACKET_BYTES` (calc_rate_durations in Linux 2.6.33's rc80211_minstrel.c), which leaves
 * the Ack out: cur_tp = probability / perfect_tx_time. 802.11n: an MPDU's share of an A-MPDU of
 * `AVERAGE_AMPDU_MPDUS` with its BlockAck (as minstrel_ht's MCS_DURATION divides the aggregate's time).
 */
export const perfectTxNs = (phy: PhyConfig): number =>
  phy.standard === "802.11n" ? averageAggregateNs(phy) / AVERAGE_AMPDU_MPDUS : frameDurationNs(phy, AVERAGE_PACKET_BYTES)

/** An A-MPDU of `AVERAGE_AMPDU_MPDUS` average packets and its BlockAck. */
const averageAggregateNs = (phy: PhyConfig): number => psduExchangeNs(phy, AVERAGE_AMPDU_MPDUS * AVERAGE_PACKET_BYTES, true)

/**
 * Attempts at `phy` that fit in `RETRY_SEGMENT_NS`, 1..MAX_STAGE_TRIES, as the drivers compute them.
 *
 * 802.11g: minstrel_rate_init in Linux 2.6.33's rc80211_minstrel.c. The first attempt costs the
 * frame and an Ack at the lowest rate (sp_ack_dur); each retry the frame, an Ack timed at the
 * frame's own rate (ack_time) and `t_slot + min(cw, cw_max)` microseconds, the window's slot count
 * added as microseconds, as that source has it (later kernels add half the window in slots).
 *
 * 802.11n: minstrel_calc_retransmit of Minstrel-HT (which came after 2.6.35): every attempt costs
 * the whole average aggregate with its BlockAck; the first two are always allowed, with half their
 * windows in slots, and each further one adds half its window.
 *
 * Until 2026-12-03 the Ack was counted twice per 802.11g attempt and an 802.11n attempt cost one
 * MPDU's share of the aggregate: HT chains were far longer than the segment allows.
 */
export const segmentTries = (phy: PhyConfig): number => phy.standard === "802.11n" ? htSegmentTries(phy) : erpSegmentTries(phy)

const erpSegmentTries = (phy: PhyConfig): number => {
  const t = timingsFor(phy)
  const frameNs = perfectTxNs(phy)
  const retryNs = frameNs + frameDurationNs(phy, MINSTREL_ACK_BYTES)
  let spentNs = frameNs + frameDurationNs(LOWEST_BASIC_RATE, MINSTREL_ACK_BYTES)
  let cw = t.cwMin
  let tries = 1
  while (true) {
    spentNs += retryNs + t.slotNs + Math.min(cw, t.cwMax) * NS_PER_US
    cw = 2 * cw + 1
    if (!(spentNs < RETRY_SEGMENT_NS) || !(++tries < MAX_STAGE_TRIES)) return tries
  }
}

const htSegmentTries = (phy: PhyConfig): number => {
  const t = timingsFor(phy)
  const attemptNs = averageAggregateNs(phy)
  // (t_slot × cw) >> 1 in whole microseconds, as minstrel_calc_retransmit computes it.
  const halfWindowNs = (w: number): number => Math.floor(((t.slotNs / NS_PER_US) * w) / 2) * NS_PER_US
  let cw = t.cwMin
  let spentNs = halfWindowNs(cw)
  cw = Math.min(2 * cw + 1, t.cwMax)
  spentNs += halfWindowNs(cw) + 2 * attemptNs
  cw = Math.min(2 * cw + 1, t.cwMax)
  let tries = 2
  while (true) {
    spentNs += halfWindowNs(cw) + attemptNs
    cw = Math.min(2 * cw + 1, t.cwMax)
    if (!(spentNs < RETRY_SEGMENT_NS) || !(++tries < MAX_STAGE_TRIES)) return tries
  }
}
