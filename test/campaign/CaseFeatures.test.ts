import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { scenarioFeatures } from "../../src/campaign/CaseFeatures.ts"
import { caseScenario, PLAIN_SETUP } from "../../src/fault/FaultCase.ts"
import type { FaultCase } from "../../src/fault/FaultCase.ts"

const base: FaultCase = { seed: 3, mode: 0, vms: 2, aps: 2, traffic: ["ping", "udp-rx", "ping", "ping"], faults: [{ atTenths: 9, kind: 1, target: 2, size: 3 }] }

describe("campaign: the features a case ran with", () => {
  it.effect("none for the plain setup, each for its setting, read off the scenario", () =>
    Effect.gen(function*() {
      assert.deepStrictEqual(scenarioFeatures(yield* caseScenario(base)), [])
      assert.deepStrictEqual(scenarioFeatures(yield* caseScenario({ ...base, setup: PLAIN_SETUP })), [])
      const all = yield* caseScenario({ ...base, setup: { phy: 2, wmm: 0, rateControl: 1, powerSave: 2, security: 1, switches: 7, txScheduler: 1, radio: 3, ess: 1, beacons: 1, fading: 1, dwell: 2, locate: 1, load: 1, vmacs: 1, listen: 3, interval: 1, aggregation: 2, wire: 1 } })
      assert.deepStrictEqual(scenarioFeatures(all), [
        "802.11n HT40", "minstrel", "U-APSD", "service periods of 2", "open", "IOMMU", "interrupt coalescing", "fast data path", "fifo", "placed APs", "walking host",
        "Rayleigh fading", "dwell 204.8 ms", "location scans", "a vMAC per VM", "saturating UDP", "mixed beacon intervals", "BlockAck window 2", "20 ms wire", "ESS", "beacons in step"
      ])
      const g = yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, phy: 1, wmm: 1, powerSave: 1, radio: 1 } })
      // 802.11n keeps WMM whatever `wmm` says.
      assert.deepStrictEqual(scenarioFeatures(g), ["802.11n HT20", "legacy power save", "weak signal"])
      assert.deepStrictEqual(scenarioFeatures(yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, wmm: 1, radio: 2 } })), ["DCF (no WMM)", "placed APs"])
      assert.deepStrictEqual(scenarioFeatures(yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, powerSave: 1, listen: 2 } })), ["legacy power save", "listen interval 5", "dynamic timeout 20 ms"])
      assert.deepStrictEqual(scenarioFeatures(yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, powerSave: 2, listen: 1 } })), ["U-APSD", "listen interval 3"])
    }))
})
