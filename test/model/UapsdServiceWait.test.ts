/**
 * A U-APSD station waits for its service period as Intel's firmware does, 50 ms after its trigger
 * and after each frame (`PowerSave.UAPSD_SP_TIMEOUT_NS`). With a 10 ms wait, `vwifi campaign --cases
 * 200 --seed 405` (case 186, round 28, shrunk) found a TCP download that went silent: its AP's one
 * FIFO held another station's saturated download ahead of the frames a trigger released, they went
 * out about 20 ms after the trigger to a station asleep again, and the TCP retransmissions among them
 * were lost the same way at each doubled timeout (20.19, 20.81 and 21.93 s; silent from 19.86 s).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

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
})
