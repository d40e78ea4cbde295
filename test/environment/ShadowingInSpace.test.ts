import { assert, describe, it } from "@effect/vitest"
import { Walk } from "../../src/environment/Mobility.ts"
import { TGN_D_BREAKPOINT_M, TGN_EXPONENT_BEYOND_BREAKPOINT } from "../../src/environment/PathLoss.ts"
import { HOST_NODE, RadioEnvironment } from "../../src/environment/RadioEnvironment.ts"
import { Prng } from "../../src/kernel/Prng.ts"

const S = 1e9

/** A host walking 10 m east and back, round and round (20 s a lap at 1 m/s), and one placed AP. */
const environment = (seed: number) =>
  new RadioEnvironment(
    {
      pathLoss: { breakpointM: TGN_D_BREAKPOINT_M, exponentBeyond: TGN_EXPONENT_BEYOND_BREAKPOINT },
      shadowingWithinDb: 3,
      shadowingBeyondDb: 5,
      shadowingDecorrelationM: 3,
      fading: "none",
      riceanK: 1,
      noiseFloorDbm: -95
    },
    [{ kind: "placed", position: { x: 0, y: 0 }, txPowerDbm: 15 }, { kind: "placed", position: { x: 5, y: 8 }, txPowerDbm: 15 }],
    new Walk({ start: { x: 0, y: 0 }, waypoints: [{ x: 10, y: 0 }], speedMps: 1, loop: true }),
    (name) => new Prng(seed * 7919 + name.length)
  )

describe("shadowing is a function of where the host is", () => {
  it("is the same each time a looping host comes back to a point, and on the way back past it", () => {
    for (let seed = 1; seed <= 5; seed++) {
      const env = environment(seed)
      const at = (s: number) => env.meanSignalDbm(1, HOST_NODE, 6, s * S)
      assert.deepStrictEqual(env.positionOf(HOST_NODE, 3 * S), env.positionOf(HOST_NODE, 23 * S))
      assert.deepStrictEqual(env.positionOf(HOST_NODE, 3 * S), env.positionOf(HOST_NODE, 17 * S))
      const first = at(3)
      assert.strictEqual(at(17), first, "walking back past (3, 0)")
      assert.strictEqual(at(23), first, "the next lap at (3, 0)")
      assert.strictEqual(at(203), first, "ten laps on at (3, 0)")
    }
  })
})
