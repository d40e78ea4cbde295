/**
 * A transmitter's PHY configuration: which 802.11 PHY sends the frame, and at which rate.
 *
 * "802.11g" is ERP-OFDM (IEEE 802.11-2016 Clause 18) in a pure-ERP BSS. "802.11n" is the HT PHY
 * (Clause 19) in HT-mixed format with BCC coding, no STBC and equal modulation on every stream:
 * MCS 0–23, one to three spatial streams. Both run in the 2.4 GHz band (see Timing.ts).
 * Rates, timings, airtime and loss are all plain functions of this value.
 */
import { dataRateMbps } from "./RateTable.ts"

/** The eight ERP-OFDM data rates (802.11-2016 Table 17-4, which Clause 18 reuses for ERP-OFDM). */
export type ErpRateMbps = 6 | 9 | 12 | 18 | 24 | 36 | 48 | 54

export type HtChannelWidthMhz = 20 | 40

/** HT guard interval: long = 800 ns, short = 400 ns (802.11-2020 Table 19-6). */
export type GuardInterval = "long" | "short"

export type ErpPhy = {
  readonly standard: "802.11g"
  readonly rateMbps: ErpRateMbps
}

export type HtPhy = {
  readonly standard: "802.11n"
  /** HT MCS 0..23. MCS 8k..8k+7 use k+1 spatial streams (802.11-2016 Tables 19-27..19-34). */
  readonly mcs: number
  readonly channelWidthMhz: HtChannelWidthMhz
  readonly guardInterval: GuardInterval
}

export type PhyConfig = ErpPhy | HtPhy

/** The highest HT MCS modelled: 3 streams of 64-QAM 5/6 (802.11-2016 Table 19-33). */
export const MAX_HT_MCS = 23

const ERP_RATES: ReadonlyArray<number> = [6, 9, 12, 18, 24, 36, 48, 54]

/**
 * Whether a value typed as PhyConfig really is one. Use it on configuration read from outside;
 * the other functions of src/air throw a RangeError on an invalid configuration.
 */
export const isValidPhyConfig = (cfg: PhyConfig): boolean => {
  if (cfg.standard === "802.11g") return ERP_RATES.includes(cfg.rateMbps)
  if (cfg.standard !== "802.11n") return false
  return Number.isInteger(cfg.mcs) && cfg.mcs >= 0 && cfg.mcs <= MAX_HT_MCS &&
    (cfg.channelWidthMhz === 20 || cfg.channelWidthMhz === 40) &&
    (cfg.guardInterval === "long" || cfg.guardInterval === "short")
}

/** Spatial streams: 1 for ERP-OFDM; floor(mcs / 8) + 1 for HT (MCS numbering, 802.11-2016 19.5). */
export const spatialStreams = (cfg: PhyConfig): number => (cfg.standard === "802.11g" ? 1 : Math.floor(cfg.mcs / 8) + 1)

/** A one-line label: "802.11g 54 Mbps", "802.11n MCS 15 HT40 short GI (300 Mbps)". */
export const describePhy = (cfg: PhyConfig): string => {
  if (cfg.standard === "802.11g") return `802.11g ${cfg.rateMbps} Mbps`
  const rateMbps = Math.round(dataRateMbps(cfg) * 10) / 10
  return `802.11n MCS ${cfg.mcs} HT${cfg.channelWidthMhz} ${cfg.guardInterval} GI (${rateMbps} Mbps)`
}
