import { assert, describe, it } from "@effect/vitest"
import { Walk } from "../../src/environment/Mobility.ts"

const S = 1e9

describe("the host's walk", () => {
  it("stays put without waypoints", () => {
    const w = new Walk({ start: { x: 3, y: 4 }, waypoints: [], speedMps: 1.4, loop: false })
    assert.isFalse(w.moves)
    assert.deepStrictEqual(w.positionAt(100 * S), { x: 3, y: 4 })
    assert.strictEqual(w.walkedM(100 * S), 0)
  })

  it("walks each leg in a straight line at its speed and stops at the last waypoint", () => {
    const w = new Walk({ start: { x: 0, y: 0 }, waypoints: [{ x: 10, y: 0 }, { x: 10, y: 10 }], speedMps: 2, loop: false })
    assert.deepStrictEqual(w.positionAt(0), { x: 0, y: 0 })
    assert.deepStrictEqual(w.positionAt(2.5 * S), { x: 5, y: 0 })
    assert.deepStrictEqual(w.positionAt(7.5 * S), { x: 10, y: 5 })
    assert.deepStrictEqual(w.positionAt(60 * S), { x: 10, y: 10 })
    assert.strictEqual(w.walkedM(60 * S), 20)
    assert.deepStrictEqual([w.speedAt(9.9 * S), w.speedAt(10.1 * S)], [2, 0], "it stops at 20 m, 10 s in")
  })

  it("loops back to the start and round again", () => {
    const w = new Walk({ start: { x: 0, y: 0 }, waypoints: [{ x: 10, y: 0 }], speedMps: 1, loop: true })
    assert.deepStrictEqual(w.positionAt(15 * S), { x: 5, y: 0 }) // on the way back
    assert.deepStrictEqual(w.positionAt(23 * S), { x: 3, y: 0 }) // second round
    assert.strictEqual(w.walkedM(23 * S), 23)
    assert.strictEqual(w.speedAt(1000 * S), 1, "a loop never stops")
  })
})
