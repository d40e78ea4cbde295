/**
 * A vMAC's farewell outlives its owner: a guest that reboots disassociates (its vMAC's deauthentication
 * goes to the ring, the radio held on the old channel for it) and then releases the vMAC, and a join
 * asked next on that vMAC, by whichever VM is given it, waits until the deauthentication is done.
 * Found by the campaigns (seed 191, case 47): vm1 rebooted at 1.8 s, the very instant vm3 came back
 * from its own reboot and was given vm1's vMAC; the vMAC's reset forgot the farewell under way, vm3
 * joined its AP on channel 6 at once, the ring went with it, and the radio, held on channel 1 for a
 * deauthentication that now waited behind a join on channel 6, stayed there for the rest of the run:
 * every VM scanning, four frames never settled.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("a vMAC's farewell across owners", () => {
  it.effect("the next owner's join waits for the last owner's deauthentication: every VM connected again (seed 191, case 47, shrunk)", () =>
    Effect.gen(function*() {
      const { report } = yield* runFaultCase({
        seed: 267413, mode: 0, vms: 4, aps: 4, traffic: ["tcp-rx", "ping", "ping", "ping"],
        faults: [{ atTenths: 9, kind: 715, target: 807, size: 467 }, { atTenths: 18, kind: 766, target: 451, size: 26 }],
        setup: { phy: 1, wmm: 0, rateControl: 0, powerSave: 0, security: 0, switches: 0, txScheduler: 0, radio: 0, ess: 0, beacons: 1 }
      })
      assert.deepStrictEqual(caseVerdict(report), [])
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
      for (const vm of report.vms) assert.strictEqual(vm.state, "connected", vm.name)
    }), { timeout: 60_000 })
})
