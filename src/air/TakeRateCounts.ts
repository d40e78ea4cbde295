/** A station's owner (the card, an AP) reads the air's per-rate counts of its station for a TX status (`vocabulary/RateCounts.ts`). */
import { NOTHING_COUNTED, RATE_LADDER_SLOTS, SEVERAL_RATES } from "./RateTally.ts"
import type { RateTally } from "./RateTally.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"

/**
 * Most TX statuses report one exchange at one rate: counts at a single rate index, up to an A-MPDU's
 * 64 MPDUs (802.11-2016 10.24.7.7's largest BlockAck window). Those are handed out as shared, frozen
 * values, made once: two fresh eight-entry arrays per exchange were about 260 of the 2,600 bytes a
 * delivered frame of model (a) allocated (issue 14). Readers only read them (`ReadonlyArray`).
 */
const MAX_SHARED_COUNT = 64
const shared = new Map<number, RateCounts>()
// The last one handed out: a steady run hands out the same counts exchange after exchange.
let lastKey = -1
let last: RateCounts | undefined

const singleRate = (index: number, attempts: number, acked: number): RateCounts => {
  const a = new Array<number>(RATE_LADDER_SLOTS).fill(0)
  const k = new Array<number>(RATE_LADDER_SLOTS).fill(0)
  a[index] = attempts
  k[index] = acked
  return { attempts: a, acked: k }
}

const sharedCounts = (index: number, attempts: number, acked: number): RateCounts => {
  const key = (index * (MAX_SHARED_COUNT + 1) + attempts) * (MAX_SHARED_COUNT + 1) + acked
  if (key === lastKey) return last!
  let counts = shared.get(key)
  if (counts === undefined) {
    const made = singleRate(index, attempts, acked)
    counts = Object.freeze({ attempts: Object.freeze(made.attempts), acked: Object.freeze(made.acked) })
    shared.set(key, counts)
  }
  lastKey = key
  last = counts
  return counts
}

/** The tally's counts since the last call (undefined when none), cleared. */
export const takeRateCounts = (tally: RateTally): RateCounts | undefined => {
  const k = tally.counted
  if (k === NOTHING_COUNTED) return undefined
  tally.counted = NOTHING_COUNTED
  if (k !== SEVERAL_RATES) {
    const attempts = tally.attempts[k]!
    const acked = tally.acked[k]!
    tally.attempts[k] = 0
    tally.acked[k] = 0
    return attempts <= MAX_SHARED_COUNT && acked <= MAX_SHARED_COUNT ? sharedCounts(k, attempts, acked) : singleRate(k, attempts, acked)
  }
  const counts = { attempts: tally.attempts.slice(), acked: tally.acked.slice() }
  tally.attempts.fill(0)
  tally.acked.fill(0)
  return counts
}
