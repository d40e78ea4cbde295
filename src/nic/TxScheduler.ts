/**
 * Which vMAC the card's one transmitter serves next. Each vMAC with frames offers its next burst
 * (its head frame, or an A-MPDU's worth to one receiver); the radio sends one burst at a time and,
 * when it is done, picks the next offer by a named policy among the vMACs whose channel it is on:
 *
 * - `round-robin` (the default): the first offering vMAC after the one served last, in index order,
 *   so backlogged vMACs take turns burst by burst (what a firmware's per-queue round robin does).
 * - `fifo`: the offer made earliest, whoever made it (one shared queue in arrival order).
 */

/** The policy's name, as the scenario's `card.txScheduler` spells it. */
export type TxSchedulerKind = "round-robin" | "fifo"

/** What the scheduler sees of each vMAC. */
export interface OfferView {
  /** Order in which the offers were made (smaller is earlier); -1 when the vMAC offers nothing. */
  readonly offerSeq: ReadonlyArray<number>
  /** The channel each offer must go out on. */
  readonly offerChannel: ReadonlyArray<number>
}

/**
 * The vMAC to serve next on `channel`, or -1 when none offers anything there. `lastServed` is the
 * vMAC served last (-1 at first).
 */
export const pickNext = (kind: TxSchedulerKind, offers: OfferView, channel: number, lastServed: number): number => {
  const n = offers.offerSeq.length
  if (kind === "fifo") {
    let best = -1
    for (let v = 0; v < n; v++) {
      const seq = offers.offerSeq[v]!
      if (seq < 0 || offers.offerChannel[v] !== channel) continue
      if (best < 0 || seq < offers.offerSeq[best]!) best = v
    }
    return best
  }
  for (let i = 1; i <= n; i++) {
    const v = (lastServed + i + n) % n
    if (offers.offerSeq[v]! >= 0 && offers.offerChannel[v] === channel) return v
  }
  return -1
}
