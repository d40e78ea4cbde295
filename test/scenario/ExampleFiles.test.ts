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
    ["roaming-walk", examples.roamingWalk],
    ["location-floor", examples.locationFloor],
    ["rate-control", examples.rateControl],
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

  it.effect("roaming-walk.json: each VM roams once, to the far AP of its own network, at its own moment", () =>
    Effect.gen(function*() {
      const r = yield* runScenario(yield* loadScenarioFile(file("roaming-walk")), { seed: 1 })
      const [work, visitor] = r.vms
      assert.strictEqual(work!.bssid, "02:00:00:00:01:01")
      assert.strictEqual(visitor!.bssid, "02:00:00:00:01:03")
      for (const vm of r.vms) assert.isAtLeast(vm.roams, 1, vm.name)
      assert.notStrictEqual(work!.associations[1]!.atSeconds, visitor!.associations[1]!.atSeconds)
    }))

  it.effect("rate-control.json: the close VM's frames go at 54 Mbit/s, the distant one's lower", () =>
    Effect.gen(function*() {
      const r = yield* runScenario(yield* loadScenarioFile(file("rate-control")), { seed: 1 })
      const [close, distant] = r.vms
      assert.strictEqual(close!.rates.topRateMbps, 54)
      assert.isBelow(distant!.rates.topRateMbps!, 48)
      for (const vm of r.vms) assert.isAbove(vm.rates.commands, 0)
    }))
})
