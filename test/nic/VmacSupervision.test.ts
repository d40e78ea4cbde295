import { assert, describe, it } from "@effect/vitest"
import { Effect, Schedule } from "effect"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"
import { CRASH } from "../../src/actor/ModelActor.ts"
import * as Vmac from "../../src/nic/Vmac.ts"
import { fixedChain } from "../../src/air/RetryChain.ts"
import { psOff } from "../../src/nic/PowerSave.ts"
import { scenarioOf, withWorld } from "../model/support.ts"

const KEY = "vwifi-lab-key"

describe("vMAC actors are children of the NIC", () => {
  it.effect("a vMAC that crashes past its restart budget tells its parent", () =>
    Effect.gen(function*() {
      const { exit } = yield* Simulation.run(Effect.gen(function*() {
        const escalated: Array<string> = []
        const regs: Vmac.VmacRegisters = { state: "idle", bssid: 0, channel: 6, iommuDomainBytes: undefined, phy: { standard: "802.11g", rateMbps: 54 }, chain: fixedChain({ standard: "802.11g", rateMbps: 54 }), keyId: 0, rsn: false, txQueued: 0, txCompleted: 0, ownInFlight: 0, signalMonitor: undefined, aid: 0, ps: psOff, wakeAtNs: 0, uapsd: false, joinStartedNs: 0 }
        const told: Array<string> = []
        const v = yield* Vmac.make({
          index: 0, mac: 0x020000000200, regs, ledger: new FrameLedger(), traces: new Vmac.CardTraces(),
          nic: { tellUnsafe: (m) => (told.push(m._tag === "FromVmac" ? m.event?._tag ?? "offer" : m._tag), true) },
          parent: { childEscalated: (e) => void escalated.push(e.actor) },
          qos: true,
          supervision: { maxRestarts: 1, windowNs: 1e9, backoff: Schedule.spaced("1 millis") }
        })
        v.ref.tellUnsafe(CRASH)
        yield* Simulation.sleep(10e6)
        v.ref.tellUnsafe(CRASH)
        yield* Simulation.sleep(10e6)
        return { escalated, told, running: v.ref.metrics().running }
      }).pipe(Effect.provide(ActorSystem.layer)), { seed: 1 })
      assert.strictEqual(exit._tag, "Success")
      if (exit._tag !== "Success") return
      assert.deepStrictEqual(exit.value.escalated, ["vmac-0"])
      assert.isFalse(exit.value.running)
      assert.include(exit.value.told, "FirmwareError", "after its first restart it reported the firmware error")
    }))

  it.effect("the NIC stops an escalated vMAC for good, drops what is sent to it, and the other VM goes on", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        mode: "virtual-wifi",
        card: { vmacs: 2 },
        vms: [
          { name: "a", ssid: "lab", passphrase: KEY, traffic: [{ kind: "udp-tx", offeredMbps: 2 }] },
          { name: "b", ssid: "lab", passphrase: KEY, traffic: [{ kind: "udp-tx", offeredMbps: 2 }] }
        ]
      })
      const out = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(2e9)
          world.nic.ref.tellUnsafe({ _tag: "VmacFailed", vmac: 1 })
          const sentBefore = world.vms[0]!.guest.stats.txDelivered
          yield* Simulation.sleep(2e9)
          return {
            failed: world.nic.stats.vmacsFailed,
            state: world.nic.registers(1).state,
            aMoved: world.vms[0]!.guest.stats.txDelivered - sentBefore,
            droppedForFailed: world.ledger.droppedByReason.get("vmac-failed") ?? 0
          }
        }))
      assert.strictEqual(out.failed, 1)
      assert.strictEqual(out.state, "stopped")
      assert.isAbove(out.aMoved, 300, "VM a kept sending (2 Mb/s is ~170 frames/s)")
      assert.isAbove(out.droppedForFailed, 0, "what VM b still sends is dropped with a reason, not lost")
    }))
})
