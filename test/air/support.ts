/** Shorthands for PHY configurations in the air tests, and the list of every configuration modelled. */
import type { ErpPhy, ErpRateMbps, GuardInterval, HtChannelWidthMhz, HtPhy, PhyConfig } from "../../src/air/PhyConfig.ts"

export const erp = (rateMbps: ErpRateMbps): ErpPhy => ({ standard: "802.11g", rateMbps })

export const ht = (mcs: number, channelWidthMhz: HtChannelWidthMhz = 20, guardInterval: GuardInterval = "long"): HtPhy => ({
  standard: "802.11n",
  mcs,
  channelWidthMhz,
  guardInterval
})

export const ERP_RATES: ReadonlyArray<ErpRateMbps> = [6, 9, 12, 18, 24, 36, 48, 54]

/** The 8 ERP-OFDM rates and the 96 HT configurations (MCS 0–23 × 20/40 MHz × long/short GI). */
export const ALL_PHYS: ReadonlyArray<PhyConfig> = [
  ...ERP_RATES.map(erp),
  ...[20, 40].flatMap((w) =>
    (["long", "short"] as const).flatMap((gi) => Array.from({ length: 24 }, (_, mcs) => ht(mcs, w as HtChannelWidthMhz, gi)))
  )
]
