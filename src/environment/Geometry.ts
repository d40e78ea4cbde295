/** Positions on the floor plan: metres, in the plane (the model has no heights or floors). */

export interface Point {
  readonly x: number
  readonly y: number
}

/** Straight-line distance between two points, in m. */
export const distanceM = (a: Point, b: Point): number => Math.hypot(a.x - b.x, a.y - b.y)
