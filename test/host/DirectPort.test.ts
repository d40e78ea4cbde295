/** The host side of a card a guest reaches directly (passthrough, native): its state and its recovery. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CRASH } from "../../src/actor/ModelActor.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { scenarioOf, withWorld } from "../model/support.ts"

describe("direct port (passthrough, native)", () => {
  for (const mode of ["passthrough", "native"] as const) {
    it.effect(`${mode}: a crash reads the card back (its MAC); the guest keeps its connection and its frames are still taken`, () =>
      Effect.gen(function*() {
        const scenario = yield* scenarioOf({
          mode,
          vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 2 }] }]
        })
        const seen = yield* withWorld(scenario, (world) =>
          Effect.gen(function*() {
            const vm = world.vms[0]!
            yield* Simulation.sleep(2e9)
            const before = vm.guest.stats.txDelivered
            vm.port.ref.tellUnsafe(CRASH)
            yield* Simulation.sleep(2e9)
            return {
              state: vm.guest.driver().state,
              reconnects: vm.guest.stats.reconnects,
              rejected: { ...vm.port.stats.rejectedByReason },
              delivered: vm.guest.stats.txDelivered - before,
              restarts: vm.port.ref.metrics().restarts
            }
          }))
        assert.strictEqual(seen.restarts, 1)
        assert.strictEqual(seen.state, "connected")
        assert.strictEqual(seen.reconnects, 0)
        // A lost MAC would refuse every frame as another station's.
        assert.deepStrictEqual(seen.rejected, {})
        // 2 Mb/s of 1470-byte packets for 2 s: about 340 frames.
        assert.isAbove(seen.delivered, 300)
      }))
  }
})
