/** How good a VM's location service was: its estimates against where the host really was at each one. */
import { HOST_NODE } from "../environment/RadioEnvironment.ts"
import type { RadioEnvironment } from "../environment/RadioEnvironment.ts"
import type { LocationService } from "../location/LocationService.ts"
import type { LocationReport } from "../report/RunReport.ts"
import { percentile } from "./Percentile.ts"

/** Points of the track the report lists at most (evenly thinned). */
export const MAX_TRACK_POINTS = 200

export const locationReport = (service: LocationService | undefined, env: RadioEnvironment): LocationReport | null => {
  if (service === undefined) return null
  const points = service.estimates.map((e) => {
    const truth = env.positionOf(HOST_NODE, e.atNs)!
    return {
      atSeconds: e.atNs / 1e9, x: e.x, y: e.y, trueX: truth.x, trueY: truth.y,
      errorM: Math.hypot(e.x - truth.x, e.y - truth.y), apsHeard: e.aps, scanAgeMs: e.ageNs / 1e6
    }
  })
  const errors = points.map((p) => p.errorM).sort((a, b) => a - b)
  const step = Math.max(1, Math.ceil(points.length / MAX_TRACK_POINTS))
  return {
    estimates: service.count,
    meanErrorM: errors.length === 0 ? null : errors.reduce((a, b) => a + b, 0) / errors.length,
    medianErrorM: percentile(errors, 50) ?? null,
    p90ErrorM: percentile(errors, 90) ?? null,
    maxErrorM: errors.length === 0 ? null : errors[errors.length - 1]!,
    meanScanAgeMs: points.length === 0 ? null : points.reduce((a, p) => a + p.scanAgeMs, 0) / points.length,
    track: points.filter((_, i) => i % step === 0)
  }
}
