/**
 * MPDU attempts and MPDUs acknowledged by rate index, for data a station sent by a retry chain, since
 * its owner last took them (`TakeRateCounts.ts`): what a TX status reports of each frame's
 * attempts. It also keeps which rate was counted when only one was, the usual case (one exchange at
 * one rate), so that taking the counts needs no scan.
 */

/** Rate indexes a retry chain's ladder has at most (802.11g's eight rates; an HT ladder's eight MCSs). */
export const RATE_LADDER_SLOTS = 8

/** `RateTally.counted` when nothing was counted since the last take. */
export const NOTHING_COUNTED = -1
/** `RateTally.counted` when more than one rate index was. */
export const SEVERAL_RATES = -2

export class RateTally {
  readonly attempts: Array<number> = new Array<number>(RATE_LADDER_SLOTS).fill(0)
  readonly acked: Array<number> = new Array<number>(RATE_LADDER_SLOTS).fill(0)
  /** The one rate index counted since the last take, or `NOTHING_COUNTED`, or `SEVERAL_RATES`. */
  counted = NOTHING_COUNTED
  /**
   * The receiver of the burst last counted (its address): one data burst is on the air at a time, so
   * what was counted since the last take is that receiver's (an AP, which sends to several, checks it).
   */
  receiver = -1

  /** `attempts` MPDU attempts at ladder index `index` to `receiver`, `acked` of them acknowledged. */
  count(index: number, attempts: number, acked: number, receiver: number): void {
    this.receiver = receiver
    this.attempts[index]! += attempts
    this.acked[index]! += acked
    this.counted = this.counted === NOTHING_COUNTED || this.counted === index ? index : SEVERAL_RATES
  }
}
