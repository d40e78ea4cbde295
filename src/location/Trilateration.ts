/**
 * Position from ranges to known points. With three or more ranges: linearised least squares
 * (subtracting the last circle's equation from the others leaves a linear system in x and y, solved
 * by its normal equations), each row weighted by 1/range², since a signal's error in dB is a
 * proportional error in range, larger far away. With fewer, or points in a line (a singular system):
 * the centroid of the points weighted by 1/range².
 */
import type { Point } from "../environment/Geometry.ts"

export interface RangeObservation {
  readonly at: Point
  readonly rangeM: number
}

/** Weighted centroid of the observed points (weight 1/range²). */
export const weightedCentroid = (obs: ReadonlyArray<RangeObservation>): Point | undefined => {
  if (obs.length === 0) return undefined
  let w = 0
  let x = 0
  let y = 0
  for (const o of obs) {
    const wi = 1 / (o.rangeM * o.rangeM)
    w += wi
    x += wi * o.at.x
    y += wi * o.at.y
  }
  return { x: x / w, y: y / w }
}

/** A determinant below this (relative to the system's scale) means the points are (nearly) in a line. */
const SINGULAR_RELATIVE = 1e-9

/** The least-squares position from three or more ranges, else the weighted centroid. */
export const trilaterate = (obs: ReadonlyArray<RangeObservation>): Point | undefined => {
  if (obs.length < 3) return weightedCentroid(obs)
  const last = obs[obs.length - 1]!
  // Row i: 2(x_n − x_i)·x + 2(y_n − y_i)·y = r_i² − r_n² − x_i² + x_n² − y_i² + y_n²
  let a11 = 0
  let a12 = 0
  let a22 = 0
  let b1 = 0
  let b2 = 0
  for (let i = 0; i < obs.length - 1; i++) {
    const o = obs[i]!
    const ax = 2 * (last.at.x - o.at.x)
    const ay = 2 * (last.at.y - o.at.y)
    const rhs = o.rangeM ** 2 - last.rangeM ** 2 - o.at.x ** 2 + last.at.x ** 2 - o.at.y ** 2 + last.at.y ** 2
    const w = 1 / (o.rangeM * o.rangeM)
    a11 += w * ax * ax
    a12 += w * ax * ay
    a22 += w * ay * ay
    b1 += w * ax * rhs
    b2 += w * ay * rhs
  }
  const det = a11 * a22 - a12 * a12
  if (!(Math.abs(det) > SINGULAR_RELATIVE * (a11 * a22 + a12 * a12))) return weightedCentroid(obs)
  return { x: (a22 * b1 - a12 * b2) / det, y: (a11 * b2 - a12 * b1) / det }
}
