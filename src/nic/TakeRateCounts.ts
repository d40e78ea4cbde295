/** The card reads the air's per-rate counts of its radio's station for a TX status (`vocabulary/RateCounts.ts`). */
import type { Station } from "../air/Station.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"

/**
 * Most TX statuses report one exchange at one rate: counts at a single rate index, up to an A-MPDU's
 * 64 MPDUs (802.11-2016 10.24.7.7's largest BlockAck window). Those are handed out as shared, frozen
 * values, made once: two fresh eight-entry arrays per exchange were about 260 of the 2,600 bytes a
 * delivered frame of model (a) allocated (issue 14). Readers only read them (`ReadonlyArray`).
 */
const SHARED_COUNT_MAX = 64
const shared = new Map<number, RateCounts>()

const sharedCounts = (length: number, index: number, attempts: number, acked: number): RateCounts => {
  const key = ((index * (SHARED_COUNT_MAX + 1) + attempts) * (SHARED_COUNT_MAX + 1) + acked) * 64 + length
  let counts = shared.get(key)
  if (counts === undefined) {
    const a = new Array<number>(length).fill(0)
    const k = new Array<number>(length).fill(0)
    a[index] = attempts
    k[index] = acked
    counts = Object.freeze({ attempts: Object.freeze(a), acked: Object.freeze(k) })
    shared.set(key, counts)
  }
  return counts
}

/** The station's counts since the last call (undefined when none), cleared. */
export const takeRateCounts = (station: Pick<Station, "attemptsByRate" | "ackedByRate" | "rateCounted">): RateCounts | undefined => {
  if (!station.rateCounted) return undefined
  const attempts = station.attemptsByRate
  const acked = station.ackedByRate
  // The one rate index counted, if there is exactly one.
  let only = -1
  for (let i = 0; i < attempts.length; i++) {
    if (attempts[i] === 0 && acked[i] === 0) continue
    if (only !== -1) {
      only = -2
      break
    }
    only = i
  }
  const counts = only >= 0 && attempts[only]! <= SHARED_COUNT_MAX && acked[only]! <= SHARED_COUNT_MAX && attempts.length < 64
    ? sharedCounts(attempts.length, only, attempts[only]!, acked[only]!)
    : { attempts: attempts.slice(), acked: acked.slice() }
  attempts.fill(0)
  acked.fill(0)
  station.rateCounted = false
  return counts
}
