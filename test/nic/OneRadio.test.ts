/**
 * The card has one radio: its vMACs share one transmitter (they never collide with each other, and
 * together get what one station gets) and one channel at a time (VMs on different channels share
 * the radio's time, and no frame is lost across the switches).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/run/RunScenario.ts"
import { ENDPOINT_BASE_MAC, macValue } from "../../src/scenario/AddressPlan.ts"
import type { Frame } from "../../src/vocabulary/Frame.ts"
import { assertNoStuckFrames, runChecked, scenarioOf } from "../model/support.ts"

const KEY = "vwifi-lab-key"
const names = (n: number) => Array.from({ length: n }, (_, i) => `vm${i}`)
const udpUp = { kind: "udp-tx" } as const

const saturated = (n: number, txScheduler: "round-robin" | "fifo" = "round-robin") => ({
  mode: "virtual-wifi",
  card: { vmacs: Math.max(n, 1), txScheduler },
  vms: names(n).map((name) => ({ name, ssid: "lab", passphrase: KEY, traffic: [udpUp] }))
})

const total = (r: { readonly vms: ReadonlyArray<{ readonly uplinkMbps: number }> }) => r.vms.reduce((s, v) => s + v.uplinkMbps, 0)

describe("one radio: the card's vMACs share one transmitter", () => {
  it.effect("10 saturated VMs: no collision without the AP in it, aggregate within 3% of one VM's, equal shares within 5% (round-robin)", () =>
    Effect.gen(function*() {
      const one = yield* runScenario(yield* scenarioOf(saturated(1)), { seed: 1, durationNs: 4e9 })
      const ten = yield* runScenario(yield* scenarioOf(saturated(10)), { seed: 1, durationNs: 4e9 })
      // Only two transmitters share the channel: the card's radio and the AP. Every collision has the AP in it.
      assert.strictEqual(ten.air.collisions, ten.air.collisionsByStation["ap-lab"] ?? 0)
      assert.strictEqual(ten.air.collisions, ten.air.collisionsByStation["card-radio"] ?? 0)
      assert.isBelow(ten.air.collisions, 50, "only the AP's beacons and answers can meet the card's frames")
      const single = total(one)
      assert.isAbove(single, 25)
      assert.approximately(total(ten), single, 0.03 * single)
      const fair = total(ten) / 10
      for (const vm of ten.vms) {
        assert.strictEqual(vm.state, "connected")
        assert.approximately(vm.uplinkMbps, fair, 0.05 * fair, `${vm.name}'s share`)
      }
    }))

  it.effect("fifo serves the same total through the one transmitter", () =>
    Effect.gen(function*() {
      const rr = yield* runScenario(yield* scenarioOf(saturated(4)), { seed: 2, durationNs: 3e9 })
      const fifo = yield* runScenario(yield* scenarioOf(saturated(4, "fifo")), { seed: 2, durationNs: 3e9 })
      assert.approximately(total(fifo), total(rr), 0.03 * total(rr))
      assert.notStrictEqual(fifo.traceDigest, rr.traceDigest, "the policy changes the order of frames")
    }))
})

/**
 * The air a 2 Mb/s downlink of 1470-byte datagrams takes: 170 frames a second, each an exchange of
 * 406.5 µs at 54 Mbit/s (AIFS 37 + a mean backoff of 7.5 slots of 9 µs + the 1552-byte MPDU's PPDU,
 * 58 symbols: 258 + SIFS 10 + the Ack at 24 Mbit/s, 34; 802.11-2016 Tables 18-5, 9-137; the MPDU as
 * in Ceiling.test.ts): 6.9% of the time.
 */
const DOWNLINK_AIR_SHARE = ((2e6 / (1470 * 8)) * 406.5) / 1e6

