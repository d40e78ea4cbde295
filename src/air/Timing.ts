/**
 * MAC and PHY timing constants and frame-format sizes, per PHY.
 *
 * Band: everything is 2.4 GHz. That is the only band 802.11g exists in, and keeping 802.11n there
 * too means every station on a channel shares one slot, SIFS and DIFS. 802.11g is a pure-ERP BSS
 * (short slot, CWmin 15). 802.11n uses the HT PHY's 2.4 GHz values, which are the same numbers:
 * 9 µs slot, 10 µs SIFS, and 6 µs of signal extension after every OFDM PPDU. In 5 GHz the HT PHY
 * would use SIFS 16 µs and no signal extension (802.11-2020 Table 19-25).
 */
import type { PhyConfig } from "./PhyConfig.ts"
import { spatialStreams } from "./PhyConfig.ts"

/** The time unit (TU) of beacon intervals and other MAC timers: 1024 µs (802.11-2016 3.1, 9.4.1.3). */
export const TU_NS = 1_024_000

/** DCF parameters of one PHY. */
export interface Timings {
  /** aSlotTime. */
  readonly slotNs: number
  /** aSIFSTime. */
  readonly sifsNs: number
  /** DIFS = aSIFSTime + 2 × aSlotTime (802.11-2016 10.3.2.3.5). */
  readonly difsNs: number
  /** aCWmin, in slots. */
  readonly cwMin: number
  /** aCWmax, in slots. */
  readonly cwMax: number
  /** Idle time that ends every OFDM PPDU in 2.4 GHz (aSignalExtension). */
  readonly signalExtensionNs: number
  /**
   * aCCATime: how long a PHY takes to tell that a transmission has begun. A station whose slot boundary
   * falls less than this after another's transmission began cannot have sensed it, and sends too.
   */
  readonly ccaNs: number
}

/** ERP-OFDM in a pure-ERP BSS (802.11-2020 Table 18-5, ERP characteristics). */
export const ERP_TIMINGS: Timings = Object.freeze({
  slotNs: 9_000, // short slot time, allowed when every STA in the BSS is ERP (Table 18-5)
  sifsNs: 10_000, // aSIFSTime (Table 18-5)
  difsNs: 10_000 + 2 * 9_000, // 10.3.2.3.5
  cwMin: 15, // aCWmin for a BSS with only ERP STAs (Table 18-5)
  cwMax: 1023, // aCWmax (Table 18-5)
  signalExtensionNs: 6_000, // 18.3.2.4, ERP-OFDM PPDUs end with 6 µs of signal extension
  ccaNs: 4_000 // OFDM's aCCATime < 4 µs (Table 17-21): its bound taken as the window; aRxTxTurnaroundTime (< 2 µs) and propagation (< 1 µs indoors), which would widen it, left out (modelling choice)
})

/** HT PHY in the 2.4 GHz band (802.11-2020 Table 19-25, HT PHY characteristics). */
export const HT_TIMINGS: Timings = Object.freeze({
  slotNs: 9_000, // aSlotTime, 2.4 GHz short slot (Table 19-25)
  sifsNs: 10_000, // aSIFSTime, 2.4 GHz (Table 19-25)
  difsNs: 10_000 + 2 * 9_000, // 10.3.2.3.5
  cwMin: 15, // aCWmin (Table 19-25)
  cwMax: 1023, // aCWmax (Table 19-25)
  signalExtensionNs: 6_000, // aSignalExtension, 2.4 GHz (Table 19-25; 19.4.3 TXTIME)
  ccaNs: 4_000 // aCCATime < 4 µs (Table 19-25): its bound taken as the window; turnaround (< 2 µs) and propagation left out (modelling choice)
})

export const timingsFor = (cfg: PhyConfig): Timings => (cfg.standard === "802.11g" ? ERP_TIMINGS : HT_TIMINGS)

// ---- PHY preamble and header ---------------------------------------------------------------------

/** T_PREAMBLE: short + long training fields, 8 + 8 µs (802.11-2016 Table 17-5); L-STF + L-LTF for HT (802.11-2020 Table 19-6). */
export const OFDM_PREAMBLE_NS = 16_000
/** T_SIGNAL: the SIGNAL field, one BPSK 1/2 symbol (802.11-2016 Table 17-5); L-SIG for HT (802.11-2020 Table 19-6). */
export const OFDM_SIGNAL_NS = 4_000
/** Preamble + SIGNAL of every non-HT OFDM PPDU (ERP data frames, ACKs, BlockAcks). */
export const NON_HT_HEADER_NS = OFDM_PREAMBLE_NS + OFDM_SIGNAL_NS
/** T_HT-SIG: two symbols (802.11-2020 Table 19-6). */
export const HT_SIG_NS = 8_000
/** T_HT-STF in HT-mixed format (802.11-2020 Table 19-6). */
export const HT_STF_NS = 4_000
/** T_HT-LTF: one HT long training field (802.11-2020 Table 19-6). */
export const HT_LTF_NS = 4_000

