/** The short soak CI runs: one simulated hour, 8 VMs coming and going, faults. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Schema } from "effect"
import { SoakReport } from "../../src/report/SoakReport.ts"
import { runSoak } from "../../src/soak/Soak.ts"
import { lifecycle, soakScenario } from "../../src/soak/SoakPlan.ts"

describe("soak", () => {
  it.effect("one simulated hour: faults injected and recovered, no invariant broken, every running VM connected", () =>
    Effect.gen(function*() {
      const hours: Array<number> = []
      const r = yield* runSoak({ hours: 1, vms: 8, faultsPerHour: 30, seed: 1 }, { onHour: (h) => void hours.push(h.hour) })
      assert.deepStrictEqual(hours, [1])
      assert.strictEqual(r.outcome, "completed")
      for (const [name, value] of Object.entries(r.invariants)) assert.strictEqual(value, 0, `invariant ${name}`)
      assert.isAbove(r.faults.injected, 30) // lifecycle events and faults together
      // The VMs came and went: each VM stops about every 15 minutes, moves about every 20, scans about every 5.
      const kinds = r.faults.injectedByKind
      assert.isAtLeast(kinds["vm-stop"] ?? 0, 8, "VMs stopped")
      assert.isAtLeast(kinds["vm-start"] ?? 0, 8, "and started again")
      assert.isAtLeast(kinds["vm-roam"] ?? 0, 8, "VMs moved between APs")
      assert.isAtLeast(kinds["vm-scan"] ?? 0, 40, "VMs scanned")
      assert.isAbove(r.faults.recoveries, 10)
      const h = r.hours[0]!
      // The hour's line tells faults from the VMs' lifecycle events, which the report counts together.
      const lifecycleCount = ["vm-stop", "vm-start", "vm-roam", "vm-scan"].reduce((n, k) => n + (kinds[k] ?? 0), 0)
      assert.strictEqual(h.lifecycleEvents, lifecycleCount)
      assert.strictEqual(h.faultsInjected, r.faults.injected - lifecycleCount)
      assert.strictEqual(h.invariantViolations, 0)
      assert.strictEqual(h.vmsConnected, h.vmsPoweredOn, "every VM that is on is connected at the hour's end")
      assert.isAbove(h.throughputMbps, 0.5)
      assert.isAbove(h.heapUsedMb, 1)
      assert.isAbove(h.liveFibers, 8)
      // The JSON form decodes with the exported schema.
      Schema.decodeUnknownSync(SoakReport)(JSON.parse(JSON.stringify(Schema.encodeSync(SoakReport)(r))))
    }), 300_000)

  it.effect("plans the same day for the same seed: VMs stop and start in turn, move between APs, scan", () =>
    Effect.gen(function*() {
      const a = yield* soakScenario({ hours: 2, vms: 4, faultsPerHour: 12, seed: 3 })
      const b = yield* soakScenario({ hours: 2, vms: 4, faultsPerHour: 12, seed: 3 })
      assert.deepStrictEqual(a, b)
      const events = lifecycle(["vm1"], 7200, 3)
      const kinds = events.filter((e) => e.kind === "vm-stop" || e.kind === "vm-start").map((e) => e.kind)
      // About every 15 minutes on average (drawn at random) for 2 hours: stops, each followed by its start.
      assert.isAtLeast(kinds.length, 4)
      kinds.forEach((k, i) => assert.strictEqual(k, i % 2 === 0 ? "vm-stop" : "vm-start"))
      assert.isAbove(events.filter((e) => e.kind === "vm-roam").length, 0)
      assert.isAbove(events.filter((e) => e.kind === "vm-scan").length, 10) // about every 5 minutes for 2 hours
      assert.isTrue(a.faults.every((f, i) => i === 0 || a.faults[i - 1]!.atSeconds <= f.atSeconds))
    }))

  it("plans no scan and no roam while a VM is off, and keeps the rest of the plan as it was", () => {
    const vms = ["vm1", "vm2", "vm3", "vm4"]
    const events = lifecycle(vms, 24 * 3600, 5)
    for (const vm of vms) {
      let off = false
      for (const e of events) {
        if (!("vm" in e) || e.vm !== vm) continue
        if (e.kind === "vm-stop") off = true
        else if (e.kind === "vm-start") off = false
        else assert.isFalse(off, `${e.kind} of ${vm} at ${e.atSeconds} s while it is off`)
      }
    }
    // In a day each VM is off about a tenth of the time: some scans and roams fall there and are left out.
    const scans = events.filter((e) => e.kind === "vm-scan").length
    assert.isAbove(scans, 4 * 200)
  })
})
