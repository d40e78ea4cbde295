/**
 * Where the host (the laptop, and with it every VM on its card) is at a given time: it starts at its
 * position and walks to each waypoint in turn at a constant speed, in straight lines; at the last one
 * it stops, or, looping, walks back to the start and round again. Pure: position and distance
 * walked are functions of time.
 */
import type { Point } from "./Geometry.ts"
import { distanceM } from "./Geometry.ts"

export interface Route {
  readonly start: Point
  readonly waypoints: ReadonlyArray<Point>
  readonly speedMps: number
  readonly loop: boolean
}

export class Walk {
  private readonly points: ReadonlyArray<Point>
  /** Distance walked at each point of the tour, from the start. */
  private readonly cumulativeM: ReadonlyArray<number>
  private readonly lengthM: number
  private readonly speedMps: number
  private readonly loop: boolean
  /** The leg found last: time only moves forward, so the next lookup starts here. */
  private leg = 0

  constructor(route: Route) {
    const points = [route.start, ...route.waypoints]
    if (route.loop && route.waypoints.length > 0) points.push(route.start)
    const cumulative = [0]
    for (let i = 1; i < points.length; i++) cumulative.push(cumulative[i - 1]! + distanceM(points[i - 1]!, points[i]!))
    this.points = points
    this.cumulativeM = cumulative
    this.lengthM = cumulative[cumulative.length - 1]!
    this.speedMps = route.speedMps
    this.loop = route.loop
  }

  /** Whether the host ever moves. */
  get moves(): boolean {
    return this.lengthM > 0 && this.speedMps > 0
  }

  /** Distance walked by `atNs` since time 0, in m (it keeps growing round a loop; it stops at the end otherwise). */
  walkedM(atNs: number): number {
    const d = (this.speedMps * atNs) / 1e9
    return this.loop || d < this.lengthM ? d : this.lengthM
  }

  /** Its speed at `atNs`, in m/s: its walking speed while it walks, 0 once it has stopped at its last waypoint. */
  speedAt(atNs: number): number {
    return this.moves && (this.loop || (this.speedMps * atNs) / 1e9 < this.lengthM) ? this.speedMps : 0
  }

  /** Position at `atNs`. */
  positionAt(atNs: number): Point {
    if (!this.moves) return this.points[0]!
    let d = this.walkedM(atNs)
    if (this.loop) d %= this.lengthM
    if (d < this.cumulativeM[this.leg]!) this.leg = 0 // round the loop again
    while (this.leg < this.points.length - 2 && d > this.cumulativeM[this.leg + 1]!) this.leg++
    const a = this.points[this.leg]!
    const b = this.points[this.leg + 1]!
    const legM = this.cumulativeM[this.leg + 1]! - this.cumulativeM[this.leg]!
    const t = legM === 0 ? 0 : Math.min(1, (d - this.cumulativeM[this.leg]!) / legM)
    return { x: a.x + (b.x - a.x) * t, y: a.y + (b.y - a.y) * t }
  }
}
