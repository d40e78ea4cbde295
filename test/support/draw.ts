/** A seeded draw for tests' random steps: `draw(n)` is in 0..n−1, the same sequence for the same seed (a 32-bit LCG). */
export const drawer = (seed: number): ((n: number) => number) => {
  let state = seed >>> 0
  return (n) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0
    return state % n
  }
}
