import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { generateCase, generateCases } from "../../src/fault/CaseGenerator.ts"
import { caseScenario, FaultCase, PLAIN_SETUP } from "../../src/fault/FaultCase.ts"
import type { CaseSetup } from "../../src/fault/FaultCase.ts"
import { encodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { failsAlike, normalizeCase, problemClass, shrinkCandidates, shrinkCase } from "../../src/fault/CaseShrink.ts"
import { RunOptionsError } from "../../src/run/RunOptionsCheck.ts"

const isCase = Schema.is(FaultCase)

/** A pure stand-in for a run: "fails" when a case has two VMs or more in virtual-wifi and a fault whose kind draw is in [500, 600). */
const fakeBug = (c: FaultCase): Array<string> =>
  c.mode <= 1 && c.vms >= 2 && c.faults.some((f) => f.kind >= 500 && f.kind < 600) ? ["invariant isolationViolations = 1"] : []

const judgeWith = (verdict: (c: FaultCase) => Array<string>, calls: Array<number>) => (cases: ReadonlyArray<FaultCase>) =>
  Effect.sync(() => {
    calls.push(cases.length)
    return cases.map(verdict)
  })

/** Everything a shrink may cut, added up: every candidate must lower it. */
const size = (c: FaultCase): number =>
  c.faults.length * 10_000 + c.vms * 1000 + c.aps * 1000 + c.faults.reduce((t, f) => t + f.atTenths + f.size + f.target, 0) +
  c.traffic.filter((t) => t !== "ping").length + (c.setup === undefined ? 0 : 1 + Object.values(c.setup).reduce((t, v) => t + v, 0))

const setupKeys = Object.keys(PLAIN_SETUP) as Array<keyof CaseSetup>

describe("campaign cases: generation", () => {
  it("draws valid cases, the same for a seed, case i the same whatever the count", () => {
    const cases = generateCases(5, 50)
    assert.isTrue(cases.every(isCase))
    assert.deepStrictEqual(generateCases(5, 50), cases)
    assert.deepStrictEqual(generateCase(5, 37), cases[37])
    assert.notDeepEqual(generateCases(6, 50), cases)
    // Over 50 cases every mode and every fault count shows up.
    assert.strictEqual(new Set(cases.map((c) => c.mode)).size, 4)
    assert.isAbove(new Set(cases.map((c) => c.faults.length)).size, 3)
  })

  it("draws every setting of every feature of the setup", () => {
    const cases = generateCases(5, 200)
    const ranges: Record<keyof CaseSetup, number> = { phy: 3, wmm: 2, rateControl: 4, powerSave: 3, security: 2, switches: 8, txScheduler: 2, radio: 4, ess: 2, beacons: 2, fading: 3, dwell: 3, locate: 3, load: 2, vmacs: 2, listen: 4, interval: 2, aggregation: 3, wire: 2 }
    for (const k of setupKeys) assert.strictEqual(new Set(cases.map((c) => c.setup![k])).size, ranges[k], k)
  })

  it.effect("turns each setting into the scenario's field", () =>
    Effect.gen(function*() {
      const base: FaultCase = { seed: 3, mode: 0, vms: 2, aps: 2, traffic: ["ping", "udp-rx", "ping", "ping"], faults: [{ atTenths: 9, kind: 1, target: 2, size: 3 }] }
      const plain = yield* caseScenario(base)
      assert.deepStrictEqual(encodeScenario(yield* caseScenario({ ...base, setup: PLAIN_SETUP })), encodeScenario(plain), "the plain setup is no setup")
      const s = yield* caseScenario({ ...base, setup: { phy: 2, wmm: 1, rateControl: 3, powerSave: 2, security: 1, switches: 5, txScheduler: 1, radio: 3, ess: 1, beacons: 1, fading: 2, dwell: 1, locate: 2, load: 1, vmacs: 1, listen: 3, interval: 1, aggregation: 1, wire: 1 } })
      assert.deepInclude(s.card.phy, { standard: "802.11n", mcs: 15, channelWidthMhz: 40 })
      assert.deepInclude(s.card, { qos: true, rateControl: "aarf", txScheduler: "fifo" }) // 802.11n keeps WMM
      assert.deepInclude(s.switches, { addressTranslation: "iommu", fastDataPath: true })
      assert.isFalse(s.switches.interruptCoalescing.enabled)
      assert.deepStrictEqual(s.aps.map((a) => [a.ssid, a.security.kind, a.position]), [["ess", "open", { x: 0, y: 0 }], ["ess", "open", { x: 10, y: 0 }]])
      assert.deepStrictEqual(s.vms.map((v) => [v.ssid, v.powerSave.mode]), [["ess", "uapsd"], ["ess", "uapsd"]])
      assert.isAbove(s.host.walk.waypoints.length, 0)
      // Beacons in step: AP i's first TBTT i × 10 µs after the run's start; otherwise drawn from the run's seed.
      assert.deepStrictEqual(s.aps.map((a) => a.tbttOffsetUs), [0, 10])
      assert.deepStrictEqual(plain.aps.map((a) => a.tbttOffsetUs), [undefined, undefined])
      // A second AP on a channel (AP 3, on AP 0's channel 6) comes 6 ms later: no beacon of the two waits out the same busy medium.
      const four = yield* caseScenario({ ...base, aps: 4, setup: { ...PLAIN_SETUP, beacons: 1 } })
      assert.deepStrictEqual(four.aps.map((a) => [a.channel, a.tbttOffsetUs]), [[6, 0], [1, 10], [11, 20], [6, 6030]])
      // Fading on the placed APs' links, and the radio's dwell per channel; the plain setup: none, and one beacon interval.
      assert.deepInclude(s.environment, { fading: "ricean", riceanKDb: 3 })
      assert.strictEqual(s.card.channelDwellMs, 25.6)
      assert.strictEqual(plain.environment.fading, "none")
      assert.strictEqual(plain.card.channelDwellMs, 102.4)
      // A location service beside each VM's flow (it needs placed APs).
      assert.deepStrictEqual(s.vms.map((v) => v.traffic.map((t) => [t.kind, "intervalMs" in t ? t.intervalMs : undefined])), [[["ping", 100], ["locate", 200]], [["udp-rx", undefined], ["locate", 200]]])
      assert.deepStrictEqual(plain.vms.map((v) => v.traffic.length), [1, 1])
      // The UDP flows saturate (`load` 1); at 1 Mb/s in the plain setup.
      assert.deepInclude(s.vms[1]!.traffic[0], { kind: "udp-rx", offeredMbps: "saturate" })
      assert.deepInclude(plain.vms[1]!.traffic[0], { kind: "udp-rx", offeredMbps: 1 })
      // A vMAC per VM in Virtual WiFi (two here); the default's 4 otherwise.
      assert.strictEqual(s.card.vmacs, 2)
      assert.strictEqual(plain.card.vmacs, 4)
      // AP 1 beacons every 50 TU; AP 0, and every AP in the plain setup, every 100.
      assert.deepStrictEqual(s.aps.map((a) => a.beaconIntervalTu), [100, 50])
      assert.deepStrictEqual(plain.aps.map((a) => a.beaconIntervalTu), [100, 100])
      // A BlockAck window of 8 on every AP (2 with aggregation 2); 64 in the plain setup, and on 802.11g whatever the setting.
      assert.deepStrictEqual(s.aps.map((a) => a.blockAckWindow), [8, 8])
      assert.deepStrictEqual(plain.aps.map((a) => a.blockAckWindow), [64, 64])
      const tiny = yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, phy: 1, aggregation: 2 } })
      assert.deepStrictEqual(tiny.aps.map((a) => a.blockAckWindow), [2, 2])
      const elevenG = yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, aggregation: 2 } })
      assert.deepStrictEqual(elevenG.aps.map((a) => a.blockAckWindow), [64, 64])
      // The far wire behind every AP (20 ms one way, still gigabit); 100 µs in the plain setup.
      assert.deepStrictEqual(s.aps.map((a) => [a.endpoint.wiredRateMbps, a.endpoint.wiredLatencyUs]), [[1000, 20000], [1000, 20000]])
      assert.deepStrictEqual(plain.aps.map((a) => [a.endpoint.wiredRateMbps, a.endpoint.wiredLatencyUs]), [[1000, 100], [1000, 100]])
      // Power save's timing: U-APSD service periods of 2 here; the others' listen interval and dynamic timeout.
      assert.deepStrictEqual(s.vms.map((v) => [v.powerSave.listenInterval, v.powerSave.dynamicTimeoutMs, v.powerSave.maxSpLength]), [[1, 100, 2], [1, 100, 2]])
      for (const [listen, expected] of [[0, [1, 100, 0]], [1, [3, 100, 0]], [2, [5, 20, 0]]] as Array<[number, Array<number>]>) {
        const t = yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, powerSave: 1, listen } })
        assert.deepStrictEqual(t.vms.map((v) => [v.powerSave.listenInterval, v.powerSave.dynamicTimeoutMs, v.powerSave.maxSpLength]), [expected, expected], `listen ${listen}`)
      }
      const rayleighLongDwell = yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, radio: 2, fading: 1, dwell: 2 } })
      assert.strictEqual(rayleighLongDwell.environment.fading, "rayleigh")
      assert.strictEqual(rayleighLongDwell.card.channelDwellMs, 204.8)
      // Fixed signals have no fading: the setting changes nothing there.
      assert.strictEqual((yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, radio: 1, fading: 1 } })).environment.fading, "none")
      // 802.11g without WMM: plain DCF, and U-APSD (which needs WMM) becomes legacy power save; a weak fixed signal.
      const g = yield* caseScenario({ ...base, setup: { ...PLAIN_SETUP, wmm: 1, powerSave: 2, radio: 1 } })
      assert.isFalse(g.card.qos)
      assert.deepStrictEqual(g.vms.map((v) => v.powerSave.mode), ["legacy", "legacy"])
      assert.deepStrictEqual(g.aps.map((a) => [a.ssid, a.signalDbm]), [["ap0", -73], ["ap1", -73]])
      // Outside virtual-wifi the switches are left out (the scenario refuses them there).
      assert.deepStrictEqual(encodeScenario(yield* caseScenario({ ...base, mode: 2, setup: { ...PLAIN_SETUP, switches: 7 } })), encodeScenario(yield* caseScenario({ ...base, mode: 2 })))
    }))
})

