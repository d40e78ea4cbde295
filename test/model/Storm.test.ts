import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/run/RunScenario.ts"
import { commandStorm } from "../../src/scenario/examples.ts"
import { scenarioOf } from "./support.ts"

/** The bound: each victim's goodput within 5% of the same run without the storms. */
const TOLERANCE = 0.05

describe("model: a VM that floods its device model", () => {
  // The bound of the issue on isolation. Which rule of the scheduler gives it (wake-up preemption, the
  // pick by virtual runtime) is shown in test/cpu/CpuCore.test.ts: a round-robin core would pass here too.
  it.effect("50,000 hostile commands in half a second leave the other VMs' goodput within 5% (the core keeps serving their threads)", () =>
    Effect.gen(function*() {
      const stormy = yield* scenarioOf(commandStorm)
      const calm = { ...stormy, faults: [] }
      const withStorms = yield* runScenario(stormy, { seed: 1 })
      const without = yield* runScenario(calm, { seed: 1 })
      const hostile = withStorms.vms.find((v) => v.name === "hostile")!
      // The storms happened, were refused, and loaded the core: the hostile VM's own threads did the work.
      assert.strictEqual(withStorms.faults.injectedByKind["command-storm"], 5)
      assert.isAtLeast(hostile.rejections, 50_000)
      assert.isAbove(withStorms.cpu.vms["hostile"]!, 20, "the hostile VM's threads were busy for a fifth of the run or more")
      assert.isBelow(without.cpu.vms["hostile"]!, 1)
      for (const name of ["victim-1", "victim-2"]) {
        const calmMbps = without.vms.find((v) => v.name === name)!.uplinkMbps
        const stormMbps = withStorms.vms.find((v) => v.name === name)!.uplinkMbps
        assert.closeTo(calmMbps, 8, 0.1, `${name} gets its 8 Mb/s without storms`)
        assert.isAtMost(Math.abs(stormMbps - calmMbps), TOLERANCE * calmMbps, `${name}: ${stormMbps.toFixed(3)} Mb/s with storms, ${calmMbps.toFixed(3)} without`)
      }
      for (const r of [withStorms, without]) {
        assert.strictEqual(r.invariants.isolationViolations, 0)
        assert.strictEqual(r.invariants.unaccountedFrames, 0)
        assert.strictEqual(r.invariants.cpuAccountingErrorNs, 0)
      }
    }), 120_000)
})
