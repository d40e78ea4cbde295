import { assert, describe, it } from "@effect/vitest"
import { MarkerLanes } from "../../src/timeline/MarkerLanes.ts"

/** Whether markers of `length` from `a` and from `b` share a moment (an end touching a start does not). */
const overlap = (a: number, b: number, length: number): boolean => a < b + length && b < a + length

/** A small deterministic generator (a 32-bit LCG, Numerical Recipes' constants): the test needs no quality, only repeatability. */
const lcg = (seed: number) => {
  let x = seed >>> 0
  return (): number => {
    x = (Math.imul(x, 1664525) + 1013904223) >>> 0
    return x / 2 ** 32
  }
}

describe("timeline: lanes for markers", () => {
  it("keeps markers that follow each other on one lane, an end touching the next start included", () => {
    const lanes = new MarkerLanes(10)
    assert.deepStrictEqual([0, 10, 25, 35, 100].map((s) => lanes.place(s)), [0, 0, 0, 0, 0])
    assert.strictEqual(lanes.count, 1)
  })

  it("gives markers at one instant a lane each, and a late marker the first lane with room at its time", () => {
    const lanes = new MarkerLanes(10)
    assert.deepStrictEqual([50, 50, 50].map((s) => lanes.place(s)), [0, 1, 2])
    // Before all of them, in the gap of lane 0, then overlapping lane 0's first two and lane 1's.
    assert.strictEqual(lanes.place(20), 0)
    assert.strictEqual(lanes.place(25), 1)
    assert.strictEqual(lanes.place(41), 3, "41..51 overlaps the markers at 50 on lanes 0 to 2")
    assert.strictEqual(lanes.place(30), 0, "30..40 fits between 20..30 and 50..60")
    assert.strictEqual(lanes.count, 4)
  })

  it("refuses a length that is not positive", () => {
    for (const length of [0, -1, NaN]) assert.throws(() => new MarkerLanes(length), RangeError)
  })

  it("in any order: no two markers on a lane overlap, none is on a lane it could have left, and lanes stay under twice the crowd", () => {
    const length = 100
    for (const seed of [1, 2, 3, 4, 5]) {
      const next = lcg(seed)
      const lanes = new MarkerLanes(length)
      // Clusters of markers at one instant (an A-MPDU's frames), others scattered, in shuffled order.
      const starts: Array<number> = []
      for (let i = 0; i < 400; i++) {
        const at = Math.floor(next() * 20_000)
        const copies = next() < 0.2 ? 1 + Math.floor(next() * 12) : 1
        for (let c = 0; c < copies; c++) starts.push(at)
      }
      for (let i = starts.length - 1; i > 0; i--) {
        const j = Math.floor(next() * (i + 1))
        ;[starts[i], starts[j]] = [starts[j]!, starts[i]!]
      }
      const placed = starts.map((s) => ({ s, lane: lanes.place(s) }))
      const byLane = new Map<number, Array<number>>()
      for (const { s, lane } of placed) byLane.set(lane, [...(byLane.get(lane) ?? []), s])
      assert.strictEqual(byLane.size, lanes.count)
      for (const [lane, xs] of byLane) {
        xs.sort((a, b) => a - b)
        for (let i = 1; i < xs.length; i++) assert.isAtLeast(xs[i]!, xs[i - 1]! + length, `seed ${seed}, lane ${lane}`)
      }
      // First fit: every lane below a marker's holds one it overlaps (else it would have gone there).
      for (const { s, lane } of placed) {
        for (let below = 0; below < lane; below++) {
          assert.isTrue(byLane.get(below)!.some((o) => overlap(o, s, length)), `seed ${seed}: ${s} could have gone on lane ${below}`)
        }
      }
      // The crowd: the most markers sharing one moment (a marker's start is such a moment).
      const crowd = Math.max(...starts.map((t) => starts.filter((o) => o <= t && t < o + length).length))
      // A marker on lane k overlaps k others, all with starts within `length` of its own: they and it
      // hold its start or the moment just before its end, two moments of at most `crowd` each, both its.
      assert.isAtMost(lanes.count, 2 * crowd - 1, `seed ${seed}`)
      assert.isAtLeast(lanes.count, crowd, `seed ${seed}`)
    }
  })
})
