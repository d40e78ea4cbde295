/**
 * A vMAC reset during a join fails the join, and the driver joins again. Found by `vwifi campaign
 * --seed 823` (case 90, round 32, shrunk): one VM in passthrough saturating its uplink; vMAC 0 hung at
 * 1.7 s, six interrupts were dropped at 2.3 s, and the guest's driver crashed at 4.0 s and was
 * reloaded. Its join's association answer was raised at 4.2005 s with no interrupt; at 4.25 s the
 * host's tick read it (a lost-interrupt poll) and, in the same tick, its TX watchdog reset the vMAC,
 * hung since 1.75 s. The reset's "Disconnected", raised after the answer, reached the driver first
 * (the interrupt thread runs before the tick thread's work): the driver, associating, ignored it, then
 * took the older answer for a connection. "Connected" on an idle vMAC, it sent to the end, and the card
 * dropped all of it as not associated (279,723 frames). Now a join whose vMAC's association ends fails
 * at once, and a late answer to it finds the driver scanning.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("a vMAC reset during a join", () => {
  it.effect("fails the join, and the driver joins again (campaign seed 823's case 90)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 437363, mode: 2, vms: 1, aps: 1, traffic: ["udp-tx", "ping", "ping", "ping"],
        faults: [{ atTenths: 40, kind: 82, target: 0, size: 0 }, { atTenths: 23, kind: 307, target: 0, size: 634 }, { atTenths: 17, kind: 223, target: 0, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 0, powerSave: 0, security: 1, switches: 0, txScheduler: 0, radio: 0, ess: 0, beacons: 0, fading: 0, dwell: 0, locate: 0, load: 1, vmacs: 0, listen: 0, interval: 0, aggregation: 0, wire: 0 }
      })
      assert.strictEqual(scenario.mode, "passthrough")
      assert.deepStrictEqual(scenario.faults.map((f) => [f.kind, f.atSeconds]), [["crash-guest-driver", 4], ["interrupts", 2.3], ["hang-vmac", 1.7]])
      assert.deepStrictEqual(caseVerdict(report), [])
      // Joined again after the failed join (the reset's), and nothing was dropped as not associated.
      assert.deepStrictEqual(report.vms[0]!.associations.map((a) => a.via), ["join", "rejoin"])
      assert.isAbove(report.vms[0]!.associations[1]!.atSeconds, 4.25)
      assert.isUndefined(report.frames.droppedByReason["not-associated"])
      assert.isAbove(report.vms[0]!.lastDataAtSeconds!, scenario.durationSeconds - 0.5)
    }), { timeout: 60_000 })
})
