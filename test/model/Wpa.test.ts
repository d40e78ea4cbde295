/**
 * WPA2-PSK on the air: the 4-way handshake's EAPOL-Key frames between each vMAC and its AP, keys per
 * VM, a wrong passphrase caught by message 2's MIC, and data only after the handshake.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { wrongPassphrase } from "../../src/scenario/examples.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import type { World } from "../../src/world/World.ts"
import { assertNoStuckFrames, runChecked, scenarioOf, vmacOfVm, withWorld } from "./support.ts"

const KEY = "vwifi-lab-key"
const twoVms = {
  mode: "virtual-wifi",
  card: { vmacs: 2 },
  vms: [
    { name: "a", ssid: "lab", passphrase: KEY, traffic: [{ kind: "udp-tx", offeredMbps: 2 }, { kind: "udp-rx", offeredMbps: 2 }] },
    { name: "b", ssid: "lab", passphrase: KEY, traffic: [{ kind: "udp-tx", offeredMbps: 2 }] }
  ]
}

/** What happened to each EAPOL-Key frame and to the first data frames, seen through the ledger. */
const spy = (world: World, now: () => number) => {
  const eapol = new Map<number, { frame: Frame; message: number; outcome: string | undefined; atNs: number | undefined }>()
  const firstData = new Map<number, { atNs: number; frame: Frame }>()
  const ledger = world.ledger
  const register = ledger.register.bind(ledger)
  const deliver = ledger.deliver.bind(ledger)
  const drop = ledger.drop.bind(ledger)
  ledger.register = (f) => {
    if (f.kind === FrameKind.Eapol) eapol.set(f.id, { frame: f, message: f.info!.eapol!.message, outcome: undefined, atNs: undefined })
    register(f)
  }
  ledger.deliver = (f) => {
    const e = eapol.get(f.id)
    if (e !== undefined && e.outcome === undefined) Object.assign(e, { outcome: "delivered", atNs: now() })
    // Uplink data reaching the endpoint, per station.
    if (f.kind === FrameKind.Data && f.payload === Payload.Udp && f.owner >= 0 && !firstData.has(f.src)) firstData.set(f.src, { atNs: now(), frame: f })
    deliver(f)
  }
  ledger.drop = (f, reason) => {
    const e = eapol.get(f.id)
    if (e !== undefined && e.outcome === undefined) Object.assign(e, { outcome: reason, atNs: now() })
    drop(f, reason)
  }
  return { eapol, firstData }
}

describe("WPA2-PSK: the 4-way handshake on the air", () => {
  it.effect("each VM's four EAPOL-Key frames are on the air and accounted for; its data flows only after, under its own key", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(twoVms)
      const seen = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          const sim = yield* Simulation.Simulation
          const s = spy(world, () => sim.kernel.nowNs)
          yield* Simulation.sleep(3e9)
          const macs = [0, 1].map((v) => world.nic.vmacs[v]!.mac)
          const keys = [0, 1].map((v) => world.nic.registers(v).keyId)
          return { ...s, macs, keys, connected: world.vms.map((vm) => vm.guest.driver().state), monitor: { ...world.monitor }, ap: { ...world.aps[0]!.stats } }
        }))
      assert.deepStrictEqual(seen.connected, ["connected", "connected"])
      assert.strictEqual(seen.ap.handshakes, 2)
      assert.strictEqual(seen.ap.handshakeFailures, 0)
      for (const [v, mac] of seen.macs.entries()) {
        const frames = [...seen.eapol.values()].filter((e) => e.frame.src === mac || e.frame.dst === mac)
        assert.deepStrictEqual(frames.map((e) => e.message), [1, 2, 3, 4], `vMAC ${v}: messages 1-4, in order`)
        for (const e of frames) assert.strictEqual(e.outcome, "delivered", `message ${e.message} reached the handshake logic`)
        assert.isTrue(frames.every((e) => e.frame.receivedOnAir && !e.frame.protected), "sent on the air, in the clear")
        const first = seen.firstData.get(mac)
        assert.isDefined(first, `vMAC ${v} sent data`)
        assert.isAbove(first!.atNs, frames[3]!.atNs!, "its first data after message 4")
        assert.isTrue(first!.frame.protected)
        assert.strictEqual(first!.frame.keyId, seen.keys[v])
      }
      assert.notStrictEqual(seen.keys[0], 0)
      assert.notStrictEqual(seen.keys[0], seen.keys[1], "two VMs with the same passphrase on the same AP: different PTKs")
      assert.strictEqual(seen.monitor.keyIsolation, 0)
    }))

  it.effect("a wrong passphrase: message 2's MIC fails, the AP deauthenticates it (14) each time it retries; the others are unaffected", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(wrongPassphrase)
      const seen = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(5e9)
          return {
            states: world.vms.map((vm) => vm.guest.driver().state),
            ap: { ...world.aps[0]!.stats },
            drops: Object.fromEntries(world.ledger.droppedByReason),
            keys: [0, 1, 2].map((v) => world.nic.registers(v).keyId)
          }
        }))
      assert.strictEqual(seen.states[0], "connected")
      assert.strictEqual(seen.states[1], "connected")
      assert.notStrictEqual(seen.states[2], "connected")
      assert.strictEqual(seen.ap.handshakes, 2)
      assert.isAtLeast(seen.ap.handshakeFailures, 2, "mallory keeps retrying, and fails each time")
      assert.strictEqual(seen.drops["eapol-bad-mic"], seen.ap.handshakeFailures, "each failure is a message 2 with a bad MIC")
      assert.strictEqual(seen.keys.filter((k) => k !== 0).length, 2, "no key for mallory's vMAC")
      const run = yield* runChecked(scenario, { seed: 5, durationNs: 5e9 })
      assert.strictEqual(run.report.vms[2]!.connectedAtSeconds, null)
      // Mallory's message 2 is dropped (eapol-bad-mic) where it arrives; the others' 5 Mb/s wait a
      // millisecond or so: 1 s is far above either.
      assertNoStuckFrames(run, 1e9)
      assert.strictEqual(run.report.invariants.keyIsolation, 0)
    }))

  it.effect("a VM's vMAC loses its keys when the VM goes away; booted again, it joins with a fresh key", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(twoVms)
      const keys = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Simulation.sleep(2e9)
          const vmac = vmacOfVm(world, 1)
          const before = world.nic.registers(vmac).keyId
          world.vms[1]!.guest.ref.tellUnsafe({ _tag: "PowerOff" })
          world.vms[1]!.port.ref.tellUnsafe({ _tag: "VmReset" })
          yield* Simulation.sleep(1e9)
          const stopped = { keyId: world.nic.registers(vmac).keyId, state: world.nic.registers(vmac).state }
          world.vms[1]!.guest.ref.tellUnsafe({ _tag: "Boot" })
          yield* Simulation.sleep(3e9)
          const again = vmacOfVm(world, 1)
          return { before, stopped, after: world.nic.registers(again).keyId, state: world.vms[1]!.guest.driver().state, keyIsolation: world.monitor.keyIsolation }
        }))
      assert.notStrictEqual(keys.before, 0)
      assert.deepStrictEqual(keys.stopped, { keyId: 0, state: "stopped" })
      assert.strictEqual(keys.state, "connected")
      assert.notStrictEqual(keys.after, 0)
      assert.notStrictEqual(keys.after, keys.before, "a new handshake, a new PTK")
      assert.strictEqual(keys.keyIsolation, 0)
    }))
})
