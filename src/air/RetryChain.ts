/**
 * A multi-rate retry chain: the rates a card tries a frame at, in order, and how many attempts at
 * each (mac80211's per-frame rate array, `info->control.rates`, include/net/mac80211.h, which later
 * kernels keep per station in `struct ieee80211_sta_rates`; iwlwifi's link-quality command,
 * `struct iwl_link_quality_cmd`, iwl-commands.h). The first attempt
 * goes at the first stage's rate; once its tries are used, the next stage's; once every stage's are
 * used, the frame is dropped. A fixed rate is a chain of one stage with the standard's retry limit.
 *
 * Built once per rate command (never per frame); `stageAt` is allocation-free for the air's hot path.
 */
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import { SHORT_RETRY_LIMIT } from "./Backoff.ts"
import type { PhyConfig } from "./PhyConfig.ts"
import { rateIndex, withRateIndex } from "./RateTable.ts"

export { MAX_RETRY_CHAIN_ATTEMPTS, MAX_RETRY_CHAIN_STAGES } from "../vocabulary/CardCommand.ts"
export type { ChainEntry } from "../vocabulary/CardCommand.ts"

/**
 * Attempts of a frame at a fixed rate: dot11ShortRetryLimit transmissions, the first included
 * (`SHORT_RETRY_LIMIT`), as mac80211 asks of a card. A modelling choice for the 5300: iwlagn in Linux
 * 2.6.33 ignores mac80211's limit and gives the firmware its own (IWL_DEFAULT_TX_RETRY, 15 retries,
 * iwl-tx.c), spread over its 16-entry link-quality table; the firmware's count is not documented.
 */
export const FIXED_RATE_ATTEMPTS = SHORT_RETRY_LIMIT

/** One stage as the card holds it: the rate itself, its ladder position, and attempts there. */
export interface ChainStage {
  readonly phy: PhyConfig
  readonly rateIndex: number
  readonly tries: number
}

export interface RetryChain {
  readonly stages: ReadonlyArray<ChainStage>
  /** Attempts over every stage: the frame is dropped after this many. */
  readonly attempts: number
}

/** The card's chain for `entries` on `phy`'s ladder (entries already checked at the trust boundary, `checkRate`). */
export const makeChain = (phy: PhyConfig, entries: ReadonlyArray<ChainEntry>): RetryChain => {
  const stages = entries.map((e): ChainStage => Object.freeze({ phy: withRateIndex(phy, e.rateIndex), rateIndex: e.rateIndex, tries: e.tries }))
  return Object.freeze({ stages: Object.freeze(stages), attempts: stages.reduce((n, s) => n + s.tries, 0) })
}

/** A fixed rate: one stage at `phy` with the standard's retry limit (what the card did before chains). */
export const fixedChain = (phy: PhyConfig): RetryChain => makeChain(phy, [{ rateIndex: rateIndex(phy), tries: FIXED_RATE_ATTEMPTS }])

/** The stage of attempt `failed + 1` (after `failed` failed exchanges), or undefined once the chain is used up. */
export const stageAt = (chain: RetryChain, failed: number): ChainStage | undefined => {
  let left = failed
  for (let i = 0; i < chain.stages.length; i++) {
    const stage = chain.stages[i]!
    if (left < stage.tries) return stage
    left -= stage.tries
  }
  return undefined
}

/** The entries a chain was built from (what a rate command carried). */
export const entriesOf = (chain: RetryChain): Array<ChainEntry> => chain.stages.map((s) => ({ rateIndex: s.rateIndex, tries: s.tries }))
