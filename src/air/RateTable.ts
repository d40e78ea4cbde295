/**
 * Data rates, and the rate ladders that rate control steps through.
 *
 * A rate is N_DBPS (data bits per OFDM symbol) over the symbol duration. N_DBPS comes from the
 * standard's tables: 802.11-2016 Table 17-4 for ERP-OFDM, and the HT MCS tables 19-27..19-33 for
 * 802.11n (52 data subcarriers at 20 MHz, 108 at 40 MHz). A symbol lasts 4 µs, or 3.6 µs with the
 * HT short guard interval. Ladders are built once at load, so every lookup here is allocation-free.
 */
import type { ErpPhy, ErpRateMbps, HtPhy, PhyConfig } from "./PhyConfig.ts"

/** T_SYM, OFDM symbol with the 800 ns guard interval (802.11-2016 Table 17-5; 802.11-2020 Table 19-6). */
export const LONG_GI_SYMBOL_NS = 4_000
/** T_SYMS, HT symbol with the 400 ns short guard interval (802.11-2020 Table 19-6). */
export const SHORT_GI_SYMBOL_NS = 3_600

const ERP_RATES: ReadonlyArray<ErpRateMbps> = [6, 9, 12, 18, 24, 36, 48, 54]

/** ERP-OFDM N_DBPS by rate (802.11-2016 Table 17-4, "Modulation-dependent parameters"). */
const ERP_NDBPS: Readonly<Record<number, number>> = { 6: 24, 9: 36, 12: 48, 18: 72, 24: 96, 36: 144, 48: 192, 54: 216 }

/** Position of each ERP rate in its ladder. */
const ERP_INDEX: Readonly<Record<number, number>> = { 6: 0, 9: 1, 12: 2, 18: 3, 24: 4, 36: 5, 48: 6, 54: 7 }

/**
 * HT N_DBPS by MCS 0–23 at 20 MHz: 802.11-2016 Table 19-27 (1 stream), 19-28 (2), 19-29 (3).
 * Equal modulation, so each stream-row is the one-stream row times N_SS.
 */
const HT20_NDBPS: ReadonlyArray<number> = [
  26, 52, 78, 104, 156, 208, 234, 260,
  52, 104, 156, 208, 312, 416, 468, 520,
  78, 156, 234, 312, 468, 624, 702, 780
]

/** HT N_DBPS by MCS 0–23 at 40 MHz: 802.11-2016 Table 19-31 (1 stream), 19-32 (2), 19-33 (3). */
const HT40_NDBPS: ReadonlyArray<number> = [
  54, 108, 162, 216, 324, 432, 486, 540,
  108, 216, 324, 432, 648, 864, 972, 1080,
  162, 324, 486, 648, 972, 1296, 1458, 1620
]

/**
 * Non-HT reference rate of HT MCS (mcs mod 8): the ERP-OFDM rate with the same modulation and
 * code rate; 64-QAM 5/6 maps to 54 (802.11-2012 9.7.9 and Table 9-5; 10.7 in 802.11-2016).
 */
const NON_HT_REFERENCE_MBPS: ReadonlyArray<ErpRateMbps> = [6, 12, 18, 24, 36, 48, 54, 54]

const invalid = (cfg: PhyConfig): RangeError => new RangeError(`invalid PHY configuration ${JSON.stringify(cfg)}`)

const htNdbps = (cfg: HtPhy): number => {
  const n = (cfg.channelWidthMhz === 40 ? HT40_NDBPS : cfg.channelWidthMhz === 20 ? HT20_NDBPS : undefined)?.[cfg.mcs]
  if (n === undefined) throw invalid(cfg)
  return n
}

/** N_DBPS: data bits per OFDM symbol, all streams together (the same for both guard intervals). */
export const bitsPerSymbol = (cfg: PhyConfig): number => {
  if (cfg.standard === "802.11n") return htNdbps(cfg)
  const n = ERP_NDBPS[cfg.rateMbps]
  if (n === undefined) throw invalid(cfg)
  return n
}

/** OFDM symbol duration: 4 µs, or 3.6 µs for HT with the short guard interval. */
export const symbolDurationNs = (cfg: PhyConfig): number =>
  cfg.standard === "802.11n" && cfg.guardInterval === "short" ? SHORT_GI_SYMBOL_NS : LONG_GI_SYMBOL_NS

/** PHY data rate in Mbit/s: N_DBPS / symbol duration. */
export const dataRateMbps = (cfg: PhyConfig): number => (bitsPerSymbol(cfg) * 1_000) / symbolDurationNs(cfg)

/**
 * N_ES, the number of BCC encoders. The HT MCS tables use two exactly where the long-GI rate
 * exceeds 300 Mbit/s (N_DBPS > 1200: HT40 MCS 21–23, 802.11-2016 Table 19-33); otherwise one.
 */
export const encoderCount = (cfg: PhyConfig): number => (bitsPerSymbol(cfg) > 1_200 ? 2 : 1)

