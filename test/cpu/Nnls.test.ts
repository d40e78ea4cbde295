import { assert, describe, it } from "@effect/vitest"
import { nnls } from "../../src/cpu/Nnls.ts"

const rows = (...r: Array<Array<number>>) => r.map((x) => Float64Array.from(x))

describe("non-negative least squares (Lawson–Hanson)", () => {
  it("solves an exactly determined system whose solution is positive", () => {
    // 2x + y = 5, x + 3y = 10: x = 1, y = 3.
    const x = nnls(rows([2, 1], [1, 3]), Float64Array.from([5, 10]), 2)
    assert.closeTo(x[0]!, 1, 1e-9)
    assert.closeTo(x[1]!, 3, 1e-9)
  })

  it("holds at zero an unknown the unconstrained solution would make negative", () => {
    // x + y = 1, x − y = 3: unconstrained x = 2, y = −1. With y ≥ 0: y = 0, x minimizing (x−1)² + (x−3)²: x = 2.
    const x = nnls(rows([1, 1], [1, -1]), Float64Array.from([1, 3]), 2)
    assert.closeTo(x[0]!, 2, 1e-9)
    assert.strictEqual(x[1], 0)
  })

  it("leaves an unknown nothing constrains at zero, and fits an overdetermined system in the least-squares sense", () => {
    // x = 1, x = 2, x = 3 (the third column unused): x = 2.
    const x = nnls(rows([1, 0, 0], [1, 0, 0], [1, 0, 0]), Float64Array.from([1, 2, 3]), 3)
    assert.closeTo(x[0]!, 2, 1e-9)
    assert.strictEqual(x[1], 0)
    assert.strictEqual(x[2], 0)
  })
})
