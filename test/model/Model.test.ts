import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/model/RunScenario.ts"
import { twoVmsTwoAps, wrongPassphrase } from "../../src/scenario/examples.ts"
import { scenarioOf } from "./support.ts"

describe("model: VMs sharing one card", () => {
  it.effect("two VMs join two APs through one card, exchange UDP and ping, and never see each other's frames", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(twoVmsTwoAps)
      const r = yield* runScenario(scenario, { seed: 11, durationNs: 5e9 })
      assert.strictEqual(r.vms.length, 2)
      const ssids = new Set(r.vms.map((v) => v.ssid))
      assert.strictEqual(ssids.size, 2, "different SSIDs")
      for (const vm of r.vms) {
        assert.strictEqual(vm.state, "connected", `${vm.name} connected`)
        assert.isAbove(vm.uplinkMbps, 1, `${vm.name} moved UDP`)
        assert.isAbove(vm.ping.received, 10, `${vm.name} got ping replies`)
      }
      assert.notStrictEqual(r.vms[0]!.mac, r.vms[1]!.mac, "each VM has its own vMAC")
      assert.strictEqual(r.invariants.isolationViolations, 0)
      assert.strictEqual(r.invariants.unaccountedFrames, 0)
      assert.strictEqual(r.invariants.mappingInconsistencies, 0)
    }))

  it.effect("a VM with the wrong passphrase fails to join while the others keep working", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(wrongPassphrase)
      const r = yield* runScenario(scenario, { seed: 5, durationNs: 5e9 })
      const [a, b, c] = r.vms
      assert.strictEqual(a!.state, "connected")
      assert.strictEqual(b!.state, "connected")
      assert.notStrictEqual(c!.state, "connected")
      assert.strictEqual(c!.connectedAtSeconds, null)
      assert.isAbove(a!.uplinkMbps + a!.downlinkMbps, 1)
      assert.isAbove(b!.uplinkMbps + b!.downlinkMbps, 1)
      assert.strictEqual(r.invariants.isolationViolations, 0)
    }))
})

describe("model: determinism across modes", () => {
  for (const mode of ["native", "passthrough", "virtual-wifi"] as const) {
    it.effect(`the same scenario and seed give the same digest (${mode})`, () =>
      Effect.gen(function*() {
        const scenario = { ...(yield* scenarioOf({})), mode }
        const a = yield* runScenario(scenario, { seed: 3, durationNs: 2e9 })
        const b = yield* runScenario(scenario, { seed: 3, durationNs: 2e9 })
        const c = yield* runScenario(scenario, { seed: 4, durationNs: 2e9 })
        assert.strictEqual(a.traceDigest, b.traceDigest)
        assert.deepStrictEqual(a.vms, b.vms)
        assert.notStrictEqual(a.traceDigest, c.traceDigest)
        assert.strictEqual(a.vms[0]!.state, "connected")
        assert.isAbove(a.vms[0]!.uplinkMbps, 5)
      }))
  }
})
