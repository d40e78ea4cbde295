/** A standard normal draw by the Box–Muller transform, from two uniform draws in [0, 1). */
export const standardNormal = (uniform: () => number): number => {
  const u = 1 - uniform() // (0, 1]: log(0) would be −∞
  const v = uniform()
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v)
}
