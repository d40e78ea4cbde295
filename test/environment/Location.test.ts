import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { channelCenterMhz } from "../../src/environment/Frequency.ts"
import { rangeFromSignalM } from "../../src/location/RangeModel.ts"
import { trilaterate, weightedCentroid } from "../../src/location/Trilateration.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { scenarioOf } from "../model/support.ts"
import { locationFloor } from "../../src/scenario/examples.ts"

const model = { txPowerDbm: 15, pathLoss: { breakpointM: 10, exponentBeyond: 3.5 } }
/** The mean signal at `d` m on channel 6, by hand: Friis to 10 m, then 35 dB per decade. */
const signalAt = (d: number) => {
  const fspl = (m: number) => 20 * Math.log10(m / 1000) + 20 * Math.log10(channelCenterMhz(6)) + 32.44
  return 15 - (d <= 10 ? fspl(d) : fspl(10) + 35 * Math.log10(d / 10))
}

describe("location service", () => {
  it("inverts the path-loss model it assumes", () => {
    for (const d of [1.5, 4, 10, 25, 80]) assert.approximately(rangeFromSignalM(model, signalAt(d), 6), d, d * 1e-3)
  })

  it("trilaterates exact ranges to the point; falls back to a weighted centroid in a line or with two APs", () => {
    const truth = { x: 12, y: 7 }
    const aps = [{ x: 0, y: 0 }, { x: 40, y: 0 }, { x: 0, y: 30 }, { x: 40, y: 30 }]
    const p = trilaterate(aps.map((at) => ({ at, rangeM: Math.hypot(at.x - truth.x, at.y - truth.y) })))!
    assert.approximately(p.x, 12, 1e-6)
    assert.approximately(p.y, 7, 1e-6)
    const line = [{ at: { x: 0, y: 0 }, rangeM: 1 }, { at: { x: 10, y: 0 }, rangeM: 1 }, { at: { x: 20, y: 0 }, rangeM: 2 }]
    assert.deepStrictEqual(trilaterate(line), weightedCentroid(line))
    assert.deepStrictEqual(weightedCentroid([{ at: { x: 0, y: 0 }, rangeM: 1 }, { at: { x: 10, y: 0 }, rangeM: 2 }]), { x: 2, y: 0 })
  })

  const floor = (scanCacheAgeMs: number, shadowing: number) => ({
    durationSeconds: 40,
    host: { position: { x: 5, y: 5 }, walk: { waypoints: [{ x: 35, y: 5 }, { x: 35, y: 25 }], speedMps: 1 } },
    driver: { scanCacheAgeMs },
    environment: { shadowingWithinBreakpointDb: shadowing, shadowingBeyondBreakpointDb: shadowing },
    // The example's floor: four APs at the corners of 40 × 30 m, a locator and a streamer.
    aps: locationFloor.aps,
    vms: locationFloor.vms
  })

  it.effect("a VM locates the walking host from its scans: within centimetres without shadowing, metres with it", () =>
    Effect.gen(function*() {
      const exact = yield* runScenario(yield* scenarioOf(floor(0, 0)), { seed: 1 })
      const loc = exact.vms[0]!.location!
      assert.isAbove(loc.estimates, 35)
      assert.strictEqual(loc.track.length, loc.estimates, "every estimate is listed (under 200)")
      // The model's own path loss and no shadowing: where a scan heard all four APs, only the walk during
      // the scan (≈ 0.1 s at 1 m/s) is left. A scan can miss a channel's APs: its probe request is
      // group-addressed, never retried, and lost when it collides; nearly every scan hears all four.
      const heardAll = loc.track.filter((p) => p.apsHeard === 4)
      assert.isAtLeast(heardAll.length, 0.9 * loc.estimates)
      for (const p of heardAll) assert.isBelow(p.errorM, 0.5, `at ${p.atSeconds} s`)
      const shadowed = yield* runScenario(yield* scenarioOf(floor(0, 5)), { seed: 1 })
      assert.isAbove(shadowed.vms[0]!.location!.meanErrorM!, 1)
      assert.isNull(exact.vms[1]!.location)
    }))

  it.effect("the scan cache trades freshness for scans on the air", () =>
    Effect.gen(function*() {
      const fresh = yield* runScenario(yield* scenarioOf(floor(0, 0)), { seed: 1 })
      const cached = yield* runScenario(yield* scenarioOf(floor(5000, 0)), { seed: 1 })
      assert.isBelow(cached.driver.physicalScans, fresh.driver.physicalScans / 3)
      assert.isAbove(cached.vms[0]!.location!.meanScanAgeMs!, 1000)
      assert.strictEqual(fresh.vms[0]!.location!.meanScanAgeMs, 0)
      // Stale answers put the estimate where the host was: metres behind a walker.
      assert.isAbove(cached.vms[0]!.location!.meanErrorM!, fresh.vms[0]!.location!.meanErrorM! + 1)
    }))
})
