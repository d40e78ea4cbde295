/**
 * A station that joins again asks for its UDP download again until this connection's flow answers,
 * not an earlier flow's packets. Found by `vwifi campaign --seed 866` (case 118, round 32, shrunk):
 * one VM in legacy power save downloading UDP at saturation from a far server (20 ms each way); 85%
 * of the channel's frames lost from 5.2 s for 1.6 s, its vMAC's firmware crashed at 6.4 s. It joined
 * again at 6.407 s and sent its Subscribe, which the lossy channel dropped after its retries. The old
 * flow's packets, still on the wire and in its AP's buffer, kept arriving until 6.709 s and counted
 * as the download having started, so the Subscribe was not sent again; the endpoint, told the
 * station had gone, had ended the old flow. Now a flow's packets echo the Subscribe that started it,
 * and those of an earlier one do not count.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("a UDP download after a station joins again", () => {
  it.effect("is asked for again until this connection's flow answers (campaign seed 866's case 118)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 143146, mode: 0, vms: 1, aps: 1, traffic: ["udp-rx", "ping", "ping", "ping"],
        faults: [{ atTenths: 52, kind: 591, target: 813, size: 825 }, { atTenths: 64, kind: 233, target: 0, size: 0 }],
        setup: { phy: 2, wmm: 0, rateControl: 1, powerSave: 1, security: 1, switches: 4, txScheduler: 0, radio: 2, ess: 1, beacons: 0, fading: 0, dwell: 0, locate: 1, load: 1, vmacs: 0, listen: 0, interval: 0, aggregation: 0, wire: 1 }
      })
      assert.deepStrictEqual(scenario.faults.map((f) => [f.kind, f.atSeconds]), [["channel-loss", 5.2], ["crash-vmac", 6.4]])
      assert.strictEqual(scenario.aps[0]!.endpoint.wiredLatencyUs, 20_000)
      assert.deepStrictEqual(caseVerdict(report), [])
      const vm = report.vms[0]!
      assert.deepStrictEqual(vm.associations.map((a) => a.via), ["join", "rejoin"])
      // Its first Subscribe after the rejoin was lost: it went again (none did before).
      assert.isAtLeast(vm.resubscribes, 1)
      assert.isAbove(vm.lastDataAtSeconds!, scenario.durationSeconds - 0.5)
    }), { timeout: 60_000 })
})
