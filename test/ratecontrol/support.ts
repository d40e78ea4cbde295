/**
 * A link for driving a rate controller without the simulation: each frame walks the controller's
 * chain, each attempt succeeds with the table's probability for its rate (a seeded PRNG), and the
 * controller hears a TX status per frame, one millisecond apart.
 */
import { Prng } from "../../src/kernel/Prng.ts"
import type { RateController } from "../../src/ratecontrol/RateControl.ts"

export interface Link {
  /** Success probability of one attempt, by rate index. */
  success: ReadonlyArray<number>
  nowNs: number
  readonly random: Prng
  /** Attempts made at each rate so far. */
  readonly attempted: Array<number>
}

export const link = (success: ReadonlyArray<number>, seed = 7): Link => ({ success, nowNs: 0, random: new Prng(seed), attempted: new Array(8).fill(0) })

/** Sends `frames` frames through `c` on `l`; returns how many were delivered. */
export const sendFrames = (c: RateController, l: Link, frames: number, frameNs = 1_000_000): number => {
  let delivered = 0
  for (let n = 0; n < frames; n++) {
    const attempts = new Array<number>(8).fill(0)
    const acked = new Array<number>(8).fill(0)
    let ok = false
    for (const stage of c.chain()) {
      for (let t = 0; t < stage.tries && !ok; t++) {
        attempts[stage.rateIndex]!++
        l.attempted[stage.rateIndex]!++
        if (l.random.nextDoubleUnsafe() < l.success[stage.rateIndex]!) {
          acked[stage.rateIndex]!++
          ok = true
        }
      }
      if (ok) break
    }
    if (ok) delivered++
    l.nowNs += frameNs
    c.report({ attempts, acked, frames: 1 }, l.nowNs)
  }
  return delivered
}
