/**
 * A hostile guest's writes cannot queue up behind its vCPU: a write that traps keeps the vCPU in the
 * exit until it has been handled (KVM's MMIO exit is synchronous), so the guest writes again only
 * then, and a flood runs at the speed the core gives it. Found by the red team: at 100,000 writes a
 * second the trapped writes queued on the core faster than it ran them (the heap grew ~83 MB per
 * simulated second), and their work went on for many seconds after the attack's end.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { actorSummary } from "../../src/run/RunWorld.ts"
import { report } from "../../src/run/RunScenario.ts"
import { totalRejections } from "../../src/vocabulary/CardEvent.ts"
import { RAW_WRITES_WAITING } from "../../src/guest/GuestVm.ts"
import { scenarioOf, withWorld } from "./support.ts"

describe("a hostile guest's flood of writes", () => {
  it.effect("is handled as it comes: nothing of it is left to run once the attack ends, and the other VMs keep their traffic", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        durationSeconds: 30,
        card: { vmacs: 4 },
        vms: ["a", "b", "c"].map((name) => ({ name, ssid: "lab", passphrase: "vwifi-lab-key", traffic: name === "c" ? [] : [{ kind: "udp-tx", offeredMbps: "saturate" }] })),
        faults: [{ kind: "hostile-guest", atSeconds: 2, vm: "c", attack: "mixed", ratePerSecond: 100_000, forSeconds: 1 }]
      })
      const { refused, perWriteMs, busyAfterMs, others } = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          const sim = yield* Simulation.Simulation
          // c's threads' busy time: its writes' traps and checks are all it does.
          const busyOfC = () => world.cpu.snapshot().vmBusyNs.get(2) ?? 0
          yield* Simulation.sleep(2e9) // the attack's start
          const atStart = busyOfC()
          yield* Simulation.sleep(1e9) // its end
          const atEnd = busyOfC()
          const refusedAtEnd = totalRejections(report(world, sim.kernel.nowNs).vms.find((v) => v.name === "c")!.rejectedByReason)
          yield* Simulation.sleep(2e9)
          const r = report(world, sim.kernel.nowNs, yield* actorSummary)
          return {
            refused: totalRejections(r.vms.find((v) => v.name === "c")!.rejectedByReason),
            perWriteMs: (atEnd - atStart) / 1e6 / refusedAtEnd,
            busyAfterMs: (busyOfC() - atEnd) / 1e6,
            others: r.vms.filter((v) => v.name !== "c").map((v) => v.uplinkMbps)
          }
        }))
      assert.isAbove(refused, 5_000, "the attack made its writes")
      // What may run after the end: the write under way and those its program was behind by, each
      // costing what a write cost during the attack (the core's time for c over the writes it made).
      const bound = (RAW_WRITES_WAITING + 1) * perWriteMs * 1.5
      assert.isBelow(busyAfterMs, bound, `c's vCPU was still busy with the attack ${busyAfterMs} ms after it ended (${refused} writes refused, ${(perWriteMs * 1000).toFixed(1)} µs each)`)
      for (const mbps of others) assert.isAbove(mbps, 5)
    }), { timeout: 60_000 })
})