// ---- Ladders -------------------------------------------------------------------------------------

const ERP_LADDER: ReadonlyArray<ErpPhy> = Object.freeze(
  ERP_RATES.map((rateMbps): ErpPhy => Object.freeze({ standard: "802.11g", rateMbps }))
)

/** HT ladders by key (width, GI, streams): the 8 MCS of one stream count, lowest first. */
const HT_LADDERS: ReadonlyArray<ReadonlyArray<HtPhy>> = (() => {
  const ladders: Array<ReadonlyArray<HtPhy>> = []
  for (const channelWidthMhz of [20, 40] as const) {
    for (const guardInterval of ["long", "short"] as const) {
      for (let first = 0; first < 24; first += 8) {
        const ladder: Array<HtPhy> = []
        for (let mcs = first; mcs < first + 8; mcs++) {
          ladder.push(Object.freeze({ standard: "802.11n", mcs, channelWidthMhz, guardInterval }))
        }
        ladders.push(Object.freeze(ladder))
      }
    }
  }
  return Object.freeze(ladders)
})()

const htLadder = (cfg: HtPhy): ReadonlyArray<HtPhy> => {
  htNdbps(cfg) // validates mcs and width
  if (cfg.guardInterval !== "long" && cfg.guardInterval !== "short") throw invalid(cfg)
  const key = (cfg.channelWidthMhz === 40 ? 6 : 0) + (cfg.guardInterval === "short" ? 3 : 0) + Math.floor(cfg.mcs / 8)
  return HT_LADDERS[key]!
}

/**
 * Every rate of the same family, lowest first: the eight ERP-OFDM rates, or for HT the eight MCS
 * with the same number of spatial streams, channel width and guard interval.
 */
export const rateLadder = (cfg: PhyConfig): ReadonlyArray<PhyConfig> => {
  if (cfg.standard === "802.11n") return htLadder(cfg)
  bitsPerSymbol(cfg) // validates the rate
  return ERP_LADDER
}

/** Index of `cfg` in its ladder (0 = slowest). */
export const rateIndex = (cfg: PhyConfig): number => {
  if (cfg.standard === "802.11n") {
    htLadder(cfg)
    return cfg.mcs % 8
  }
  const i = ERP_INDEX[cfg.rateMbps]
  if (i === undefined) throw invalid(cfg)
  return i
}

/** Whether `index` is a position in `cfg`'s ladder (an integer in 0..length−1). */
export const isValidRateIndex = (cfg: PhyConfig, index: number): boolean =>
  Number.isInteger(index) && index >= 0 && index < rateLadder(cfg).length

/** The configuration at `index` of `cfg`'s ladder; a RangeError when `index` is outside it. */
export const withRateIndex = (cfg: PhyConfig, index: number): PhyConfig => {
  const ladder = rateLadder(cfg)
  const found = Number.isInteger(index) ? ladder[index] : undefined
  if (found === undefined) throw new RangeError(`rate index ${index} is outside 0..${ladder.length - 1}`)
  return found
}

/**
 * The rate whose modulation and coding match `cfg`: the ERP rate itself, or the non-HT reference
 * rate of an HT MCS (per-stream modulation and code rate; 802.11-2012 Table 9-5).
 */
export const nonHtReferenceRateMbps = (cfg: PhyConfig): ErpRateMbps => {
  if (cfg.standard === "802.11n") {
    htLadder(cfg)
    return NON_HT_REFERENCE_MBPS[cfg.mcs % 8]!
  }
  if (ERP_INDEX[cfg.rateMbps] === undefined) throw invalid(cfg)
  return cfg.rateMbps
}

/**
 * The control-response rate for an ACK or BlockAck answering a frame sent with `cfg`: the highest
 * mandatory OFDM rate (6, 12, 24 Mbit/s; 802.11-2016 17.1.1) not above the
 * eliciting frame's rate, or its non-HT reference rate for HT (802.11-2012 9.7.6.5.2; 10.7.6.5.2 in
 * 802.11-2016). The response is a non-HT ERP-OFDM PPDU.
 */
export const basicRateFor = (cfg: PhyConfig): ErpPhy => {
  const reference = nonHtReferenceRateMbps(cfg)
  return ERP_LADDER[reference >= 24 ? 4 : reference >= 12 ? 2 : 0]!
}

/**
 * The lowest rate of the BSS basic rate set, at which management and group-addressed frames go:
 * 6 Mbit/s. The model's BSS is pure ERP (Timing.ts), whose basic rate set is the mandatory OFDM
 * rates {6, 12, 24} (802.11-2016 17.1.1); Linux mac80211 sends management frames, frames to
 * stations it is not associated with and group-addressed frames at the lowest basic rate
 * (net/mac80211/rate.c, rate_control_send_low). A mixed b/g BSS would send them at 1 Mbit/s DSSS
 * instead; that is not modelled.
 */
export const LOWEST_BASIC_RATE: ErpPhy = ERP_LADDER[0]!
