/**
 * Non-negative least squares, min ‖C x − d‖² subject to x ≥ 0, by the active-set method of Lawson
 * and Hanson ("Solving Least Squares Problems", 1974, chapter 23, algorithm NNLS). Exact for the
 * small systems the calibration solves (tens of unknowns), unlike a gradient method's approximation.
 * Pure; rows are dense arrays.
 */

const TOLERANCE = 1e-12

/** Solves the unconstrained least squares on the columns `cols` by the normal equations (Gaussian elimination, partial pivoting). */
const leastSquares = (c: ReadonlyArray<Float64Array>, d: Float64Array, cols: ReadonlyArray<number>): Float64Array => {
  const k = cols.length
  const m = new Float64Array(k * (k + 1))
  for (const [row, a] of c.entries()) {
    for (let i = 0; i < k; i++) {
      const ai = a[cols[i]!]!
      if (ai === 0) continue
      for (let j = 0; j < k; j++) m[i * (k + 1) + j]! += ai * a[cols[j]!]!
      m[i * (k + 1) + k]! += ai * d[row]!
    }
  }
  for (let p = 0; p < k; p++) {
    let best = p
    for (let r = p + 1; r < k; r++) if (Math.abs(m[r * (k + 1) + p]!) > Math.abs(m[best * (k + 1) + p]!)) best = r
    if (best !== p) for (let j = 0; j <= k; j++) [m[p * (k + 1) + j], m[best * (k + 1) + j]] = [m[best * (k + 1) + j]!, m[p * (k + 1) + j]!]
    const pivot = m[p * (k + 1) + p]!
    if (Math.abs(pivot) < 1e-300) continue // a column with nothing in it: its unknown stays 0
    for (let r = p + 1; r < k; r++) {
      const f = m[r * (k + 1) + p]! / pivot
      if (f === 0) continue
      for (let j = p; j <= k; j++) m[r * (k + 1) + j]! -= f * m[p * (k + 1) + j]!
    }
  }
  const z = new Float64Array(k)
  for (let p = k - 1; p >= 0; p--) {
    const pivot = m[p * (k + 1) + p]!
    if (Math.abs(pivot) < 1e-300) continue
    let s = m[p * (k + 1) + k]!
    for (let j = p + 1; j < k; j++) s -= m[p * (k + 1) + j]! * z[j]!
    z[p] = s / pivot
  }
  return z
}

/** x ≥ 0 minimizing ‖C x − d‖²; `c` has one array of `n` coefficients per row. */
export const nnls = (c: ReadonlyArray<Float64Array>, d: Float64Array, n: number): Float64Array => {
  const x = new Float64Array(n)
  const passive = new Array<boolean>(n).fill(false)
  const gradient = (): Float64Array => {
    const w = new Float64Array(n)
    for (const [row, a] of c.entries()) {
      let r = d[row]!
      for (let j = 0; j < n; j++) r -= a[j]! * x[j]!
      for (let j = 0; j < n; j++) w[j]! += a[j]! * r
    }
    return w
  }
  for (let outer = 0; outer < 3 * n; outer++) {
    const w = gradient()
    let t = -1
    for (let j = 0; j < n; j++) if (!passive[j] && w[j]! > TOLERANCE && (t < 0 || w[j]! > w[t]!)) t = j
    if (t < 0) break
    passive[t] = true
    for (let inner = 0; inner < 3 * n; inner++) {
      const cols: Array<number> = []
      for (let j = 0; j < n; j++) if (passive[j]) cols.push(j)
      const z = leastSquares(c, d, cols)
      if (z.every((v) => v > TOLERANCE)) {
        x.fill(0)
        cols.forEach((j, i) => (x[j] = z[i]!))
        break
      }
      // Step from x towards z as far as feasibility allows; what reaches 0 leaves the passive set.
      let alpha = Infinity
      cols.forEach((j, i) => {
        if (z[i]! > TOLERANCE) return
        const gap = x[j]! - z[i]!
        alpha = Math.min(alpha, gap > 0 ? x[j]! / gap : 0)
      })
      cols.forEach((j, i) => {
        x[j] = x[j]! + alpha * (z[i]! - x[j]!)
        if (x[j]! <= TOLERANCE) {
          x[j] = 0
          passive[j] = false
        }
      })
    }
  }
  return x
}
