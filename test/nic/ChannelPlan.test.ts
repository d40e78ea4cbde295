import { assert, describe, it } from "@effect/vitest"
import { addChannel, beaconWakeVmac, DEPARTURE_LEAD_MAX_NS, departureLeadNs, DEPARTURES_KEPT, holdsRadioDozing, JOIN_PROTECTION_NS, joining, mustRotate, nextChannel, noteBeaconWakeVisits, noteDeparture, protectedJoin, wakeElsewhereNs, wakesWithin, WAKES_MISSED_BEFORE_PREEMPTING } from "../../src/nic/ChannelPlan.ts"
import type { DozeView, WakeView } from "../../src/nic/ChannelPlan.ts"
import type { PsPhase } from "../../src/nic/PowerSave.ts"
import { drawer } from "../support/draw.ts"

/** The served channels the radio builds from its vMACs' channels (`undefined`: a vMAC with none). */
const channelsToServe = (channels: ReadonlyArray<number | undefined>): Array<number> => {
  const served: Array<number> = []
  for (const c of channels) if (c !== undefined) addChannel(served, c)
  return served
}

describe("channel plan of the card's one radio", () => {
  it("serves each channel once, ascending, ignoring vMACs without one", () => {
    assert.deepStrictEqual(channelsToServe([11, undefined, 1, 11, 6]), [1, 6, 11])
    assert.deepStrictEqual(channelsToServe([]), [])
    assert.deepStrictEqual(channelsToServe([36, 1, 149, 6, 1, 36, 11, 6, 149]), [1, 6, 11, 36, 149])
  })

  it("gives the sorted set of the channels for any order and repeats", () => {
    const draw = drawer(12345)
    const all = [1, 6, 11, 13, 36, 40, 149]
    for (let round = 0; round < 200; round++) {
      const channels = Array.from({ length: draw(10) }, () => all[draw(all.length)]!)
      const expected = all.filter((c) => channels.includes(c))
      assert.deepStrictEqual(channelsToServe(channels), expected, channels.join(","))
    }
  })

  it("visits the channels in turn, wrapping around", () => {
    assert.strictEqual(nextChannel([1, 6, 11], 1), 6)
    assert.strictEqual(nextChannel([1, 6, 11], 11), 1)
    assert.strictEqual(nextChannel([1, 11], 6), 11)
    assert.strictEqual(nextChannel([], 6), 6)
  })

  it("rotates only when another channel needs the radio", () => {
    assert.isFalse(mustRotate([], 6))
    assert.isFalse(mustRotate([6], 6))
    assert.isTrue(mustRotate([11], 6))
    assert.isTrue(mustRotate([1, 11], 1))
  })
})

