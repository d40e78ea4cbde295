import { assert, describe, it } from "@effect/vitest"
import * as G from "../../src/guest/GuestDriver.ts"
import { backgroundScanIntervalNs, minimumGainDb, roamTarget } from "../../src/guest/Roaming.ts"
import { heardBeacon, noBeaconSignal } from "../../src/nic/BeaconSignal.ts"

const corp = (bssid: number, signalDbm: number) => ({ bssid, ssid: "corp", channel: 1, signalDbm })
const policy = { thresholdDbm: -65, shortIntervalNs: 30e9, longIntervalNs: 300e9 }
const config: G.Config = { ssid: "corp", passphrase: "secret-key", scanChannels: [1, 6, 11], roaming: policy }

describe("roaming policy (wpa_supplicant)", () => {
  it("asks for a margin that shrinks as the current signal weakens", () => {
    assert.deepStrictEqual([-60, -70, -71, -76, -81, -86].map(minimumGainDb), [5, 5, 4, 3, 2, 1])
  })

  it("moves only to a clearly stronger AP of its own SSID", () => {
    const current = corp(1, -50)
    assert.isUndefined(roamTarget([corp(1, -60), corp(2, -56)], "corp", current)) // 4 dB < 5
    assert.strictEqual(roamTarget([corp(1, -60), corp(2, -55)], "corp", current)?.bssid, 2)
    assert.strictEqual(roamTarget([corp(1, -82), corp(2, -80), corp(3, -79)], "corp", current)?.bssid, 3)
    assert.isUndefined(roamTarget([corp(1, -82), { ...corp(2, -40), ssid: "other" }], "corp", current))
    // The current AP missing from this scan: its last known signal counts.
    assert.isUndefined(roamTarget([corp(2, -52)], "corp", current))
    assert.strictEqual(roamTarget([corp(2, -44)], "corp", current)?.bssid, 2)
  })

  it("scans often while the signal is low", () => {
    assert.strictEqual(backgroundScanIntervalNs(policy, true), 30e9)
    assert.strictEqual(backgroundScanIntervalNs(policy, false), 300e9)
  })
})

describe("the card's signal monitor (CQM)", () => {
  it("averages beacons with weight 1/4 and reports each crossing once, with hysteresis", () => {
    const s = noBeaconSignal()
    const monitor = { thresholdDbm: -65, hysteresisDb: 4 }
    assert.deepStrictEqual(heardBeacon(s, 7, -50, monitor), { signalDbm: -50, low: false }) // first: above
    assert.isUndefined(heardBeacon(s, 7, -50, monitor))
    const events: Array<boolean> = []
    for (let i = 0; i < 20; i++) {
      const e = heardBeacon(s, 7, -80, monitor)
      if (e !== undefined) events.push(e.low)
    }
    assert.deepStrictEqual(events, [true]) // one "low", not one per beacon
    // −50 + (−80 − −50)·(1 − (3/4)^n) < −69 from n = 4 on.
    const t = noBeaconSignal()
    heardBeacon(t, 7, -50, monitor)
    const lows = [1, 2, 3, 4].map(() => heardBeacon(t, 7, -80, monitor)?.low)
    assert.deepStrictEqual(lows, [undefined, undefined, undefined, true])
    assert.isUndefined(heardBeacon(noBeaconSignal(), 7, -80, undefined)) // no monitor asked for: no events
  })
})

describe("the guest driver roams", () => {
  const connected: G.GuestDriver = { ...G.initial, state: "connected", mac: 1, target: corp(1, -60) }

  it("asks for the signal monitor when it brings the card up", () => {
    const step = G.onEvent({ ...G.initial, state: "initializing" }, { _tag: "InitDone", vmac: 0, mac: 9 }, config)
    assert.deepStrictEqual(step.commands.map((c) => c._tag), ["MonitorSignal", "StartScan"])
    const none = G.onEvent({ ...G.initial, state: "initializing" }, { _tag: "InitDone", vmac: 0, mac: 9 }, { ...config, roaming: undefined })
    assert.deepStrictEqual(none.commands.map((c) => c._tag), ["StartScan"])
  })

  it("after a background scan finds a stronger AP: leaves, authenticates with it", () => {
    const step = G.onEvent(connected, { _tag: "ScanDone", results: [corp(1, -75), corp(2, -60)], fromCache: false }, config)
    assert.strictEqual(step.driver.state, "authenticating")
    assert.strictEqual(step.driver.target?.bssid, 2)
    assert.strictEqual(step.driver.joinVia, "roam")
    assert.deepStrictEqual(step.commands.map((c) => c._tag), ["Disassociate", "Authenticate"])
    const stay = G.onEvent(connected, { _tag: "ScanDone", results: [corp(1, -60), corp(2, -58)], fromCache: false }, config)
    assert.strictEqual(stay.driver.state, "connected")
    const noRoaming = G.onEvent(connected, { _tag: "ScanDone", results: [corp(1, -75), corp(2, -60)], fromCache: false }, { ...config, roaming: undefined })
    assert.strictEqual(noRoaming.driver.state, "connected")
  })

  it("notes the monitor's low and high, also from the new AP's first beacons before the association completes", () => {
    assert.isTrue(G.onEvent(connected, { _tag: "Signal", vmac: 0, signalDbm: -70, low: true }, config).driver.signalLow)
    // Lost, the "low" would not come again (the monitor reports crossings), and the VM would scan only every longIntervalS.
    assert.isTrue(G.onEvent({ ...connected, state: "associating" }, { _tag: "Signal", vmac: 0, signalDbm: -83, low: true }, config).driver.signalLow)
  })
})
