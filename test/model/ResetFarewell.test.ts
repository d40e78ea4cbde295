/**
 * A vMAC reset while associated says farewell to its AP (a deauthentication on the old channel), and
 * a join the driver asks for next waits until that is done, as after a `Disassoc`. Found by
 * `vwifi campaign --cases 200 --seed 4` once the campaign drew setups (case 116, shrunk): an ESS of
 * two placed APs (channels 6 and 1), the host walking. vMAC 1 hung at 3.9 s; at 6.45 s the driver
 * reset it and joined the other AP at once. The join's authentication, pushed ahead of the
 * deauthentication (management frames go first), took the vMAC's ring to channel 1, while the
 * farewell held the radio on channel 6, where the ring no longer offered anything: both frames stayed
 * in the ring for ever (3 unaccounted frames), and two VMs were scanning to the end.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("a vMAC reset while associated", () => {
  it.effect("sends its farewell before it joins elsewhere (campaign seed 4's failing case)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 817137, mode: 0, vms: 3, aps: 2, traffic: ["ping", "tcp-rx", "ping", "ping"],
        faults: [{ atTenths: 59, kind: 757, target: 0, size: 0 }, { atTenths: 39, kind: 296, target: 447, size: 0 }],
        setup: { phy: 0, wmm: 0, rateControl: 0, powerSave: 0, security: 0, switches: 4, txScheduler: 0, radio: 3, ess: 1 }
      }, { apsInStep: true })
      assert.deepStrictEqual(scenario.faults.map((f) => [f.kind, f.atSeconds]), [["guest-reboot", 5.9], ["hang-vmac", 3.9]])
      assert.deepStrictEqual(scenario.aps.map((a) => [a.ssid, a.channel]), [["ess", 6], ["ess", 1]])
      assert.strictEqual(report.invariants.unaccountedFrames, 0, "the deauthentication and the authentication went out")
      assert.deepStrictEqual(caseVerdict(report), [])
      for (const vm of report.vms) assert.strictEqual(vm.state, "connected", vm.name)
    }), { timeout: 60_000 })
})