describe("a join holds the radio (session protection)", () => {
  const view = (state: string, channel: number, joinStartedNs: number) => ({ state, channel, joinStartedNs })

  it("holds it from authentication to the association, and past it until a beacon only when the driver knew none", () => {
    for (const beaconKnown of [false, true]) {
      assert.isTrue(joining(view("authenticating", 6, 0), beaconKnown))
      assert.isTrue(joining(view("authenticated", 6, 0), beaconKnown))
      assert.isTrue(joining(view("associating", 6, 0), beaconKnown))
      assert.isFalse(joining(view("idle", 6, 0), beaconKnown))
      assert.isFalse(joining(view("stopped", 6, 0), beaconKnown))
    }
    // mac80211 tells the beacon's information with the association when it holds the beacon: iwlmvm ends the protection there.
    assert.isFalse(joining(view("associated", 6, 0), true), "beacon known: done at the association, the 4-way handshake not protected")
    assert.isTrue(joining(view("associated", 6, 0), false), "no beacon known yet: protected until the first one")
  })

  it("is the first join started, for 300 TU from its start, then none", () => {
    const tuNs = 1024_000 // 802.11-2016 3.1: a time unit is 1024 µs
    const vmacs = [view("associated", 1, 0), view("associating", 11, 5e9), view("authenticating", 6, 4.9e9)]
    const known = [true, false, false]
    assert.deepStrictEqual(protectedJoin(vmacs, known, 5e9), { channel: 6, untilNs: 4.9e9 + 300 * tuNs })
    // The first one's protection ran out: the second holds the radio for what is left of its own.
    assert.deepStrictEqual(protectedJoin(vmacs, known, 4.9e9 + 300 * tuNs), { channel: 11, untilNs: 5e9 + 300 * tuNs })
    assert.strictEqual(protectedJoin(vmacs, known, 5e9 + 300 * tuNs), undefined)
    assert.strictEqual(protectedJoin([view("associated", 1, 0)], [true], 1e6), undefined)
    // Associated, no beacon heard yet, within its 300 TU: it still holds the radio.
    assert.deepStrictEqual(protectedJoin([view("associated", 1, 0)], [false], 1e6), { channel: 1, untilNs: 300 * tuNs })
    assert.strictEqual(protectedJoin([view("associated", 1, 0)], [false], 300 * tuNs), undefined)
    assert.strictEqual(JOIN_PROTECTION_NS, 300 * tuNs)
  })

  describe("a dozing vMAC's wake-up for its beacon", () => {
    /** 100 TU; the wake-ups below come within the interval of every beacon heard at 0..500 ns. */
    const INTERVAL_NS = 102_400_000
    const NOW_NS = 1_000
    const vmac = (channel: number, phase: PsPhase, token = 1, state = "associated", wakeAtNs = 0): WakeView =>
      ({ state, channel, ps: { phase, token, beaconIntervalNs: INTERVAL_NS, config: undefined }, wakeAtNs })
    const never = (n: number) => new Array<number>(n).fill(-1)
    /** The channel of the vMAC the radio goes to, or −1; with no departure lead and none awaited unless given. */
    const wakeChannel = (
      vmacs: ReadonlyArray<WakeView>, visited: ReadonlyArray<number>, heardNs: ReadonlyArray<number>, current: number, nowNs: number, leadNs = 0, awaited = -1
    ): number => {
      const i = beaconWakeVmac(vmacs, visited, heardNs, current, nowNs, leadNs, awaited)
      return i < 0 ? -1 : vmacs[i]!.channel
    }

    it("takes the radio to its channel, once per wake-up", () => {
      const vmacs = [vmac(6, "active"), vmac(1, "listening", 7)]
      const visited = never(2)
      assert.strictEqual(wakeChannel(vmacs, visited, never(2), 6, NOW_NS), 1)
      // Arrived on channel 1: that wake-up is served.
      noteBeaconWakeVisits(vmacs, visited, 1)
      assert.deepStrictEqual(visited, [-1, 7])
      // A rotation that took the radio away before the beacon does not bring it back for the same wake-up...
      assert.strictEqual(wakeChannel(vmacs, visited, never(2), 6, NOW_NS), -1)
      // ...the next wake-up (a new power-save token) does.
      assert.strictEqual(wakeChannel([vmacs[0]!, vmac(1, "listening", 9)], visited, never(2), 6, NOW_NS), 1)
    })

    it("stays while a vMAC on the radio's channel polls or is in a service period", () => {
      for (const phase of ["polling", "service"] as const) {
        assert.strictEqual(wakeChannel([vmac(6, phase), vmac(1, "listening")], never(2), [0, 0], 6, NOW_NS), -1, phase)
      }
      // Awake or dozing there, it does not hold the radio.
      for (const phase of ["active", "dozing"] as const) assert.strictEqual(wakeChannel([vmac(6, phase), vmac(1, "listening")], never(2), never(2), 6, NOW_NS), 1, phase)
    })

    it("leaves a poll or a service period for a vMAC that missed its last two wake-ups (back-to-back service periods held the radio for good)", () => {
      const held = (heardNs: number, nowNs: number) => wakeChannel([vmac(6, "service"), vmac(1, "listening")], never(2), [nowNs, heardNs], 6, nowNs)
      // Its beacon heard 2 intervals ago, a little more than 2 before its TBTT: it missed one; the service period keeps the radio.
      assert.strictEqual(held(0, 2 * INTERVAL_NS - 1_500_000), -1)
      // Heard 3 intervals before this wake-up's TBTT: it missed two, and the radio goes.
      assert.strictEqual(held(0, 3 * INTERVAL_NS - 1_500_000), 1)
      // Never heard one: the radio goes.
      assert.strictEqual(held(-1, 1_000), 1)
      // A listen interval of 3 beacons: a wake-up every 3 intervals, so two missed are 9 intervals.
      const every3 = (nowNs: number) => wakeChannel(
        [vmac(6, "polling"), { ...vmac(1, "listening"), ps: { phase: "listening", token: 1, beaconIntervalNs: INTERVAL_NS, config: { listenInterval: 3, dynamicTimeoutNs: 0, uapsd: false } } }],
        never(2), [nowNs, 0], 6, nowNs)
      assert.strictEqual(every3(6 * INTERVAL_NS - 1_500_000), -1)
      assert.strictEqual(every3(9 * INTERVAL_NS - 1_500_000), 1)
      assert.strictEqual(WAKES_MISSED_BEFORE_PREEMPTING, 2)
    })

    it("of two wake-ups at once, serves the vMAC that heard its beacon longest ago, so they take turns", () => {
      const here = vmac(6, "listening")
      const there = vmac(1, "listening")
      // The one elsewhere heard its beacon earlier: the radio goes.
      assert.strictEqual(wakeChannel([here, there], never(2), [500, 100], 6, NOW_NS), 1)
      // The one here heard earlier (or at the same time): the radio stays.
      assert.strictEqual(wakeChannel([here, there], never(2), [100, 500], 6, NOW_NS), -1)
      assert.strictEqual(wakeChannel([here, there], never(2), [100, 100], 6, NOW_NS), -1)
      // Both elsewhere: the one that heard longest ago, and the lower index on a tie.
      assert.strictEqual(wakeChannel([vmac(6, "active"), vmac(11, "listening"), vmac(1, "listening")], never(3), [0, 300, 200], 6, NOW_NS), 1)
      assert.strictEqual(wakeChannel([vmac(6, "active"), vmac(11, "listening"), vmac(1, "listening")], never(3), [0, 200, 200], 6, NOW_NS), 11)
      // Served already this wake-up: out of the running.
      assert.strictEqual(wakeChannel([vmac(6, "active"), vmac(11, "listening", 3), vmac(1, "listening")], [-1, 3, -1], [0, 100, 200], 6, NOW_NS), 1)
    })

    it("sees a channel held by a dozing vMAC listening, polling or in a service period there", () => {
      for (const phase of ["listening", "polling", "service"] as const) assert.isTrue(holdsRadioDozing([vmac(1, "active"), vmac(6, phase)], 6), phase)
      for (const phase of ["active", "dozing"] as const) assert.isFalse(holdsRadioDozing([vmac(6, phase)], 6), phase)
      assert.isFalse(holdsRadioDozing([vmac(1, "listening"), vmac(6, "listening", 1, "idle")], 6))
    })

    it("ignores what is not a listening vMAC elsewhere: dozing, polling, unassociated, on the radio's channel", () => {
      assert.strictEqual(wakeChannel([vmac(1, "dozing"), vmac(11, "polling"), vmac(1, "listening", 1, "idle")], never(3), never(3), 6, NOW_NS), -1)
      assert.strictEqual(wakeChannel([vmac(6, "listening")], never(1), never(1), 6, NOW_NS), -1)
    })

    it("sets off for a vMAC dozing elsewhere as long before its wake-up as leaving took last time", () => {
      const WAKE_NS = 50_000_000
      const LEAD_NS = 3_700_000
      const dozing = [vmac(6, "active"), vmac(1, "dozing", 4, "associated", WAKE_NS)]
      // Further off than the lead: not yet; within it (its edge included), and up to the wake-up: now.
      assert.strictEqual(wakeChannel(dozing, never(2), never(2), 6, WAKE_NS - LEAD_NS - 1, LEAD_NS), -1)
      assert.strictEqual(wakeChannel(dozing, never(2), never(2), 6, WAKE_NS - LEAD_NS, LEAD_NS), 1)
      assert.strictEqual(wakeChannel(dozing, never(2), never(2), 6, WAKE_NS, LEAD_NS), 1)
      // A wake-up already past (a vMAC whose firmware hangs), or no departure measured yet: nothing.
      assert.strictEqual(wakeChannel(dozing, never(2), never(2), 6, WAKE_NS + 1, LEAD_NS), -1)
      assert.strictEqual(wakeChannel(dozing, never(2), never(2), 6, WAKE_NS - 1, 0), -1)
      // The same wake-up served already: not again.
      assert.strictEqual(wakeChannel(dozing, [-1, 4], never(2), 6, WAKE_NS - 1, LEAD_NS), -1)
      // A service period here holds the radio against it as against a listening one.
      assert.strictEqual(wakeChannel([vmac(6, "service"), dozing[1]!], never(2), [WAKE_NS, 0], 6, WAKE_NS - 1, LEAD_NS), -1)
      assert.isTrue(wakesWithin(dozing[1]!, WAKE_NS - LEAD_NS, LEAD_NS))
      assert.isFalse(wakesWithin(vmac(1, "listening", 4, "associated", WAKE_NS), WAKE_NS - 1, LEAD_NS), "listening: no longer dozing")
      assert.strictEqual(DEPARTURE_LEAD_MAX_NS, 10_000_000)
    })

    it("plans by the longest of the last eight departures from a channel, at most the beacon wait", () => {
      const recent: Array<number> = []
      const note = (ns: number) => (noteDeparture(recent, ns), departureLeadNs(recent))
      assert.strictEqual(departureLeadNs(undefined), 0, "never left the channel")
      assert.strictEqual(note(600_000), 600_000)
      assert.strictEqual(note(4_000_000), 4_000_000)
      // Shorter ones since do not shorten the lead...
      for (let i = 0; i < 7; i++) assert.strictEqual(note(80_000), 4_000_000)
      // ...until the long one is eight departures old.
      assert.strictEqual(note(80_000), 80_000)
      assert.strictEqual(recent.length, DEPARTURES_KEPT)
      // One that waited on more than the air (a burst's retries) counts for the beacon wait at most.
      assert.strictEqual(note(30_000_000), DEPARTURE_LEAD_MAX_NS)
    })

    it("weighs the vMAC it came for ahead of its wake-up as one listening on its channel", () => {
      const awaitedHere = vmac(1, "dozing", 4, "associated", 50_000_000)
      const listeningThere = vmac(11, "listening", 2)
      // The awaited one heard its beacon longer ago: the radio stays for it; not awaited, it would go.
      assert.strictEqual(wakeChannel([awaitedHere, listeningThere], never(2), [100, 500], 1, NOW_NS, 0, 0), -1)
      assert.strictEqual(wakeChannel([awaitedHere, listeningThere], never(2), [100, 500], 1, NOW_NS, 0, -1), 11)
      // The one elsewhere heard longer ago: it wins this wake-up.
      assert.strictEqual(wakeChannel([awaitedHere, listeningThere], never(2), [500, 100], 1, NOW_NS, 0, 0), 11)
    })
  })

  it("finds the earliest wake-up of a vMAC dozing on another channel than the radio's", () => {
    const doze = (channel: number, phase: PsPhase, wakeAtNs: number, state = "associated"): DozeView => ({ state, channel, ps: { phase }, wakeAtNs })
    assert.strictEqual(wakeElsewhereNs([], 6, 0), Infinity)
    // Its own channel's wake-up needs no switch; a listening or polling vMAC woke already; an
    // unassociated vMAC's registers are stale.
    assert.strictEqual(wakeElsewhereNs([doze(6, "dozing", 5), doze(1, "listening", 7), doze(11, "polling", 8), doze(1, "dozing", 2, "idle")], 6, 0), Infinity)
    assert.strictEqual(wakeElsewhereNs([doze(6, "dozing", 5), doze(1, "dozing", 90), doze(11, "dozing", 40), doze(1, "active", 10)], 6, 0), 40)
    assert.strictEqual(wakeElsewhereNs([doze(6, "dozing", 5), doze(1, "dozing", 90)], 1, 0), 5)
    // A wake-up already past (its firmware hung, the timer lost) hides none ahead.
    assert.strictEqual(wakeElsewhereNs([doze(1, "dozing", 40), doze(11, "dozing", 90)], 6, 40), 40)
    assert.strictEqual(wakeElsewhereNs([doze(1, "dozing", 40), doze(11, "dozing", 90)], 6, 41), 90)
  })
})
