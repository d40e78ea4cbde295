/**
 * Two failures the campaigns found once the APs ran rate control (2026-12-04); both were older than
 * it, and a downlink slowed by a lower rate and a lossy spell brought them out.
 *
 * - Seed 7, case 32: a VM in legacy power save announced its doze while the channel lost every frame;
 *   the null never reached the AP, yet the vMAC dozed. The AP, which believed it awake, sent its
 *   1 Mbit/s download into the void for the rest of the run (0.06 Mbit/s got through, in its
 *   listening windows; with the AP's Minstrel stepping down, frames aged in the AP's queue past the
 *   ledger's 15 s: 243 unaccounted). A STA changes its power management mode only through a
 *   successful frame exchange (802.11-2016 11.2.3.1): now it dozes once the null is acknowledged.
 * - Seed 101, case 39: an 802.11n AP's beacon, queued ahead of its data at its TBTT, was passed by
 *   every A-MPDU that gathered the station's frames from behind it while a backlog lasted: it stayed
 *   queued to the end of the run. Gathering now stops at a group-addressed or management frame.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import { runFaultCase } from "./support.ts"

/** 100 TU, the APs' beacon interval, µs. */
const BEACON_INTERVAL_US = 102_400

describe("campaign cases of round 22", () => {
  it.effect("a doze null lost in a lossy spell leaves the VM awake, and its download runs (seed 7, case 32)", () =>
    Effect.gen(function*() {
      // One VM in legacy power save, a download; the channel loses every frame from 0.5 s to 0.7 s.
      const { report } = yield* runFaultCase({
        seed: 383960, mode: 0, vms: 1, aps: 1, traffic: ["udp-rx", "ping", "ping", "ping"],
        faults: [{ atTenths: 5, kind: 602, target: 29, size: 0 }],
        setup: { phy: 0, wmm: 0, rateControl: 1, powerSave: 1, security: 0, switches: 0, txScheduler: 0, radio: 0, ess: 0 }
      })
      assert.deepStrictEqual(caseVerdict(report), [])
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
      // The 1 Mbit/s offered gets through (was 0.06: the AP sent to a station asleep).
      assert.isAbove(report.vms[0]!.downlinkMbps, 0.95)
    }), { timeout: 60_000 })

  it.effect("an AP's beacon is not passed by its A-MPDUs: one in every beacon interval to the end (seed 101, case 39)", () =>
    Effect.gen(function*() {
      // Native, 802.11n HT20, ARF, legacy power save, a download; the channel loses every frame from 0.5 s to 0.7 s.
      const c = collector()
      const { report } = yield* runFaultCase({
        seed: 286314, mode: 3, vms: 1, aps: 1, traffic: ["udp-rx", "ping", "ping", "ping"],
        faults: [{ atTenths: 5, kind: 520, target: 46, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 2, powerSave: 1, security: 0, switches: 0, txScheduler: 0, radio: 0, ess: 0 }
      }, { pcap: c.sink })
      assert.deepStrictEqual(caseVerdict(report), [])
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
      const beaconsUs = readPcap(c.bytes()).records.filter((r) => {
        const h = readDot11(r.data, readRadiotap(r.data).lengthBytes)
        return h.type === Dot11.MANAGEMENT && h.subtype === Dot11.BEACON
      }).map((r) => r.timeNs / 1000)
      // From the loss's end on, no two beacons more than an interval and a half apart (one waits behind at most one exchange).
      const after = beaconsUs.filter((us) => us > 700_000)
      for (let i = 1; i < after.length; i++) assert.isBelow(after[i]! - after[i - 1]!, 1.5 * BEACON_INTERVAL_US, `beacon after ${after[i - 1]} µs`)
      assert.isAbove(after.length, 100)
    }), { timeout: 60_000 })
})
