/**
 * Fading end to end: with Rayleigh fading on a link whose mean level does not move (fixed positions,
 * no shadowing), the level each PPDU arrives at spreads as a Rayleigh channel's power does, and
 * changes slowly, as TGn's bell-shaped Doppler spectrum for a still terminal says. Both are written
 * out here, not taken from the model: the fraction of PPDUs 10 dB or more under the mean power is
 * 1 − e^−0.1, under it at all 1 − e^−1, the standard deviation of the level in dB is
 * 10/ln 10 · π/√6 (the log of an exponential variable is Gumbel-distributed); and two PPDUs Δt apart
 * have power gains correlated by |ρ|², ρ = exp(−2π (f_d/3) Δt), f_d = (1.2 km/h)/λ.
 *
 * Over 100 s the fade decorrelates ~570 times (every 176 ms), so the sample's figures are those of a
 * few hundred independent draws: the tolerances below are about three of their standard errors.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { scenarioOf, withWorld } from "./support.ts"

const RAYLEIGH_BELOW_MINUS_10_DB = 1 - Math.exp(-0.1)
const RAYLEIGH_BELOW_MEAN = 1 - Math.exp(-1)
const RAYLEIGH_DB_STD = ((10 / Math.LN10) * Math.PI) / Math.sqrt(6)
/** The environment's Doppler shift on channel 6: 1.2 km/h over λ = c / 2,437 MHz (TGn). */
const STILL_DOPPLER_HZ = (1.2 / 3.6) / (299_792_458 / 2.437e9)
const PING_MS = 10

const levels = (fading: "none" | "rayleigh") =>
  Effect.gen(function*() {
    const scenario = yield* scenarioOf({
      host: { position: { x: 0, y: 0 } },
      environment: { fading, shadowingWithinBreakpointDb: 0, shadowingBeyondBreakpointDb: 0 },
      aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", position: { x: 5, y: 0 } }],
      vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: PING_MS }] }]
    })
    return yield* withWorld(scenario, (world) =>
      Effect.gen(function*() {
        const dbm: Array<number> = []
        const atNs: Array<number> = []
        // The station's PPDUs to its AP: one link, one mean level.
        world.air.traces.ppdu.connect((p) => {
          if (p.station.name.startsWith("ap-") || Number.isNaN(p.signalDbm) || p.collided) return
          dbm.push(p.signalDbm)
          atNs.push(p.startNs)
        })
        yield* Simulation.sleep(100e9)
        return { dbm, atNs }
      }))
  })

describe("model: fading, a process in time per link", () => {
  it.effect("a Rayleigh-faded link's levels spread as |h|² exponential with mean 1 around the mean power, and change at the environment's pace", () =>
    Effect.gen(function*() {
      const plain = (yield* levels("none")).dbm
      assert.isAbove(plain.length, 5000)
      assert.strictEqual(Math.max(...plain) - Math.min(...plain), 0, "without fading one level")
      const { dbm: faded, atNs } = yield* levels("rayleigh")
      assert.isAbove(faded.length, 5000)
      // The mean power, linear, is the unfaded level's (E|h|² = 1): fading moves no power on average.
      const meanMw = faded.reduce((n, d) => n + 10 ** (d / 10), 0) / faded.length
      assert.closeTo(10 * Math.log10(meanMw), plain[0]!, 0.5)
      const rel = faded.map((d) => d - plain[0]!)
      const share = (below: number) => rel.filter((r) => r < below).length / rel.length
      assert.closeTo(share(-10), RAYLEIGH_BELOW_MINUS_10_DB, 0.035)
      assert.closeTo(share(0), RAYLEIGH_BELOW_MEAN, 0.06)
      const meanDb = rel.reduce((n, r) => n + r, 0) / rel.length
      const stdDb = Math.sqrt(rel.reduce((n, r) => n + (r - meanDb) ** 2, 0) / rel.length)
      assert.closeTo(stdDb, RAYLEIGH_DB_STD, 0.5)
      // Successive pings' PPDUs, 10 ms apart: their power gains correlated by |ρ|² (a retry's PPDU, a
      // fraction of a millisecond after its first try, is left out: it meets the same fade).
      const gain = rel.map((r) => 10 ** (r / 10))
      let cov = 0
      let varA = 0
      let varB = 0
      let pairs = 0
      for (let i = 1; i < gain.length; i++) {
        const dt = atNs[i]! - atNs[i - 1]!
        if (Math.abs(dt - PING_MS * 1e6) > 1e6) continue
        cov += (gain[i]! - 1) * (gain[i - 1]! - 1)
        varA += (gain[i]! - 1) ** 2
        varB += (gain[i - 1]! - 1) ** 2
        pairs++
      }
      assert.isAbove(pairs, 5000)
      const rho = Math.exp(-2 * Math.PI * (STILL_DOPPLER_HZ / 3) * PING_MS / 1e3)
      assert.closeTo(cov / Math.sqrt(varA * varB), rho * rho, 0.05)
    }))
})