describe("one radio: one channel at a time", () => {
  const twoChannels = {
    mode: "virtual-wifi",
    durationSeconds: 5,
    card: { vmacs: 2, channel: 6 },
    aps: [
      { ssid: "ch1", bssid: "02:00:00:00:01:01", channel: 1 },
      { ssid: "ch11", bssid: "02:00:00:00:01:0b", channel: 11 }
    ],
    vms: [
      { name: "a", ssid: "ch1", passphrase: KEY, traffic: [udpUp, { kind: "udp-rx", offeredMbps: 2 }] },
      { name: "b", ssid: "ch11", passphrase: KEY, traffic: [udpUp, { kind: "udp-rx", offeredMbps: 2 }] }
    ]
  }

  it.effect("VMs on channels 1 and 11 both move data, each at its share of the radio's time, no frame lost across the switches", () =>
    Effect.gen(function*() {
      const one = yield* runScenario(yield* scenarioOf(saturated(1)), { seed: 3, durationNs: 5e9 })
      const run = yield* runChecked(yield* scenarioOf(twoChannels), { seed: 3 })
      const r = run.report
      const full = total(one)
      const ch1 = (r.radio.channelPercent["1"] ?? 0) / 100
      const ch11 = (r.radio.channelPercent["11"] ?? 0) / 100
      assert.isAbove(r.radio.channelSwitches, 40, "the radio alternates (a dwell of 102.4 ms)")
      assert.isAbove(r.radio.powerSaveNulls, 40, "each switch is announced with a PM null-data frame")
      assert.approximately(ch1, 0.5, 0.05)
      assert.approximately(ch11, 0.5, 0.05)
      assert.isBelow(r.air.busyPercent, 100, "one radio: at most one channel busy with it at a time")
      const [a, b] = r.vms
      for (const [vm, share] of [[a!, ch1], [b!, ch11]] as const) {
        assert.strictEqual(vm.state, "connected")
        assert.strictEqual(vm.reconnects, 0, `${vm.name} never lost its AP while away (doze announced, beacon loss not counted)`)
        // Uplink: saturated, so the single-VM goodput over its share of the radio's time, less the
        // air its AP's 2 Mb/s downlink takes there (below); the PM null-data frames around each
        // switch take under 0.3% more. The measured 4 s hold 19.5 rounds of two 102.4 ms dwells, so
        // one channel may get a dwell more than the other there: 5% more than its share of the run.
        const expected = full * (share - DOWNLINK_AIR_SHARE)
        assert.approximately(vm.uplinkMbps, expected, 0.06 * expected, `${vm.name} uplink`)
        // Downlink: the AP held 2 Mb/s for the dozing station and released it on return.
        assert.approximately(vm.downlinkMbps, 2, 0.1, `${vm.name} downlink`)
      }
      // Together they hold the radio's whole time, whichever got the extra dwell.
      const both = full * (ch1 + ch11 - 2 * DOWNLINK_AIR_SHARE)
      assert.approximately(a!.uplinkMbps + b!.uplinkMbps, both, 0.02 * both, "the two uplinks together")
      assert.deepStrictEqual(r.frames.droppedByReason, {}, "no frame dropped")
      // Away for a dwell (102.4 ms) and served half the time, a full ring (256 frames of ~0.4 ms) waits
      // about 0.3 s; a frame the switches lost would still be live: 1 s is far above the first.
      assertNoStuckFrames(run, 1e9)
    }))

  it.effect("the cost of being away shows in ping: a request waits for the radio's return, a quarter of the dwell on average", () =>
    Effect.gen(function*() {
      const pings = (channelB: number) => ({
        mode: "virtual-wifi", durationSeconds: 6, card: { vmacs: 2, channel: 1 },
        aps: [{ ssid: "ch1", bssid: "02:00:00:00:01:01", channel: 1 }, { ssid: "chB", bssid: "02:00:00:00:01:0b", channel: channelB }],
        vms: [
          { name: "a", ssid: "ch1", passphrase: KEY, traffic: [{ kind: "ping", intervalMs: 10 }] },
          { name: "b", ssid: "chB", passphrase: KEY, traffic: [{ kind: "ping", intervalMs: 10 }] }
        ]
      })
      const together = yield* runScenario(yield* scenarioOf(pings(1)), { seed: 6 })
      const apart = yield* runScenario(yield* scenarioOf(pings(11)), { seed: 6 })
      const dwellMs = 102.4
      for (const vm of together.vms) assert.isBelow(vm.ping.meanUs!, 1_000, `${vm.name} on one channel: sub-millisecond`)
      const nearMs = together.vms[0]!.ping.meanUs! / 1e3
      for (const vm of apart.vms) {
        // Half the time the radio is elsewhere, for the rest of a dwell: on average D/2 × 1/2 = D/4 on
        // top of the round trip on one channel (within 10%: the switches' null-data frames, and a
        // reply that comes back after the radio left, add a little).
        const expectedMs = dwellMs / 4 + nearMs
        assert.approximately(vm.ping.meanUs! / 1e3, expectedMs, 0.1 * expectedMs, `${vm.name}'s mean round trip`)
        assert.isBelow(vm.ping.p99Us! / 1e3, dwellMs + 2, `${vm.name} waits at most a dwell`)
      }
      assert.deepStrictEqual(apart.frames.droppedByReason, {})
    }))

  it.effect("a single VM whose AP is on another channel than the card's is served there, with no switching afterwards", () =>
    Effect.gen(function*() {
      const r = yield* runScenario(yield* scenarioOf({
        mode: "virtual-wifi", card: { channel: 6 }, aps: [{ ssid: "far", bssid: "02:00:00:00:01:0b", channel: 11 }],
        vms: [{ name: "a", ssid: "far", passphrase: KEY, traffic: [udpUp] }]
      }), { seed: 4, durationNs: 3e9 })
      assert.strictEqual(r.vms[0]!.state, "connected")
      assert.isAbove(r.vms[0]!.uplinkMbps, 25)
      assert.isBelow(r.radio.channelSwitches, 20, "only the scan and the move to channel 11")
    }))
})

