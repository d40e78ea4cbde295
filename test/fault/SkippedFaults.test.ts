/** Schedule entries that find nothing to act on at their time are reported as skipped, with why: never lost. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runChecked, scenarioOf } from "../model/support.ts"

describe("a fault schedule's entries that meet a VM in the wrong state", () => {
  it.effect("are counted as skipped by kind and reason, not as injected", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        durationSeconds: 7,
        vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 100 }] }],
        faults: [
          { kind: "vm-stop", atSeconds: 2, vm: "vm1" },
          // While vm1 is off: nothing to crash, scan with or stop.
          { kind: "crash-guest-driver", atSeconds: 3, vm: "vm1" },
          { kind: "vm-scan", atSeconds: 3.5, vm: "vm1" },
          { kind: "vm-stop", atSeconds: 3.8, vm: "vm1" },
          { kind: "vm-start", atSeconds: 4, vm: "vm1" },
          // Already on.
          { kind: "vm-start", atSeconds: 5, vm: "vm1" }
        ]
      })
      const { report } = yield* runChecked(scenario, { seed: 1 })
      const f = report.faults
      assert.deepStrictEqual(f.injectedByKind, { "vm-stop": 1, "vm-start": 1 })
      assert.strictEqual(f.injected, 2)
      assert.deepStrictEqual(f.skippedByReason, {
        "crash-guest-driver: the VM was off": 1,
        "vm-scan: the VM was off": 1,
        "vm-stop: the VM was off": 1,
        "vm-start: the VM was already on": 1
      })
      assert.strictEqual(f.skipped, 4)
      // Every entry is accounted for, one way or the other.
      assert.strictEqual(f.injected + f.skipped, scenario.faults.length)
    }))
})
