/**
 * A vMAC reset during a join, and the join's answer found by the same tick's poll. Found by `vwifi
 * campaign --seed 823` (case 90, round 32, shrunk): one VM in passthrough saturating its uplink; vMAC
 * 0 hung at 1.7 s, six interrupts were dropped at 2.3 s, and the guest's driver crashed at 4.0 s and
 * was reloaded. Its join's association answer was raised at 4.2005 s with no interrupt; at 4.25 s the
 * driver's tick read it (a lost-interrupt poll) and, in the same tick, its TX watchdog reset the vMAC,
 * hung since 1.75 s. The reset's "Disconnected", raised after the answer, reached the driver first
 * (the poll was served on another thread, which the interrupt's handler preempted): the driver,
 * associating, ignored it, then took the older answer for a connection, "connected" on an idle vMAC
 * to the end (279,723 frames dropped as not associated). Round 32 made a join whose vMAC's association
 * ends fail at once (`GuestDriver`'s unit tests keep that); since round 33 the guest's own poll runs
 * on its vCPU, and the events reach it in the order the card raised them: connected at 4.25 s, then
 * told of the reset, and joined again.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { TX_RING_DESCRIPTORS } from "../../src/vocabulary/ModelConstants.ts"
import { runFaultCase } from "./support.ts"

describe("a vMAC reset during a join", () => {
  it.effect("reaches the driver after the join's answer, and the driver joins again (campaign seed 823's case 90)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 437363, mode: 2, vms: 1, aps: 1, traffic: ["udp-tx", "ping", "ping", "ping"],
        faults: [{ atTenths: 40, kind: 82, target: 0, size: 0 }, { atTenths: 23, kind: 307, target: 0, size: 634 }, { atTenths: 17, kind: 223, target: 0, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 0, powerSave: 0, security: 1, switches: 0, txScheduler: 0, radio: 0, ess: 0, beacons: 0, fading: 0, dwell: 0, locate: 0, load: 1, vmacs: 0, listen: 0, interval: 0, aggregation: 0, wire: 0 }
      })
      assert.strictEqual(scenario.mode, "passthrough")
      assert.deepStrictEqual(scenario.faults.map((f) => [f.kind, f.atSeconds]), [["crash-guest-driver", 4], ["interrupts", 2.3], ["hang-vmac", 1.7]])
      assert.deepStrictEqual(caseVerdict(report), [])
      // The reloaded driver's join answered at the poll, then joined again after the reset. Connected
      // for an instant on a vMAC the reset had left unassociated, it filled its TX ring once, which
      // the card dropped (279,723 frames when the driver stayed "connected" there).
      const associations = report.vms[0]!.associations
      assert.deepStrictEqual(associations.map((a) => a.via), ["join", "rejoin", "rejoin"])
      assert.closeTo(associations[1]!.atSeconds, 4.25, 1e-3)
      assert.isAbove(associations[2]!.atSeconds, 4.25)
      assert.isAtMost(report.frames.droppedByReason["not-associated"] ?? 0, TX_RING_DESCRIPTORS)
      assert.isAbove(report.vms[0]!.lastDataAtSeconds!, scenario.durationSeconds - 0.5)
    }), { timeout: 60_000 })
})
