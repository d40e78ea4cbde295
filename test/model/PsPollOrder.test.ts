/**
 * A vMAC's urgent frames leave its TX ring in the order they came. Found by `vwifi campaign --seed
 * 825` (case 163, round 32, shrunk): four VMs in legacy power save in an ESS of three APs (802.11n
 * HT40), vm3 downloading at saturation by PS-Polls. At 7.5779 s vm3 queued a PS-Poll for a beacon
 * whose TIM named it, and 0.18 ms later another for the buffered frame just received with More Data.
 * Each urgent frame went to the head of its ring, ahead of urgent ones queued earlier; every poll
 * after that was queued before the radio came back to the ring, so the first of the two stayed at its
 * tail to the end of the run: a frame lost without a record (the invariant `unaccountedFrames`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("a vMAC's PS-Polls", () => {
  it.effect("leave its ring in the order they came (campaign seed 825's case 163)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 742531, mode: 0, vms: 4, aps: 3, traffic: ["udp-tx", "tcp-tx", "ping", "udp-rx"],
        faults: [{ atTenths: 60, kind: 201, target: 528, size: 0 }],
        setup: { phy: 2, wmm: 0, rateControl: 3, powerSave: 1, security: 1, switches: 0, txScheduler: 0, radio: 1, ess: 1, beacons: 1, fading: 0, dwell: 0, locate: 0, load: 1, vmacs: 0, listen: 0, interval: 1, aggregation: 2, wire: 0 }
      })
      assert.deepStrictEqual(scenario.vms.map((v) => [v.powerSave?.mode, v.traffic[0]!.kind]), [["legacy", "udp-tx"], ["legacy", "tcp-tx"], ["legacy", "ping"], ["legacy", "udp-rx"]])
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
      assert.deepStrictEqual(caseVerdict(report), [])
    }), { timeout: 60_000 })
})
