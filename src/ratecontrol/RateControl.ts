/**
 * What every rate-control algorithm of a guest's native driver offers: it hears each TX status
 * (attempts and acknowledgements by rate, `TxReport`) and says which multi-rate retry chain the card
 * should hold for its VM now (`chain`). The driver writes a rate command only when that chain
 * changes: each command costs a trip through the device model and the augmented driver.
 *
 * Pure: no timers (the algorithms read the clock from the reports, as mac80211's minstrel checks its
 * update interval on each TX status) and no hidden randomness (Minstrel's sample table comes from the
 * stream it is given).
 */
import type { ChainEntry } from "../vocabulary/CardCommand.ts"

/** One TX status as the driver hears it. */
export interface TxReport {
  /** MPDU attempts by rate index. */
  readonly attempts: ReadonlyArray<number>
  /** MPDUs acknowledged by rate index. */
  readonly acked: ReadonlyArray<number>
  /** Frames it completes (delivered and given up). */
  readonly frames: number
}

export interface RateController {
  /** The retry chain the card should hold now, first stage first. */
  readonly chain: () => ReadonlyArray<ChainEntry>
  /** A TX status, heard at `nowNs`. */
  readonly report: (r: TxReport, nowNs: number) => void
}

/** Whether two chains are the same stage for stage. */
export const sameChain = (a: ReadonlyArray<ChainEntry>, b: ReadonlyArray<ChainEntry>): boolean =>
  a.length === b.length && a.every((e, i) => e.rateIndex === b[i]!.rateIndex && e.tries === b[i]!.tries)
