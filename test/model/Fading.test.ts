/**
 * Fading end to end: with Rayleigh fading on a link whose mean level does not move (fixed positions,
 * no shadowing), the level each PPDU arrives at spreads as a Rayleigh channel's power does, one draw
 * per PPDU. The distribution is written out here (|h|² exponential with mean 1), not taken from the
 * model: the fraction of PPDUs 10 dB or more under the mean power is 1 − e^−0.1, under it at all
 * 1 − e^−1, and the standard deviation of the level in dB is 10/ln 10 · π/√6 (the log of an
 * exponential variable is Gumbel-distributed).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { scenarioOf, withWorld } from "./support.ts"

const RAYLEIGH_BELOW_MINUS_10_DB = 1 - Math.exp(-0.1)
const RAYLEIGH_BELOW_MEAN = 1 - Math.exp(-1)
const RAYLEIGH_DB_STD = ((10 / Math.LN10) * Math.PI) / Math.sqrt(6)

const levels = (fading: "none" | "rayleigh") =>
  Effect.gen(function*() {
    const scenario = yield* scenarioOf({
      host: { position: { x: 0, y: 0 } },
      environment: { fading, shadowingWithinBreakpointDb: 0, shadowingBeyondBreakpointDb: 0 },
      aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", position: { x: 5, y: 0 } }],
      vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 5 }] }]
    })
    return yield* withWorld(scenario, (world) =>
      Effect.gen(function*() {
        const dbm: Array<number> = []
        // The station's PPDUs to its AP: one link, one mean level.
        world.air.traces.ppdu.connect((p) => {
          if (p.station.name.startsWith("ap-") || Number.isNaN(p.signalDbm) || p.collided) return
          dbm.push(p.signalDbm)
        })
        yield* Simulation.sleep(20e9)
        return dbm
      }))
  })

describe("model: fading, one draw per PPDU", () => {
  it.effect("a Rayleigh-faded link's levels spread as |h|² exponential with mean 1 around the mean power", () =>
    Effect.gen(function*() {
      const plain = yield* levels("none")
      assert.isAbove(plain.length, 1000)
      assert.strictEqual(Math.max(...plain) - Math.min(...plain), 0, "without fading one level")
      const faded = yield* levels("rayleigh")
      assert.isAbove(faded.length, 2000)
      // The mean power, linear, is the unfaded level's (E|h|² = 1): fading moves no power on average.
      const meanMw = faded.reduce((n, d) => n + 10 ** (d / 10), 0) / faded.length
      assert.closeTo(10 * Math.log10(meanMw), plain[0]!, 0.3)
      const rel = faded.map((d) => d - plain[0]!)
      const share = (below: number) => rel.filter((r) => r < below).length / rel.length
      assert.closeTo(share(-10), RAYLEIGH_BELOW_MINUS_10_DB, 0.02)
      assert.closeTo(share(0), RAYLEIGH_BELOW_MEAN, 0.03)
      const meanDb = rel.reduce((n, r) => n + r, 0) / rel.length
      const stdDb = Math.sqrt(rel.reduce((n, r) => n + (r - meanDb) ** 2, 0) / rel.length)
      assert.closeTo(stdDb, RAYLEIGH_DB_STD, 0.3)
    }))
})
