/**
 * A WiFi location service inside a VM (the seed's example of what native WiFi in a VM allows): from
 * each scan's results it estimates where the host is, by trilateration over the APs of its database
 * (their positions; `Trilateration.ts`) with ranges from its assumed path-loss model (`RangeModel.ts`).
 * It keeps its estimates with when they were made and how old the scan behind them was; judging them
 * against the truth is the report's job, not the service's.
 */
import type { Point } from "../environment/Geometry.ts"
import type { ScanResult } from "../vocabulary/CardEvent.ts"
import type { RangeModel } from "./RangeModel.ts"
import { rangeFromSignalM } from "./RangeModel.ts"
import { trilaterate } from "./Trilateration.ts"
import type { RangeObservation } from "./Trilateration.ts"

/** One estimate: when, where, from how many APs, and the age of the scan results it used. */
export interface LocationEstimate {
  readonly atNs: number
  readonly x: number
  readonly y: number
  readonly aps: number
  readonly ageNs: number
}

/** Estimates kept per service (a long run keeps counting the rest). */
export const ESTIMATES_KEPT = 100_000

export class LocationService {
  readonly estimates: Array<LocationEstimate> = []
  count = 0
  private readonly database: ReadonlyMap<number, Point>
  private readonly model: RangeModel

  constructor(database: ReadonlyMap<number, Point>, model: RangeModel) {
    this.database = database
    this.model = model
  }

  /** A scan's results, `ageNs` old, arrive at `nowNs`: an estimate from the APs it knows, if any was heard. */
  observe(results: ReadonlyArray<ScanResult>, ageNs: number, nowNs: number): void {
    const obs: Array<RangeObservation> = []
    for (const r of results) {
      const at = this.database.get(r.bssid)
      if (at !== undefined) obs.push({ at, rangeM: rangeFromSignalM(this.model, r.signalDbm, r.channel) })
    }
    const p = trilaterate(obs)
    if (p === undefined) return
    this.count++
    if (this.estimates.length < ESTIMATES_KEPT) this.estimates.push({ atNs: nowNs, x: p.x, y: p.y, aps: obs.length, ageNs })
  }
}
