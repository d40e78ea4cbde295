/**
 * Two vMACs leave their BSSs at the same instant, on two channels: each deauthentication holds the
 * card's radio until it is done (`Radio.farewells`), the first on the radio's own channel, the other
 * elsewhere. Found by `vwifi campaign --cases 200 --seed 98` (case 150, shrunk): both vMACs' firmware
 * crashed at 7 s, the driver reset both, and the radio sent the deauthentication on its own channel
 * but never went to the other's. A farewell on the radio's channel disarms its dwell timer, and only
 * the last farewell's end made the radio look again, so the second one, on channel 1, waited for
 * ever: the frame unaccounted, every scan after it waiting behind it, both VMs scanning to the end.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("two deauthentications at once, on two channels", () => {
  it.effect("both go out, and the VMs join again (campaign seed 98's failing case)", () =>
    Effect.gen(function*() {
      // vm0 on ap0 (channel 6, with vm2's downlink), vm1 on ap1 (channel 1); vMACs 0 and 1 crash at 7 s.
      const { scenario, report } = yield* runFaultCase({
        seed: 572389, mode: 0, vms: 3, aps: 2, traffic: ["ping", "ping", "tcp-rx", "ping"],
        faults: [{ atTenths: 70, kind: 221, target: 0, size: 0 }, { atTenths: 70, kind: 255, target: 336, size: 0 }]
      }, { apsInStep: true })
      assert.deepStrictEqual(scenario.faults.map((f) => [f.kind, f.atSeconds]), [["crash-vmac", 7], ["crash-vmac", 7]])
      assert.deepStrictEqual(scenario.aps.map((a) => a.channel), [6, 1])
      assert.strictEqual(report.invariants.unaccountedFrames, 0, "the second deauthentication went out")
      assert.deepStrictEqual(caseVerdict(report), [])
      for (const name of ["vm0", "vm1"]) {
        const vm = report.vms.find((v) => v.name === name)!
        assert.strictEqual(vm.state, "connected", name)
        assert.isAbove(vm.associations.at(-1)!.atSeconds, 7, `${name} joined again after the crash`)
      }
    }), { timeout: 60_000 })
})