describe("campaign cases: shrinking", () => {
  it("proposes only valid, strictly smaller cases, and none for the smallest", () => {
    for (const c of generateCases(11, 40)) {
      const candidates = shrinkCandidates(c)
      assert.isAbove(candidates.length, 0)
      for (const x of candidates) {
        assert.isTrue(isCase(x), JSON.stringify(x))
        assert.isBelow(size(x), size(normalizeCase(c)), JSON.stringify(x))
        assert.isAtMost(x.faults.length, c.faults.length)
      }
    }
    const smallest: FaultCase = { seed: 3, mode: 0, vms: 1, aps: 1, traffic: ["ping", "ping", "ping", "ping"], faults: [{ atTenths: 5, kind: 123, target: 0, size: 0 }] }
    assert.deepStrictEqual(shrinkCandidates(smallest), [])
  })

  it("normalizes without changing the scenario: mode 1 is mode 0; passthrough has one VM; unused traffic is ping", () => {
    const c: FaultCase = { seed: 3, mode: 2, vms: 4, aps: 2, traffic: ["tcp-tx", "udp-rx", "tcp-rx", "udp-tx"], faults: [{ atTenths: 9, kind: 1, target: 2, size: 3 }] }
    assert.deepInclude(normalizeCase(c), { mode: 2, vms: 1, traffic: ["tcp-tx", "ping", "ping", "ping"] })
    assert.deepInclude(normalizeCase({ ...c, mode: 1 }), { mode: 0, vms: 4, traffic: c.traffic })
  })

  it("normalizes a setup's settings that change nothing, and drops a plain one", () => {
    const c: FaultCase = { seed: 3, mode: 2, vms: 1, aps: 1, traffic: ["ping", "ping", "ping", "ping"], faults: [{ atTenths: 9, kind: 1, target: 0, size: 0 }] }
    // 802.11n has WMM whatever `wmm` says; U-APSD without WMM is legacy; passthrough has no switches.
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, phy: 1, wmm: 1, switches: 3 } }).setup, { ...PLAIN_SETUP, phy: 1 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, wmm: 1, powerSave: 2 } }).setup, { ...PLAIN_SETUP, wmm: 1, powerSave: 1 })
    assert.notProperty(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, switches: 7 } }), "setup")
    assert.notProperty(normalizeCase({ ...c, setup: PLAIN_SETUP }), "setup")
    // Fading needs placed APs; a dwell needs the radio to visit two channels (two VMs, two APs, Virtual WiFi).
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, radio: 1, fading: 2, dwell: 1, locate: 1 } }).setup, { ...PLAIN_SETUP, radio: 1 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, radio: 3, locate: 1 } }).setup, { ...PLAIN_SETUP, radio: 3, locate: 1 })
    const twoByTwo: FaultCase = { ...c, mode: 0, vms: 2, aps: 2 }
    // A UDP load needs a UDP flow among the VMs'.
    assert.notProperty(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, load: 1 } }), "setup")
    // A vMAC per VM means something in Virtual WiFi with fewer VMs than the default's vMACs only.
    assert.notProperty(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, vmacs: 1 } }), "setup")
    assert.deepStrictEqual(normalizeCase({ ...twoByTwo, setup: { ...PLAIN_SETUP, vmacs: 1 } }).setup, { ...PLAIN_SETUP, vmacs: 1 })
    assert.notProperty(normalizeCase({ ...twoByTwo, vms: 4, setup: { ...PLAIN_SETUP, vmacs: 1 } }), "setup")
    // Short beacon intervals are APs 1 and 3's: they need two APs.
    assert.notProperty(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, interval: 1 } }), "setup")
    assert.deepStrictEqual(normalizeCase({ ...twoByTwo, setup: { ...PLAIN_SETUP, interval: 1 } }).setup, { ...PLAIN_SETUP, interval: 1 })
    // A BlockAck window needs 802.11n (802.11g does not aggregate); the far wire stays whatever the case.
    assert.notProperty(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, aggregation: 1 } }), "setup")
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, phy: 1, aggregation: 1 } }).setup, { ...PLAIN_SETUP, phy: 1, aggregation: 1 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, wire: 1 } }).setup, { ...PLAIN_SETUP, wire: 1 })
    // Power save's timing needs power save; short service periods need U-APSD (which needs WMM).
    assert.notProperty(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, listen: 2 } }), "setup")
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, powerSave: 1, listen: 2 } }).setup, { ...PLAIN_SETUP, powerSave: 1, listen: 2 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, powerSave: 1, listen: 3 } }).setup, { ...PLAIN_SETUP, powerSave: 1 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, powerSave: 2, wmm: 1, listen: 3 } }).setup, { ...PLAIN_SETUP, powerSave: 1, wmm: 1 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, powerSave: 2, listen: 3 } }).setup, { ...PLAIN_SETUP, powerSave: 2, listen: 3 })
    assert.deepStrictEqual(normalizeCase({ ...c, traffic: ["udp-tx", "ping", "ping", "ping"], setup: { ...PLAIN_SETUP, load: 1 } }).setup, { ...PLAIN_SETUP, load: 1 })
    assert.deepStrictEqual(normalizeCase({ ...c, setup: { ...PLAIN_SETUP, radio: 2, fading: 2 } }).setup, { ...PLAIN_SETUP, radio: 2, fading: 2 })
    assert.deepStrictEqual(normalizeCase({ ...twoByTwo, setup: { ...PLAIN_SETUP, dwell: 2 } }).setup, { ...PLAIN_SETUP, dwell: 2 })
    assert.notProperty(normalizeCase({ ...twoByTwo, vms: 1, setup: { ...PLAIN_SETUP, dwell: 2 } }), "setup")
  })

  it.effect("a normalized case stands for the same scenario, for generated cases", () =>
    Effect.gen(function*() {
      for (const c of generateCases(13, 120)) {
        const scenario = encodeScenario(yield* caseScenario(c))
        assert.deepStrictEqual(encodeScenario(yield* caseScenario(normalizeCase(c))), scenario, JSON.stringify(c))
      }
    }))

  it.effect("shrinks a failing case to the smallest that still fails, whatever the batch size", () =>
    Effect.gen(function*() {
      const failing = generateCases(1, 200).find((c) => fakeBug(c).length > 0 && c.faults.length >= 3 && c.vms >= 3)!
      assert.isDefined(failing, "the generator makes such a case among 200")
      const results = []
      for (const batch of [1, 2, 4, 7]) {
        const calls: Array<number> = []
        const r = yield* shrinkCase(failing, fakeBug(failing), judgeWith(fakeBug, calls), { batch })
        assert.isTrue(calls.every((n) => n <= batch))
        results.push(r)
      }
      const r = results[0]!
      assert.deepStrictEqual(fakeBug(r.shrunk), ["invariant isolationViolations = 1"])
      // Nothing left to cut: two VMs (the bug needs them), one AP, the one guilty fault, earliest and smallest, pings.
      assert.deepInclude(r.shrunk, { seed: failing.seed, mode: 0, vms: 2, aps: 1, traffic: ["ping", "ping", "ping", "ping"] })
      assert.strictEqual(r.shrunk.faults.length, 1)
      assert.deepInclude(r.shrunk.faults[0]!, { atTenths: 5, target: 0, size: 0 })
      assert.isTrue(r.shrunk.faults[0]!.kind >= 500 && r.shrunk.faults[0]!.kind < 600)
      assert.isAbove(r.steps, 3)
      for (const other of results) assert.deepStrictEqual(other, r)
    }))

  it.effect("takes away every feature of the setup the failure does not need", () =>
    Effect.gen(function*() {
      // Fails on 802.11n with U-APSD, whatever else.
      const setupBug = (c: FaultCase) => (c.setup?.phy ?? 0) > 0 && c.setup?.powerSave === 2 ? ["invariant unaccountedFrames = 1"] : []
      const failing: FaultCase = {
        seed: 9, mode: 0, vms: 2, aps: 2, traffic: ["tcp-tx", "ping", "ping", "ping"], faults: [{ atTenths: 40, kind: 550, target: 900, size: 800 }],
        setup: { phy: 2, wmm: 1, rateControl: 3, powerSave: 2, security: 1, switches: 6, txScheduler: 1, radio: 3, ess: 1, beacons: 1, fading: 1, dwell: 2, locate: 1, load: 1, vmacs: 1, listen: 3, interval: 1, aggregation: 2, wire: 1 }
      }
      const r = yield* shrinkCase(failing, setupBug(failing), judgeWith(setupBug, []), { batch: 2 })
      assert.deepStrictEqual(r.shrunk.setup, { ...PLAIN_SETUP, phy: 1, powerSave: 2 })
      assert.deepInclude(r.shrunk, { vms: 1, aps: 1, traffic: ["ping", "ping", "ping", "ping"] })
    }))

  it.effect("keeps only candidates that fail the same way, and stops at the bound", () =>
    Effect.gen(function*() {
      const failing: FaultCase = { seed: 9, mode: 0, vms: 3, aps: 2, traffic: ["tcp-tx", "ping", "udp-rx", "ping"], faults: [{ atTenths: 40, kind: 550, target: 900, size: 800 }] }
      // A smaller case fails too, but otherwise (a stall, not the original broken invariant): not kept.
      const otherBug = (c: FaultCase) => c.vms === 3 ? ["invariant isolationViolations = 2"] : ["vm0 has moved no data since 3 s (the run ends at 23 s)"]
      const r = yield* shrinkCase(failing, otherBug(failing), judgeWith(otherBug, []), { batch: 3 })
      assert.strictEqual(r.shrunk.vms, 3)
      assert.isAbove(r.steps, 0, "cuts that keep three VMs are kept")
      const bounded = yield* shrinkCase(failing, fakeBug(failing), judgeWith(() => ["invariant isolationViolations = 1"], []), { batch: 2, triesMax: 3 })
      assert.isAtMost(bounded.tried, 3)
    }))

  it.effect("refuses a batch or a bound that would judge nothing, naming the option", () =>
    Effect.gen(function*() {
      const failing: FaultCase = { seed: 9, mode: 0, vms: 1, aps: 1, traffic: ["ping", "ping", "ping", "ping"], faults: [{ atTenths: 40, kind: 0, target: 0, size: 0 }] }
      const bug = () => ["invariant crossVmWrites = 1"]
      const error = yield* Effect.flip(shrinkCase(failing, bug(), judgeWith(bug, []), { batch: NaN, triesMax: -1 }))
      assert.instanceOf(error, RunOptionsError)
      assert.deepStrictEqual((error as RunOptionsError).problems.map((p) => p.option), ["batch", "triesMax"])
    }))

  it("classes problems by what broke, not by the numbers in them", () => {
    assert.strictEqual(problemClass("invariant unaccountedFrames = 3"), problemClass("invariant unaccountedFrames = 1"))
    assert.strictEqual(problemClass("vm1 is scanning 15 s after the last fault"), problemClass("vm0 is associating 15 s after the last fault"))
    assert.isTrue(failsAlike(["vm0 has moved no data since 3 s (the run ends at 23 s)"], ["vm2 has moved no data since the start s (the run ends at 30 s)"]))
    assert.isFalse(failsAlike(["invariant isolationViolations = 1"], ["the run ended stalled"]))
  })
})
