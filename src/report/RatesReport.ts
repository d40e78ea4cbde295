/** A VM's rates section of the run report (`RunReport.RatesReport`), from its guest's counts. */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { dataRateMbps, withRateIndex } from "../air/RateTable.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { ApRatesReport, RatesReport } from "./RunReport.ts"

/** A rate of `phy`'s ladder in Mbit/s, to 0.1 (the ladders' rates are distinct at that precision). */
export const ladderMbps = (phy: PhyConfig, index: number): number => Number(dataRateMbps(withRateIndex(phy, index)).toFixed(1))

const byMbps = (phy: PhyConfig, counts: ReadonlyArray<number>): Record<string, number> => {
  const out: Record<string, number> = {}
  counts.forEach((n, i) => {
    if (n > 0) out[String(ladderMbps(phy, i))] = n
  })
  return out
}

/** The index most MPDUs were acknowledged at, or −1. */
const topIndex = (framesByRate: ReadonlyArray<number>): number => {
  let top = -1
  framesByRate.forEach((n, i) => {
    if (n > 0 && (top < 0 || n > framesByRate[top]!)) top = i
  })
  return top
}

/** An AP's rates section (`RunReport.ApRatesReport`): its data to every station, by rate. */
export const apRatesReport = (
  algorithm: string,
  phy: PhyConfig,
  stats: { readonly attemptsByRate: ReadonlyArray<number>; readonly framesByRate: ReadonlyArray<number> }
): ApRatesReport => {
  const top = topIndex(stats.framesByRate)
  return {
    algorithm,
    framesByRateMbps: byMbps(phy, stats.framesByRate),
    attemptsByRateMbps: byMbps(phy, stats.attemptsByRate),
    topRateMbps: top < 0 ? null : ladderMbps(phy, top)
  }
}

export const ratesReport = (
  algorithm: string,
  phy: PhyConfig,
  stats: { readonly attemptsByRate: ReadonlyArray<number>; readonly framesByRate: ReadonlyArray<number>; readonly rateCommands: number },
  chain: ReadonlyArray<ChainEntry> | undefined
): RatesReport => {
  const top = topIndex(stats.framesByRate)
  return {
    algorithm,
    chain: chain === undefined ? null : chain.map((e) => ({ rateMbps: ladderMbps(phy, e.rateIndex), tries: e.tries })),
    commands: stats.rateCommands,
    framesByRateMbps: byMbps(phy, stats.framesByRate),
    attemptsByRateMbps: byMbps(phy, stats.attemptsByRate),
    topRateMbps: top < 0 ? null : ladderMbps(phy, top)
  }
}