describe("one radio: a vMAC actor crash", () => {
  it.effect("a crashed vMAC actor is restarted while the other VMs keep their traffic; its VM joins again", () =>
    Effect.gen(function*() {
      const base = { ...saturated(3), durationSeconds: 6 }
      const calm = yield* runScenario(yield* scenarioOf(base), { seed: 5 })
      const crashedRun = yield* runChecked(yield* scenarioOf({ ...base, faults: [{ kind: "crash-vmac", atSeconds: 3, vmac: 1 }] }), { seed: 5 })
      const crashed = crashedRun.report
      assert.isAtLeast(crashed.faults.actorRestarts["vmac-1"] ?? 0, 1, "the supervisor restarted vmac-1")
      const victim = crashed.vms.find((v) => v.name === "vm1")!
      assert.strictEqual(victim.state, "connected")
      assert.isAtLeast(victim.reconnects, 1)
      // The others never stopped: what the crashed VM could not send went to them.
      for (const name of ["vm0", "vm2"]) {
        const before = calm.vms.find((v) => v.name === name)!
        const after = crashed.vms.find((v) => v.name === name)!
        assert.strictEqual(after.reconnects, 0)
        assert.isAtLeast(after.uplinkMbps, 0.98 * before.uplinkMbps, `${name} kept its traffic`)
      }
      // Three saturated rings share one transmitter: a frame waits about 3 × 256 × 0.4 ms ≈ 0.3 s; the
      // crashed vMAC's frames are dropped at its reset. A frame the crash lost would still be live.
      assertNoStuckFrames(crashedRun, 1e9)
      assert.strictEqual(crashed.invariants.isolationViolations, 0)
    }))
})

describe("one radio: moving between APs on different channels", () => {
  it.effect("a VM that roams from channel 6 to channel 1 joins within a scan and a dwell; the AP it left holds nothing for it on the new AP's behalf", () =>
    Effect.gen(function*() {
      // Found by the soak: an AP's power-save hold was kept air-wide by address, so the new AP held
      // its answers for the station the old AP still believed asleep.
      const run = yield* runChecked(yield* scenarioOf({
        mode: "virtual-wifi", durationSeconds: 12, card: { vmacs: 4, channel: 6 },
        aps: [
          { ssid: "a", bssid: "02:00:00:00:01:00", channel: 1 },
          { ssid: "b", bssid: "02:00:00:00:01:01", channel: 6 },
          { ssid: "c", bssid: "02:00:00:00:01:02", channel: 11 }
        ],
        vms: [
          { name: "v1", ssid: "a", passphrase: KEY, traffic: [{ kind: "ping", intervalMs: 100 }] },
          { name: "v2", ssid: "b", passphrase: KEY, traffic: [{ kind: "ping", intervalMs: 100 }, { kind: "udp-rx", offeredMbps: 1 }] },
          { name: "v3", ssid: "c", passphrase: KEY, traffic: [{ kind: "ping", intervalMs: 100 }] }
        ],
        faults: [{ kind: "vm-roam", atSeconds: 5, vm: "v2", ssid: "a" }]
      }), { seed: 7 })
      const r = run.report
      for (const vm of r.vms) {
        assert.strictEqual(vm.state, "connected")
        assert.strictEqual(vm.timeouts, 0, `${vm.name} never waited in vain`)
      }
      // The move is v2's roam (its owner's, not an outage: no reconnect), timed from the decision.
      const back = r.vms[1]!.associations.find((a) => a.via === "roam")
      assert.isDefined(back)
      assert.isBelow(back!.tookMs, 2 * 102.4 + 100, "a scan (60 ms) and at most a couple of dwells")
      // AP b, left without a word, keeps holding what its endpoint sends v2 (1 Mb/s) as for a dozing
      // station until its power-save buffer expires (10 s, mac80211's STA_TX_BUFFER_EXPIRE): a frame
      // from the roam at 5 s on, or from the dwell before it, may still be there at 12 s. One older than
      // 7.5 s (from before 4.5 s) is stuck; every other frame waits at most a dwell or two (0.2 s).
      const heldByB = (f: Frame) => f.src === ENDPOINT_BASE_MAC + 1 && f.dst === macValue(r.vms[1]!.mac!)
      assertNoStuckFrames(run, 7.5e9, heldByB, "v2's downlink: ")
      assertNoStuckFrames(run, 1e9, (f) => !heldByB(f))
    }))
})
