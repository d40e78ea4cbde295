/**
 * A U-APSD station waits for its service period as Intel's firmware does, 50 ms after its trigger
 * and after each frame (`PowerSave.UAPSD_SP_TIMEOUT_NS`). With a 10 ms wait, `vwifi campaign --cases
 * 200 --seed 405` (case 186, round 28, shrunk) found a TCP download that went silent: its AP's one
 * FIFO held another station's saturated download ahead of the frames a trigger released, they went
 * out about 20 ms after the trigger to a station asleep again, and the TCP retransmissions among them
 * were lost the same way at each doubled timeout (20.19, 20.81 and 21.93 s; silent from 19.86 s).
 *
 * The wait counts from the trigger's going out, not its queuing: `vwifi campaign --seed 561` (case
 * 99, round 30, with power save's timing drawn) found a U-APSD station whose trigger waited in the
 * card through a location scan, past the 50 ms: it dozed, the trigger went out after the scan, and its
 * AP sent the released frames to a station asleep; nothing got through for 5 s and the AP dropped it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runChecked, runFaultCase } from "./support.ts"
import { caseScenario, caseVerdict, FaultCase } from "../../src/fault/FaultCase.ts"
import { Schema } from "effect"

describe("a U-APSD station's wait for its service period", () => {
  it.effect("outlasts an AP's queue of another station's download (campaign seed 405's case 186)", () =>
    Effect.gen(function*() {
      // Three APs on channels 6, 1 and 11; vm0 and vm3 download TCP from the one on 6, both in U-APSD.
      const { scenario, report } = yield* runFaultCase({
        seed: 690351, mode: 0, vms: 4, aps: 3, traffic: ["tcp-rx", "ping", "tcp-tx", "tcp-rx"],
        faults: [
          { atTenths: 50, kind: 953, target: 0, size: 0 },
          { atTenths: 43, kind: 2, target: 0, size: 0 },
          { atTenths: 69, kind: 509, target: 445, size: 0 },
          { atTenths: 57, kind: 318, target: 588, size: 0 }
        ],
        setup: { phy: 0, wmm: 0, rateControl: 0, powerSave: 2, security: 1, switches: 1, txScheduler: 0, radio: 0, ess: 0, beacons: 1 }
      })
      assert.deepStrictEqual(scenario.vms.map((v) => [v.ssid, v.powerSave?.mode, v.traffic[0]!.kind]), [
        ["ap0", "uapsd", "tcp-rx"], ["ap1", "uapsd", "ping"], ["ap2", "uapsd", "tcp-tx"], ["ap0", "uapsd", "tcp-rx"]
      ])
      assert.deepStrictEqual(caseVerdict(report), [])
      for (const name of ["vm0", "vm3"]) assert.isAbove(report.vms.find((v) => v.name === name)!.lastDataAtSeconds!, scenario.durationSeconds - 1, name)
    }), { timeout: 60_000 })

  it.effect("counts from the trigger's going out: a trigger held through a scan is not sent to a station asleep (campaign seed 561's case 99)", () =>
    Effect.gen(function*() {
      // Passthrough, one VM in U-APSD downloading TCP, every 10th beacon, a 20 ms dynamic timeout, a
      // location scan every second (three channels, about 100 ms away); the guest reboots at 0.5 s for 2 s.
      // As found: the case's power save woke for every 10th beacon (the campaign now draws 5 at most).
      const found = Schema.decodeUnknownSync(FaultCase)({
        seed: 590844, mode: 2, vms: 1, aps: 1, traffic: ["tcp-rx", "ping", "ping", "ping"],
        faults: [{ atTenths: 5, kind: 683, target: 0, size: 981 }],
        setup: { phy: 0, wmm: 0, rateControl: 0, powerSave: 2, security: 0, switches: 0, txScheduler: 0, radio: 2, ess: 0, beacons: 0, fading: 0, dwell: 0, locate: 1, load: 0, vmacs: 0, listen: 2, interval: 0 }
      })
      const drawn = yield* Effect.orDie(caseScenario(found))
      const scenario = { ...drawn, vms: drawn.vms.map((v) => ({ ...v, powerSave: { ...v.powerSave, listenInterval: 10 } })) }
      assert.deepStrictEqual(scenario.vms.map((v) => [v.powerSave.mode, v.powerSave.dynamicTimeoutMs, v.traffic.map((t) => t.kind)]), [["uapsd", 20, ["tcp-rx", "locate"]]])
      const { report } = yield* runChecked(scenario, { seed: found.seed })
      assert.deepStrictEqual(caseVerdict(report), [])
      const vm0 = report.vms[0]!
      // One rejoin, the reboot's (the AP also dropped vm0 at 9.82 s), and data to the end (silent from 18.05 s).
      assert.deepStrictEqual(vm0.associations.map((a) => a.via), ["join", "rejoin"])
      assert.isAbove(vm0.lastDataAtSeconds!, scenario.durationSeconds - 2)
    }), { timeout: 60_000 })

  it.effect("no doze before a beacon of the new AP was heard: its wake-ups keep the TBTTs (campaign seed 593's case 167)", () =>
    Effect.gen(function*() {
      // Native, one VM in U-APSD (every 5th beacon, a 20 ms dynamic timeout) downloading UDP at
      // saturation from an ESS of two APs (channels 6 and 1, 100 and 50 TU) under Rayleigh fading,
      // scanning every second for its location, and roaming between the APs on those scans.
      const { scenario, report } = yield* runFaultCase({
        seed: 109593, mode: 3, vms: 1, aps: 2, traffic: ["udp-rx", "ping", "ping", "ping"],
        faults: [{ atTenths: 15, kind: 243, target: 0, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 2, powerSave: 2, security: 0, switches: 0, txScheduler: 0, radio: 2, ess: 1, beacons: 0, fading: 1, dwell: 0, locate: 1, load: 1, vmacs: 0, listen: 2, interval: 1 }
      })
      assert.deepStrictEqual(scenario.aps.map((a) => [a.channel, a.beaconIntervalTu]), [[6, 100], [1, 50]])
      assert.deepStrictEqual(caseVerdict(report), [])
      // Data to the end: after its roam back at 20.62 s it dozed 20 ms later, before ap0's first
      // beacon, woke at random phases and heard no beacon until the run's end (silent from 20.72 s).
      assert.isAbove(report.vms[0]!.lastDataAtSeconds!, scenario.durationSeconds - 1)
    }), { timeout: 60_000 })
})
