/** The card reads the air's per-rate counts of its radio's station for a TX status (`vocabulary/RateCounts.ts`). */
import type { Station } from "../air/Station.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"

/** The station's counts since the last call (undefined when none), cleared. */
export const takeRateCounts = (station: Station): RateCounts | undefined => {
  if (!station.rateCounted) return undefined
  const attempts = station.attemptsByRate.slice()
  const acked = station.ackedByRate.slice()
  station.attemptsByRate.fill(0)
  station.ackedByRate.fill(0)
  station.rateCounted = false
  return { attempts, acked }
}
