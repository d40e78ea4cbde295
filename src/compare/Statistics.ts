/**
 * Summary statistics over repeated seeds: the mean and the half-width of its 95% confidence interval
 * (Student's t with n − 1 degrees of freedom: mean ± t · s / √n). Pure.
 */

/** t(0.975, df) for df = 1..30 (any statistics table, e.g. NIST/SEMATECH e-Handbook 1.3.6.7.2); beyond 30 the normal 1.96 is within 2%. */
const T_975 = [
  12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
  2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
  2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042
] as const

/** The two-sided 95% quantile of Student's t with `df` degrees of freedom. */
export const tQuantile975 = (df: number): number => {
  if (!Number.isInteger(df) || df < 1) throw new RangeError(`degrees of freedom must be a positive integer, not ${df}`)
  return df <= T_975.length ? T_975[df - 1]! : 1.96
}

export interface Estimate {
  readonly mean: number
  /** Half-width of the 95% confidence interval of the mean; null with one sample. */
  readonly ci95: number | null
  readonly n: number
}

/** Mean and 95% confidence half-width of `xs` (at least one value). */
export const estimate = (xs: ReadonlyArray<number>): Estimate => {
  const n = xs.length
  if (n === 0) throw new RangeError("an estimate needs at least one sample")
  let sum = 0
  for (const x of xs) sum += x
  const mean = sum / n
  if (n === 1) return { mean, ci95: null, n }
  let squares = 0
  for (const x of xs) squares += (x - mean) ** 2
  const sd = Math.sqrt(squares / (n - 1))
  return { mean, ci95: (tQuantile975(n - 1) * sd) / Math.sqrt(n), n }
}

/** The estimate of the values that are not null, or null when none is. */
export const estimateOf = (xs: ReadonlyArray<number | null>): Estimate | null => {
  const present = xs.filter((x): x is number => x !== null)
  return present.length === 0 ? null : estimate(present)
}
