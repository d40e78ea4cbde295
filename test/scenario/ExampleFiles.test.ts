import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as examples from "../../src/scenario/examples.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { loadScenarioFile } from "../../src/scenario/ScenarioLoad.ts"

const file = (name: string) => fileURLToPath(new URL(`../../examples/${name}.json`, import.meta.url))

describe("examples/*.json", () => {
  for (const [name, object] of [
    ["two-vms-two-aps", examples.twoVmsTwoAps],
    ["four-vms-ht40", examples.fourVmsHt40],
    ["wrong-passphrase", examples.wrongPassphrase],
    ["fault-schedule", examples.faultSchedule],
    ["power-save", examples.powerSave]
  ] as const) {
    it.effect(`${name}.json is the documented example and loads`, () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(JSON.parse(readFileSync(file(name), "utf8")), object)
        const scenario = yield* loadScenarioFile(file(name))
        assert.isAbove(scenario.vms.length, 0)
      }))
  }

  it.effect("fault-schedule.json recovers from every fault it schedules: all VMs end connected and moving data", () =>
    Effect.gen(function*() {
      const r = yield* runScenario(yield* loadScenarioFile(file("fault-schedule")), { seed: 1 })
      for (const [name, value] of Object.entries(r.invariants)) assert.strictEqual(value, 0, `invariant ${name}`)
      assert.strictEqual(r.faults.injected, 6)
      for (const what of ["driver-restart", "vmac-watchdog-reset", "reconnect"]) assert.isDefined(r.faults.recoveriesByWhat[what], what)
      for (const vm of r.vms) {
        assert.strictEqual(vm.state, "connected", vm.name)
        assert.isAbove(vm.lastDataAtSeconds ?? 0, r.simulatedSeconds - 1, `${vm.name} moves data at the end`)
      }
      assert.isAbove(r.vms[2]!.rejections, 0, "the hostile commands were refused")
    }))
})
