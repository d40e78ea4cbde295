/** How figures are written in the tables (terminal and HTML alike). */

/** `x` to `digits` decimals, or a dash when there is no figure. */
export const fixed = (x: number | null, digits: number): string => (x === null ? "–" : x.toFixed(digits))

/** `mean ± half-width` of its 95% interval (no ± with one seed), both times `scale`. */
export const withCi = (mean: number | null, ci: number | null, digits: number, scale = 1): string =>
  mean === null ? "–" : ci === null ? (scale * mean).toFixed(digits) : `${(scale * mean).toFixed(digits)} ± ${(scale * ci).toFixed(digits)}`
