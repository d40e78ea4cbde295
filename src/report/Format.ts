/** How figures are written in the tables (terminal and HTML alike). */

/** `x` to `digits` decimals, or a dash when there is no figure. */
export const fixed = (x: number | null, digits: number): string => (x === null ? "–" : x.toFixed(digits))

/** `mean ± half-width` of its 95% interval (no ± with one seed), both times `scale`. */
export const withCi = (mean: number | null, ci: number | null, digits: number, scale = 1): string =>
  mean === null ? "–" : ci === null ? (scale * mean).toFixed(digits) : `${(scale * mean).toFixed(digits)} ± ${(scale * ci).toFixed(digits)}`

/** Which runs a page's figures come from: "seed 3", or "5 seeds from 3". */
export const seedsPhrase = (seeds: ReadonlyArray<number>): string =>
  seeds.length === 1 ? `seed ${seeds[0]}` : `${seeds.length} seeds from ${seeds[0]}`

/** What a figure's ± is; one seed gives one run, so there is none, and a page must not promise one. */
export const intervalPhrase = (seedCount: number): string =>
  seedCount === 1
    ? "one run per configuration, so no confidence interval (--seeds 2 or more gives one)"
    : "every figure is the mean over the seeds ± the half-width of its 95% confidence interval"

/** A chart title's note on its bars: the mean over the seeds and the 95% interval, or one seed's figure. */
export const chartSeedsPhrase = (seedCount: number): string =>
  seedCount === 1 ? "one seed, so no interval" : `mean over ${seedCount} seeds, bars: 95% confidence interval`
