/** A VM's rates section of the run report (`RunReport.RatesReport`), from its guest's counts. */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { dataRateMbps, withRateIndex } from "../air/RateTable.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { RatesReport } from "./RunReport.ts"

/** A rate of `phy`'s ladder in Mbit/s, to 0.1 (the ladders' rates are distinct at that precision). */
export const ladderMbps = (phy: PhyConfig, index: number): number => Number(dataRateMbps(withRateIndex(phy, index)).toFixed(1))

const byMbps = (phy: PhyConfig, counts: ReadonlyArray<number>): Record<string, number> => {
  const out: Record<string, number> = {}
  counts.forEach((n, i) => {
    if (n > 0) out[String(ladderMbps(phy, i))] = n
  })
  return out
}

export const ratesReport = (
  algorithm: string,
  phy: PhyConfig,
  stats: { readonly attemptsByRate: ReadonlyArray<number>; readonly framesByRate: ReadonlyArray<number>; readonly rateCommands: number },
  chain: ReadonlyArray<ChainEntry> | undefined
): RatesReport => {
  let top = -1
  stats.framesByRate.forEach((n, i) => {
    if (n > 0 && (top < 0 || n > stats.framesByRate[top]!)) top = i
  })
  return {
    algorithm,
    chain: chain === undefined ? null : chain.map((e) => ({ rateMbps: ladderMbps(phy, e.rateIndex), tries: e.tries })),
    commands: stats.rateCommands,
    framesByRateMbps: byMbps(phy, stats.framesByRate),
    attemptsByRateMbps: byMbps(phy, stats.attemptsByRate),
    topRateMbps: top < 0 ? null : ladderMbps(phy, top)
  }
}
