/**
 * An AP's watch over quiet stations (`ap/ApInactivity.ts`, after hostapd's `ap_handle_timer`): the
 * decision worked out by hand from hostapd's constants, then read off the air. An idle station that is
 * there is never polled (its connection monitor keeps it active); one that vanished without its
 * deauthentication reaching the AP is polled, disassociated 3 s later (reason 4) and deauthenticated a
 * second after that (reason 2). Without the watch the AP kept it for ever: the capture shows no poll.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { firstLook, inactivityFuzzNs, inactivityStep } from "../../src/ap/ApInactivity.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import type { Dot11Header } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11, macOf } from "../pcap/support.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { runChecked, scenarioOf } from "./support.ts"

// hostapd's constants as src/ap/sta_info.h writes them, in seconds: AP_MAX_INACTIVITY (5 * 60),
// AP_DISASSOC_DELAY (3), AP_DEAUTH_DELAY (1).
const S = 1e9
const MAX_INACTIVITY_S = 300
const DISASSOC_DELAY_S = 3
const DEAUTH_DELAY_S = 1

/** The management header before a frame body (802.11-2016 9.3.3.2: FC, Duration, three addresses, Sequence Control). */
const MANAGEMENT_HEADER_BYTES = 24

describe("an AP's inactivity timer, the decision", () => {
  it("polls a station quiet for 300 s, disassociates it 3 s later if still quiet, deauthenticates it a second after", () => {
    const max = MAX_INACTIVITY_S * S
    assert.deepStrictEqual(firstLook(10 * S, max), { next: "poll", dueNs: (10 + MAX_INACTIVITY_S) * S })
    // Heard from 100 s ago at the first look: look again when 300 s have passed since, plus the spread.
    assert.deepStrictEqual(inactivityStep("poll", 310 * S, 210 * S, max, 7 * S), { _tag: "Rearm", timer: { next: "poll", dueNs: (210 + 300 + 7) * S } })
    // Quiet for exactly 300 s: polled.
    assert.deepStrictEqual(inactivityStep("poll", 310 * S, 10 * S, max, 7 * S), { _tag: "Poll", timer: { next: "disassociate", dueNs: (310 + DISASSOC_DELAY_S) * S } })
    // Its acknowledgement of the poll made it active: back to waiting.
    assert.deepStrictEqual(inactivityStep("disassociate", 313 * S, 310.001 * S, max, 7 * S), { _tag: "Rearm", timer: { next: "poll", dueNs: (310.001 + 300 + 7) * S } })
    // Nothing: disassociated, then deauthenticated.
    assert.deepStrictEqual(inactivityStep("disassociate", 313 * S, 10 * S, max, 7 * S), { _tag: "Disassociate", timer: { next: "deauthenticate", dueNs: (313 + DEAUTH_DELAY_S) * S } })
    assert.deepStrictEqual(inactivityStep("deauthenticate", 314 * S, 10 * S, max, 7 * S), { _tag: "Deauthenticate" })
  })

  it("spreads stations' later looks over 0 to 19 s by address (hostapd: os_random() % 20)", () => {
    assert.strictEqual(inactivityFuzzNs(0x020000000140), (0x020000000140 % 20) * S)
    const spreads = new Set(Array.from({ length: 40 }, (_, i) => inactivityFuzzNs(0x020000000140 + i)))
    assert.strictEqual(spreads.size, 20)
    for (const f of spreads) assert.isTrue(f >= 0 && f <= 19 * S)
  })
})

/** An open BSS and one VM that sends nothing of its own (its driver's connection monitor still probes the AP). */
const quiet = (durationSeconds: number, faults: ReadonlyArray<unknown>, ap: Record<string, unknown> = {}) => ({
  mode: "virtual-wifi",
  durationSeconds,
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", security: { kind: "open" }, ...ap }],
  vms: [{ name: "idle", ssid: "lab" }],
  faults
})
/** The VM shuts down while its channel is out: its vMAC's deauthentication never reaches the AP. */
const vanishing = [
  { kind: "channel-loss", atSeconds: 20, forSeconds: 2 },
  { kind: "vm-stop", atSeconds: 20.5, vm: "idle" }
]
const AP = macOf("02:00:00:00:01:00")

interface OnAir {
  readonly timeNs: number
  readonly h: Dot11Header
  /** A management frame's first two body octets (a deauthentication's or disassociation's reason code). */
  readonly reason: number | undefined
}

