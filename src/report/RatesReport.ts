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

/**
 * An AP's rates section (`RunReport.ApRatesReport`): its data to every station, by rate, and the
 * rate most of its MPDUs were acknowledged at. A VM's (`ratesReport`) adds its chain and commands.
 */
export const apRatesReport = (
  algorithm: string,
  phy: PhyConfig,
  stats: { readonly attemptsByRate: ReadonlyArray<number>; readonly framesByRate: ReadonlyArray<number> }
): ApRatesReport => {
  let top = -1
  stats.framesByRate.forEach((n, i) => {
    if (n > 0 && (top < 0 || n > stats.framesByRate[top]!)) top = i
  })
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
  const counted = apRatesReport(algorithm, phy, stats)
  return {
    algorithm,
    chain: chain === undefined ? null : chain.map((e) => ({ rateMbps: ladderMbps(phy, e.rateIndex), tries: e.tries })),
    commands: stats.rateCommands,
    framesByRateMbps: counted.framesByRateMbps,
    attemptsByRateMbps: counted.attemptsByRateMbps,
    topRateMbps: counted.topRateMbps
  }
}
