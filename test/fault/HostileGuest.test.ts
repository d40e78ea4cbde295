/** The hostile-guest fault: one VM attacking for seconds at a rate, bounded by the schema, refused write by write. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/run/RunScenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { assertNoStuckFrames, runChecked } from "../model/support.ts"

const vm = (name: string, traffic: ReadonlyArray<unknown> = []) => ({ name, ssid: "lab", passphrase: "vwifi-lab-key", traffic })
const withFault = (fault: Record<string, unknown>, mode = "virtual-wifi") =>
  decodeScenario({
    mode,
    durationSeconds: 6,
    vms: mode === "virtual-wifi" ? [vm("hostile"), vm("victim", [{ kind: "udp-tx", offeredMbps: 8 }])] : [vm("hostile")],
    faults: [{ kind: "hostile-guest", atSeconds: 2, vm: "hostile", ...fault }]
  })

describe("fault: hostile-guest", () => {
  it.effect("DMA outside its memory at 10k/s for 3 s: every write refused, the other VM's traffic unharmed", () =>
    Effect.gen(function*() {
      const scenario = yield* withFault({ attack: "dma-out-of-range", ratePerSecond: 10_000, forSeconds: 3 })
      const run = yield* runChecked(scenario, { seed: 3 })
      const r = run.report
      const [hostile, victim] = r.vms
      assert.deepStrictEqual(hostile!.rejectedByReason, { "dma-out-of-range": 30_000 })
      assert.strictEqual(victim!.rejections, 0)
      assert.isAbove(victim!.uplinkMbps, 7.5)
      assert.strictEqual(victim!.state, "connected")
      assert.strictEqual(r.faults.injectedByKind["hostile-guest"], 1)
      for (const [name, value] of Object.entries(r.invariants)) assert.strictEqual(value, 0, name)
      // Each write is refused as it comes (no backlog); the victim's 8 Mb/s wait a millisecond or so:
      // 1 s is far above, and a frame the attack lost would still be live.
      assertNoStuckFrames(run, 1e9)
    }))

  it.effect("a mixed attack spreads over the kinds and the VM itself stays connected", () =>
    Effect.gen(function*() {
      const r = yield* runScenario(yield* withFault({ ratePerSecond: 2000, forSeconds: 1 }), { seed: 5 })
      const reasons = Object.keys(r.vms[0]!.rejectedByReason)
      assert.isAtLeast(reasons.length, 4, reasons.join(", "))
      assert.strictEqual(r.vms[0]!.state, "connected")
    }))

  it.effect("the schema bounds the rate, the total and what a mode can be attacked with", () =>
    Effect.gen(function*() {
      const rate = yield* Effect.flip(withFault({ ratePerSecond: 1e6, forSeconds: 1 }))
      assert.include(rate.message, "faults[0].ratePerSecond: expected an integer between 1 and 100000, got 1000000")
      const total = yield* Effect.flip(withFault({ ratePerSecond: 100_000, forSeconds: 30 }))
      assert.include(total.message, "faults[0].forSeconds: 100000 commands a second for 30 s is 3000000 writes; one hostile-guest entry writes at most 1000000")
      const native = yield* Effect.flip(withFault({ attack: "bad-length", forSeconds: 1 }, "native"))
      assert.include(native.message, "faults[0].attack")
      const unknown = yield* Effect.flip(withFault({ attack: "rowhammer", forSeconds: 1 }))
      assert.include(unknown.message, "faults[0].attack: expected one of \"mixed\", \"garbage\"")
      const past = yield* Effect.flip(withFault({ vm: "nobody", forSeconds: 1 }))
      assert.include(past.message, "faults[0].vm: no VM is named \"nobody\"")
    }))
})
