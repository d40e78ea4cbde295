/**
 * The invariant monitor sees breaches through the trace sources the builder connects (the actors do
 * not call it): each breach made by hand below is counted once.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { scenarioOf, vmacOfVm, withWorld } from "../model/support.ts"
import { fixedChain } from "../../src/air/RetryChain.ts"

const KEY = "vwifi-lab-key"

/** Two VMs on one card, joined to one WPA2 AP. */
const twoVms = scenarioOf({
  mode: "virtual-wifi",
  card: { vmacs: 2 },
  vms: [{ name: "a", ssid: "lab", passphrase: KEY }, { name: "b", ssid: "lab", passphrase: KEY }]
})

describe("checkers observe the model", () => {
  it.effect("a frame delivered to the wrong VM, a scan answer nobody asked for, a DMA for another VM's frame: each counted", () =>
    Effect.gen(function*() {
      const scenario = yield* twoVms
      const counts = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(1e9)
          const clean = { ...world.monitor }
          const foreign = (owner: number): Frame => {
            const f = new Frame(world.ledger.nextFrameId(), FrameKind.Data, 1, 2, 3)
            f.owner = owner
            f.payload = Payload.Udp
            world.ledger.register(f)
            return f
          }
          // VM a's guest receives VM b's frame.
          world.vms[0]!.guest.ref.tellUnsafe({ _tag: "Irq", events: [{ _tag: "Rx", vmac: 0, frames: [foreign(1)] }] })
          // VM b's device model gets a scan answer it never asked for.
          ;(world.vms[1]!.port.ref as { tellUnsafe: (m: unknown) => boolean }).tellUnsafe({ _tag: "Events", events: [{ _tag: "ScanDone", results: [], fromCache: true }] })
          // The card reads VM b's frame through VM a's vMAC.
          const vmacOfA = vmacOfVm(world, 0)
          world.nic.ref.tellUnsafe({ _tag: "Transmit", vmac: vmacOfA, frames: [foreign(1)] })
          yield* Simulation.sleep(10e6)
          return { clean, after: { ...world.monitor } }
        }))
      assert.strictEqual(counts.clean.frameIsolation, 0)
      assert.strictEqual(counts.clean.scanIsolation, 0)
      assert.strictEqual(counts.clean.dmaIsolation, 0)
      assert.strictEqual(counts.after.frameIsolation, 1)
      assert.strictEqual(counts.after.scanIsolation, 1)
      assert.strictEqual(counts.after.dmaIsolation, 1)
    }))

  it.effect("a frame under another VM's key, accepted by the AP or sent by a vMAC carrying that key: each counted", () =>
    Effect.gen(function*() {
      const scenario = yield* twoVms
      const counts = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(1e9)
          const clean = world.monitor.keyIsolation
          const vmacOf = (vm: number) => vmacOfVm(world, vm)
          const keyOfB = world.nic.registers(vmacOf(1)).keyId
          const frameOfA = (): Frame => {
            const f = new Frame(world.ledger.nextFrameId(), FrameKind.Data, world.nic.vmacs[vmacOf(1)]!.mac, 2, 0)
            f.owner = 0
            f.payload = Payload.Udp
            f.payloadBytes = 100
            world.ledger.register(f)
            return f
          }
          // VM a's frame reaches the AP from b's address under b's key: the AP accepts it.
          const forged = frameOfA()
          forged.protected = true
          forged.keyId = keyOfB
          world.aps[0]!.ref.tellUnsafe({ _tag: "Heard", frames: [forged] })
          yield* Simulation.sleep(1e6)
          const afterAp = world.monitor.keyIsolation
          // VM a's vMAC carries b's key (as a reused vMAC would, had its keys not been cleared) and sends a's frame under it.
          ;(world.nic.registers(vmacOf(0)) as { keyId: number }).keyId = keyOfB
          const mine = frameOfA()
          mine.src = world.nic.vmacs[vmacOf(0)]!.mac
          world.nic.ref.tellUnsafe({ _tag: "Transmit", vmac: vmacOf(0), frames: [mine] })
          yield* Simulation.sleep(10e6)
          return { clean, keyOfB, afterAp, afterVmac: world.monitor.keyIsolation }
        }))
      assert.notStrictEqual(counts.keyOfB, 0)
      assert.strictEqual(counts.clean, 0)
      assert.strictEqual(counts.afterAp, 1)
      assert.strictEqual(counts.afterVmac, 2)
    }))

  it.effect("a rate write made for one VM applied to another VM's vMAC: counted, and its own VM's is not", () =>
    Effect.gen(function*() {
      const scenario = yield* twoVms
      const counts = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(1e9)
          const clean = world.monitor.crossVmWrites
          const vmacOf = (vm: number) => vmacOfVm(world, vm)
          const chain = fixedChain({ standard: "802.11g", rateMbps: 24 })
          // VM a's own write to its own vMAC: no breach.
          world.nic.ref.tellUnsafe({ _tag: "SetVmacRate", vmac: vmacOf(0), vm: 0, chain })
          yield* Simulation.sleep(1e6)
          const own = world.monitor.crossVmWrites
          // A write made on behalf of VM b reaches VM a's vMAC.
          world.nic.ref.tellUnsafe({ _tag: "SetVmacRate", vmac: vmacOf(0), vm: 1, chain })
          yield* Simulation.sleep(1e6)
          return { clean, own, crossed: world.monitor.crossVmWrites, distinct: vmacOf(0) !== vmacOf(1) }
        }))
      assert.isTrue(counts.distinct)
      assert.strictEqual(counts.clean, 0)
      assert.strictEqual(counts.own, 0)
      assert.strictEqual(counts.crossed, 1)
    }))
})
