/**
 * A vMAC that stops listening for its beacon tells the radio, whose dwell may wait for that. Found by
 * `vwifi campaign --seed 879` (case 100, round 32, shrunk): two VMs in U-APSD, vm0 on channel 6
 * downloading UDP at saturation (its service periods follow one another), vm1 on channel 1
 * downloading TCP; ap1 deauthenticated vm1 at 4.4 s. At 20.956 s the radio came back to channel 6,
 * whose dwell had run out, while vm0 listened for its beacon, and waited for it (`listeningOn`); vm0
 * heard its TIM and went into a service period, which needs the radio as listening did, so it told
 * the radio nothing, and the radio, its dwell never armed again, stayed on channel 6 to the end: vm1's
 * download stopped 2.05 s before the end, its frame for its AP waiting in its ring.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("a vMAC that stops listening for its beacon", () => {
  it.effect("gives the radio back to the rotation (campaign seed 879's case 100)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 792873, mode: 0, vms: 2, aps: 4, traffic: ["udp-rx", "tcp-rx", "ping", "ping"],
        faults: [{ atTenths: 44, kind: 557, target: 502, size: 0 }],
        setup: { phy: 0, wmm: 0, rateControl: 1, powerSave: 2, security: 0, switches: 2, txScheduler: 0, radio: 1, ess: 0, beacons: 0, fading: 0, dwell: 0, locate: 0, load: 1, vmacs: 0, listen: 3, interval: 0, aggregation: 0, wire: 0 }
      })
      assert.deepStrictEqual(scenario.vms.map((v) => [v.powerSave?.mode, v.traffic[0]!.kind]), [["uapsd", "udp-rx"], ["uapsd", "tcp-rx"]])
      assert.deepStrictEqual(caseVerdict(report), [])
      for (const vm of report.vms) assert.isAbove(vm.lastDataAtSeconds!, scenario.durationSeconds - 0.5, vm.name)
    }), { timeout: 60_000 })
})