const runOnAir = (input: unknown) =>
  Effect.gen(function*() {
    const c = collector()
    const run = yield* runChecked(yield* scenarioOf(input), { seed: 1, pcap: c.sink })
    const air: Array<OnAir> = readPcap(c.bytes()).records.map((r) => {
      const rt = readRadiotap(r.data)
      const h = readDot11(r.data, rt.lengthBytes)
      const body = rt.lengthBytes + MANAGEMENT_HEADER_BYTES
      const reason = h.type === Dot11.MANAGEMENT && r.data.length >= body + 2 ? r.data[body]! | (r.data[body + 1]! << 8) : undefined
      return { timeNs: r.timeNs, h, reason }
    })
    // The station: the sender of the first authentication to the AP (a stopped VM reports no address).
    const station = air.find((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.AUTH && r.h.addr1 === AP)!.h.addr2!
    return { run, air, station }
  })

const fromAp = (air: ReadonlyArray<OnAir>, station: number, type: number, subtypes: ReadonlyArray<number>) =>
  air.filter((r) => r.h.type === type && subtypes.includes(r.h.subtype) && r.h.addr2 === AP && r.h.addr1 === station)

/** The frame after record `i` on the air is an Ack to `to`. */
const ackedTo = (air: ReadonlyArray<OnAir>, r: OnAir, to: number): boolean => {
  const next = air[air.indexOf(r) + 1]
  return next !== undefined && next.h.type === Dot11.CONTROL && next.h.subtype === Dot11.ACK && next.h.addr1 === to
}

describe("an AP's inactivity timer, on the air", () => {
  it.effect("an idle station that is there is never polled: its connection monitor's null frames keep it active", () =>
    Effect.gen(function*() {
      const { run, air, station } = yield* runOnAir(quiet(320, []))
      const vm = run.report.vms[0]!
      assert.strictEqual(vm.state, "connected")
      assert.lengthOf(vm.associations, 1)
      // The guest's connection monitor probes its AP after 5 s without a frame (CONNECTION_IDLE_NS).
      const probes = air.filter((r) => r.h.type === Dot11.DATA && r.h.subtype === Dot11.NULL && r.h.addr2 === station && r.h.addr1 === AP)
      assert.isAtLeast(probes.length, 60)
      assert.lengthOf(fromAp(air, station, Dot11.DATA, [Dot11.NULL, Dot11.QOS_NULL]), 0, "no poll")
      assert.lengthOf(fromAp(air, station, Dot11.MANAGEMENT, [Dot11.DISASSOC, Dot11.DEAUTH]), 0)
      assert.strictEqual(run.report.aps[0]!.inactivityPolls, 0)
      for (const [k, n] of Object.entries(run.report.invariants)) assert.strictEqual(n, 0, k)
    }))

  it.effect("a station gone without its deauthentication reaching the AP is polled, disassociated (reason 4), then deauthenticated (reason 2)", () =>
    Effect.gen(function*() {
      const { run, air, station } = yield* runOnAir(quiet(330, vanishing))
      const heardLeaving = air.some((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.DEAUTH && r.h.addr2 === station && ackedTo(air, r, station))
      assert.isFalse(heardLeaving, "the AP never acknowledged the station's deauthentication")
      const polls = fromAp(air, station, Dot11.DATA, [Dot11.NULL, Dot11.QOS_NULL])
      assert.isAtLeast(polls.length, 1, "the AP polls the station")
      assert.isFalse(polls.some((p) => ackedTo(air, p, AP)), "nobody acknowledges the poll")
      const firstPollNs = polls[0]!.timeNs
      const disassoc = fromAp(air, station, Dot11.MANAGEMENT, [Dot11.DISASSOC])
      const deauth = fromAp(air, station, Dot11.MANAGEMENT, [Dot11.DEAUTH])
      assert.isAtLeast(disassoc.length, 1, "a disassociation")
      assert.isAtLeast(deauth.length, 1, "a deauthentication")
      // First transmissions: the poll's 3 s, then the disassociation's 1 s (each frame goes by AC_VO at once).
      assert.closeTo((disassoc[0]!.timeNs - firstPollNs) / S, DISASSOC_DELAY_S, 0.01)
      assert.closeTo((deauth[0]!.timeNs - disassoc[0]!.timeNs) / S, DEAUTH_DELAY_S, 0.01)
      assert.strictEqual(disassoc[0]!.reason, 4, "reason 4: disassociated due to inactivity")
      assert.strictEqual(deauth[0]!.reason, 2, "reason 2: previous authentication no longer valid")
      // The report counts them: the station's one association, one poll, one disassociation.
      assert.deepStrictEqual(
        { associations: run.report.aps[0]!.associations, polls: run.report.aps[0]!.inactivityPolls, disassociations: run.report.aps[0]!.inactivityDisassociations },
        { associations: 1, polls: 1, disassociations: 1 }
      )
      // Polled 300 s after the last frame the AP heard from the station (one it acknowledged), plus its 0–19 s spread.
      const heard = air.filter((r) => r.h.addr2 === station && r.h.addr1 === AP && ackedTo(air, r, station))
      const lastHeardNs = heard.at(-1)!.timeNs
      assert.isBelow(lastHeardNs / S, 20.5)
      assert.isAtLeast(firstPollNs - lastHeardNs, MAX_INACTIVITY_S * S)
      assert.isBelow(firstPollNs - lastHeardNs, (MAX_INACTIVITY_S + 20) * S)
      for (const [k, n] of Object.entries(run.report.invariants)) assert.strictEqual(n, 0, k)
    }))

  it.effect("aps[].maxInactivitySeconds sets the AP's limit, as hostapd.conf's ap_max_inactivity does", () =>
    Effect.gen(function*() {
      const { air, station } = yield* runOnAir(quiet(80, vanishing, { maxInactivitySeconds: 30 }))
      const heard = air.filter((r) => r.h.addr2 === station && r.h.addr1 === AP && ackedTo(air, r, station))
      const lastHeardNs = heard.at(-1)!.timeNs
      const polls = fromAp(air, station, Dot11.DATA, [Dot11.NULL, Dot11.QOS_NULL])
      assert.isAtLeast(polls.length, 1)
      assert.isAtLeast(polls[0]!.timeNs - lastHeardNs, 30 * S)
      assert.isBelow(polls[0]!.timeNs - lastHeardNs, 50 * S)
      assert.isAtLeast(fromAp(air, station, Dot11.MANAGEMENT, [Dot11.DISASSOC]).length, 1)
    }))

  it.effect("the limit is 300 s unless given, and a bad one is refused by name", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(quiet(10, []))
      assert.strictEqual(scenario.aps[0]!.maxInactivitySeconds, MAX_INACTIVITY_S)
      const refused = yield* Effect.flip(decodeScenario(quiet(10, [], { maxInactivitySeconds: 0 })))
      assert.include(refused.message, "maxInactivitySeconds")
    }))
})
