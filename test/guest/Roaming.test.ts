import { assert, describe, it } from "@effect/vitest"
import * as G from "../../src/guest/GuestDriver.ts"
import { backgroundScanIntervalNs, bgscanScanned, bgscanStarted, maxShortScans, minimumGainDb, onSignalChange, roamTarget } from "../../src/guest/Roaming.ts"
import type { Bgscan } from "../../src/guest/Roaming.ts"
import { heardBeacon, noBeaconSignal } from "../../src/nic/BeaconSignal.ts"

const corp = (bssid: number, signalDbm: number) => ({ bssid, ssid: "corp", channel: 1, signalDbm, beaconHeard: false })
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
    assert.strictEqual(backgroundScanIntervalNs(policy, { short: true }), 30e9)
    assert.strictEqual(backgroundScanIntervalNs(policy, { short: false }), 300e9)
  })

  it("scans at once when the signal falls, unless it scanned within a second; rising, its next scan is a long interval away (bgscan_simple.c)", () => {
    const long = (lastScanNs: number): Bgscan => ({ short: false, shortScans: 0, lastScanNs })
    const short = (lastScanNs: number): Bgscan => ({ short: true, shortScans: 0, lastScanNs })
    // The fall 3 s after its last scan, with a 30 s short interval: at once, not 27 s later.
    assert.deepStrictEqual(onSignalChange(policy, long(10e9), true, 13e9), { bgscan: short(10e9), scanNow: true })
    // Just scanned: its next scan comes forward to a short interval from now.
    assert.deepStrictEqual(onSignalChange(policy, long(10e9), true, 10.5e9), { bgscan: short(10e9), scanNow: false, nextScanNs: 40.5e9 })
    // A further fall scans only if the last scan is more than 10 s old.
    assert.deepStrictEqual(onSignalChange(policy, short(10e9), true, 18e9), { bgscan: short(10e9), scanNow: false, nextScanNs: undefined })
    assert.deepStrictEqual(onSignalChange(policy, short(10e9), true, 21e9), { bgscan: short(10e9), scanNow: true })
    // Back above: a long interval from now; a report above while above changes nothing.
    assert.deepStrictEqual(onSignalChange(policy, short(10e9), false, 20e9), { bgscan: long(10e9), scanNow: false, nextScanNs: 320e9 })
    assert.deepStrictEqual(onSignalChange(policy, long(10e9), false, 20e9), { bgscan: long(10e9), scanNow: false, nextScanNs: undefined })
  })

  it("spends a budget of short-interval scans, long / short + 1 of them, then backs off to the long interval however low the signal (bgscan_simple.c's max_short_scans)", () => {
    // 30 s and 300 s: 300 / 30 + 1 = 11 short scans.
    assert.strictEqual(maxShortScans(policy), 11)
    let b = bgscanStarted(true, 0)
    const intervals: Array<number> = []
    for (let i = 1; i <= 12; i++) {
      b = bgscanScanned(policy, b, i * 30e9)
      intervals.push(backgroundScanIntervalNs(policy, b) / 1e9)
    }
    assert.deepStrictEqual(intervals, [...Array(10).fill(30), 300, 300], "the eleventh backs off")
    assert.strictEqual(b.shortScans, 10, "a scan at the long interval gives one back")
    // A further fall, at the long interval now: short again, and a scan at once (10 ≤ 11 spent).
    const fall = onSignalChange(policy, b, true, b.lastScanNs + 5e9)
    assert.isTrue(fall.scanNow)
    assert.isTrue(fall.bgscan.short)
    // Spent past the budget, a fall scans no more at once: its next scan comes a short interval from now.
    const spent: Bgscan = { short: false, shortScans: 12, lastScanNs: 0 }
    assert.deepStrictEqual(onSignalChange(policy, spent, true, 100e9), { bgscan: { ...spent, short: true }, scanNow: false, nextScanNs: 130e9 })
    // An association starts it whole, at the interval the signal says.
    assert.deepStrictEqual(bgscanStarted(false, 7e9), { short: false, shortScans: 0, lastScanNs: 7e9 })
  })
})

describe("the card's signal monitor (CQM)", () => {
  it("averages beacons with weight 3/16 and reports a crossing, then again each hysteresis further (mac80211 2.6.35)", () => {
    const s = noBeaconSignal()
    const monitor = { thresholdDbm: -65, hysteresisDb: 4 }
    assert.deepStrictEqual(heardBeacon(s, 7, -50, monitor), { signalDbm: -50, low: false }) // first: above
    assert.isUndefined(heardBeacon(s, 7, -50, monitor))
    // Beacons at −80 from an average of −50: after n of them the average is −80 + 30·(13/16)^n,
    // below −65 from n = 4 (−66.93), then below −66.93 − 4 from n = 6 (−71.37); the next report needs
    // −75.37, which n = 9 passes by 0.002 dB, so the sequence stops at 8.
    const after = (n: number) => -80 + 30 * (13 / 16) ** n
    const lows: Array<number> = []
    for (let n = 1; n <= 8; n++) {
      const e = heardBeacon(s, 7, -80, monitor)
      if (e !== undefined) {
        assert.isTrue(e.low)
        assert.closeTo(e.signalDbm, after(n), 1e-9)
        lows.push(n)
      }
    }
    assert.deepStrictEqual(lows, [4, 6])
    // Back up to −50: "high" once the average is above −65 and more than 4 dB above the last report.
    const highs: Array<number> = []
    let average = after(8)
    for (let n = 1; n <= 12; n++) {
      average = average + (3 / 16) * (-50 - average)
      const e = heardBeacon(s, 7, -50, monitor)
      if (e !== undefined) {
        assert.isFalse(e.low)
        highs.push(n)
      }
    }
    // From −74.30 (the average after the 8 low beacons): −50 − 24.30·(13/16)^n is above −65 (and more
    // than 4 dB above the last report, −71.37) from n = 3 (−63.04); a second needs above −59.04: n = 5 (−58.61).
    assert.strictEqual(highs[0], 3)
    assert.strictEqual(highs[1], 5)
    assert.closeTo(average, s.averageDbm, 1e-9)
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
    // Lost, the next "low" would come only once the average fell another hysteresis, and the VM would scan only every longIntervalS meanwhile.
    assert.isTrue(G.onEvent({ ...connected, state: "associating" }, { _tag: "Signal", vmac: 0, signalDbm: -83, low: true }, config).driver.signalLow)
  })
})
