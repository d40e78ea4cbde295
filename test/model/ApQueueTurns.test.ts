/**
 * Saturated downlinks do not starve other stations' frames, nor a power-save frame the card must send
 * (`vwifi campaign --seed 481/482`, round 29, with the cases' new saturating UDP load, shrunk):
 * - An AP's aggregate gathered its receiver's frames from behind other receivers' frames up to the
 *   BlockAck window (64), where the 4 ms limit sent 21 at MCS 7 HT20: the 43 left stayed ahead of
 *   what they had passed. Two saturated downlinks then kept every ping reply to two other VMs in the
 *   AP's queue, about 107 places back, for the whole run (seed 482, case 13).
 * - With the card's FIFO scheduler, a power-save frame queued ahead of its vMAC's data took the
 *   FIFO's newest place: behind two saturated uplink rings it waited 0.23 s, past every deadline of
 *   its power save, and a doze null given up was queued again behind the first. Two VMs in legacy
 *   power save heard nothing of their downloads for 2.9 s (seed 482, case 111).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("an AP's queue and a card's rings under saturated flows", () => {
  it.effect("every ping reply reaches its VM beside two saturated downlinks (campaign seed 482's case 13)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 363799, mode: 0, vms: 4, aps: 1, traffic: ["udp-rx", "ping", "ping", "udp-rx"],
        faults: [{ atTenths: 5, kind: 655, target: 0, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 0, powerSave: 0, security: 0, switches: 0, txScheduler: 0, radio: 0, ess: 0, beacons: 0, fading: 0, dwell: 0, locate: 0, load: 1, vmacs: 0 }
      })
      assert.deepStrictEqual(scenario.vms.map((v) => [v.traffic[0]!.kind, "offeredMbps" in v.traffic[0]! ? v.traffic[0]!.offeredMbps : undefined]), [
        ["udp-rx", "saturate"], ["ping", undefined], ["ping", undefined], ["udp-rx", "saturate"]
      ])
      assert.deepStrictEqual(caseVerdict(report), [])
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
      for (const name of ["vm1", "vm2"]) {
        const ping = report.vms.find((v) => v.name === name)!.ping!
        // Each request answered but those of the run's last moments (a reply waits behind the downlinks' queue).
        assert.isAtLeast(ping.received, ping.sent - 2, name)
      }
    }), { timeout: 60_000 })

  it.effect("power-save frames go ahead of saturated uplinks under the FIFO scheduler (campaign seed 482's case 111)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 465608, mode: 0, vms: 4, aps: 1, traffic: ["udp-tx", "udp-rx", "udp-rx", "udp-tx"],
        faults: [{ atTenths: 5, kind: 903, target: 0, size: 0 }],
        setup: { phy: 0, wmm: 0, rateControl: 0, powerSave: 1, security: 0, switches: 0, txScheduler: 1, radio: 0, ess: 0, beacons: 0, fading: 0, dwell: 0, locate: 0, load: 1, vmacs: 0 }
      })
      assert.strictEqual(scenario.card.txScheduler, "fifo")
      assert.deepStrictEqual(scenario.vms.map((v) => v.powerSave?.mode), ["legacy", "legacy", "legacy", "legacy"])
      assert.deepStrictEqual(caseVerdict(report), [])
      for (const name of ["vm1", "vm2"]) assert.isAbove(report.vms.find((v) => v.name === name)!.lastDataAtSeconds!, scenario.durationSeconds - 0.5, name)
    }), { timeout: 60_000 })
})