/**
 * N_HT-DLTF, the HT-LTFs sent for `streams` space-time streams without STBC: 1, 2, 4, 4 for
 * 1, 2, 3, 4 streams (802.11-2016 19.3.9.4.6, HT-LTF definition). Three streams need four.
 */
export const htLtfCount = (streams: number): number => {
  if (streams === 1 || streams === 2) return streams
  if (streams === 3 || streams === 4) return 4
  throw new RangeError(`HT supports 1 to 4 spatial streams, not ${streams}`)
}

/**
 * Everything before the data symbols. ERP-OFDM: 16 µs preamble + 4 µs SIGNAL. HT-mixed:
 * L-STF + L-LTF + L-SIG (20 µs) + HT-SIG (8) + HT-STF (4) + 4 µs per HT-LTF (802.11-2016 19.4.3, TXTIME).
 */
export const preambleNs = (cfg: PhyConfig): number =>
  cfg.standard === "802.11g"
    ? NON_HT_HEADER_NS
    : NON_HT_HEADER_NS + HT_SIG_NS + HT_STF_NS + HT_LTF_NS * htLtfCount(spatialStreams(cfg))

/** SERVICE field at the start of the DATA field, in bits (802.11-2016 17.3.5.2). */
export const SERVICE_BITS = 16
/** Tail bits that flush each BCC encoder (802.11-2016 17.3.5.3; 6·N_ES for HT, equation 19-32). */
export const TAIL_BITS_PER_ENCODER = 6

// ---- MAC frame sizes -----------------------------------------------------------------------------

/** Ack frame: Frame Control 2 + Duration 2 + RA 6 + FCS 4 (802.11-2016 9.3.1.4). */
export const ACK_BYTES = 14
/** Compressed BlockAck: FC 2 + Duration 2 + RA 6 + TA 6 + BA Control 2 + SSC 2 + bitmap 8 + FCS 4 (802.11-2016 9.3.1.9.3). */
export const BLOCK_ACK_BYTES = 32
/** QoS Data MAC header: FC 2 + Duration 2 + 3 addresses 18 + Sequence Control 2 + QoS Control 2 (802.11-2016 9.3.2.1). */
export const QOS_DATA_HEADER_BYTES = 26
/** Frame check sequence, CRC-32 (802.11-2016 9.2.4.8). */
export const FCS_BYTES = 4
/** LLC/SNAP header in front of an IP packet: DSAP, SSAP, Control + OUI 3 + EtherType 2 (IETF RFC 1042). */
export const LLC_SNAP_BYTES = 8

/** MPDU delimiter in front of each A-MPDU subframe (802.11-2016 9.7.1). */
export const AMPDU_DELIMITER_BYTES = 4
/** Every A-MPDU subframe but the last is padded to a multiple of 4 bytes (802.11-2016 9.7.1). */
export const AMPDU_SUBFRAME_ALIGN_BYTES = 4
/** Largest HT A-MPDU: 2^(13 + 3) − 1 bytes, Maximum A-MPDU Length Exponent 3 (802.11-2016 9.4.2.56.3). */
export const MAX_AMPDU_BYTES = 65_535
/** MPDUs per A-MPDU: the 64-bit compressed BlockAck bitmap acknowledges at most 64 (802.11-2016 9.3.1.9.3). */
export const MAX_AMPDU_MPDUS = 64
/** Largest ERP-OFDM PSDU: aPSDUMaxLength, the 12-bit LENGTH of SIGNAL (802.11-2020 Table 18-5). */
export const MAX_ERP_PSDU_BYTES = 4_095
/**
 * Longest HT-mixed PPDU without its signal extension: L-SIG must describe it as a 6 Mbit/s frame
 * of at most 4095 bytes (802.11-2016 19.3.9.3.5), so 20 µs + 4 µs × ⌈(16 + 8 × 4095 + 6) / 24⌉
 * = 20 + 4 × 1366 = 5484 µs.
 */
export const MAX_HT_MIXED_PPDU_NS = 5_484_000
