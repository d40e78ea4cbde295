/** Each kind of fault against the model, and the recovery a real system would make. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type { RunReport } from "../../src/report/RunReport.ts"
import { assertNoStuckFrames, runChecked, scenarioOf } from "../model/support.ts"
import type { CheckedRun } from "../model/support.ts"
import { DRIVER_TICK_NS, WATCHDOG_STALL_NS } from "../../src/vocabulary/ModelConstants.ts"

const key = "vwifi-lab-key"
const twoVms = (faults: ReadonlyArray<unknown>, extra: Record<string, unknown> = {}) => ({
  durationSeconds: 12,
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00" }, { ssid: "lab2", bssid: "02:00:00:00:01:01", channel: 1 }],
  vms: [
    { name: "a", ssid: "lab", passphrase: key, traffic: [{ kind: "udp-tx", offeredMbps: 2 }, { kind: "ping", intervalMs: 50 }] },
    { name: "b", ssid: "lab2", passphrase: key, traffic: [{ kind: "udp-rx", offeredMbps: 2 }] }
  ],
  faults,
  ...extra
})

/** The run's report, and its frames still live at the end. */
const run = (input: unknown, seed = 1) => Effect.flatMap(scenarioOf(input), (s) => runChecked(s, { seed }))

/**
 * A frame's longest legitimate life under these faults: a hung vMAC's ring waits for the watchdog
 * (`WATCHDOG_STALL_NS`, 2.5 s without a completion) and the reset that drops it; a restarted driver,
 * card, device model or AP resumes or drops its frames within a driver tick (50 ms) or two; in a 0.6 s
 * outage a frame is dropped after its seven attempts, some 25 ms. 3 s is above all of them and leaves
 * a 12 s run 8 s in which a lost frame would show.
 */
const FAULT_LIFETIME_NS = 3e9

/** Every invariant holds, no frame outlived `lifetimeNs` (the report's own check uses 15 s, longer than these runs), every VM ends connected and moving data. */
const assertClean = (checked: CheckedRun<unknown>, lifetimeNs = FAULT_LIFETIME_NS): RunReport => {
  const r = checked.report
  for (const [name, value] of Object.entries(r.invariants)) assert.strictEqual(value, 0, `invariant ${name}`)
  assertNoStuckFrames(checked, lifetimeNs)
  for (const vm of r.vms) {
    assert.strictEqual(vm.state, "connected", `${vm.name} ends connected`)
    assert.isAbove(vm.lastDataAtSeconds ?? 0, r.simulatedSeconds - 1, `${vm.name} moves data at the end`)
  }
  return r
}

const recovery = (r: RunReport, what: string) => r.faults.recoveriesByWhat[what]

describe("recovery from faults", () => {
  it.effect("a VM's uplink goodput counts at every AP it used, and stays its own when vMACs change hands", () =>
    Effect.gen(function*() {
      // a moves to lab2 at 4 s; b reboots at 6 s and comes back on another vMAC.
      const checked = yield* run(twoVms([{ kind: "vm-roam", atSeconds: 4, vm: "a", ssid: "lab2" }, { kind: "guest-reboot", atSeconds: 6, vm: "b" }]))
      const r = assertClean(checked)
      const [a, b] = r.vms
      assert.closeTo(a!.uplinkMbps, 2, 0.15, "a's 2 Mb/s at both endpoints, less the move")
      assert.isBelow(b!.uplinkMbps, 0.01, "b only receives")
      // A move is a scan and a join, not a timeout: the vMAC retunes even when the tune finds it mid-exchange.
      const move = a!.associations.find((x) => x.via === "roam")
      assert.isDefined(move, "the move is a's roam")
      assert.isBelow(move!.tookMs, 300)
      // A move its owner asked for is no outage: the one recovery is b's join after its reboot.
      assert.deepStrictEqual([a!.reconnects, a!.roams, b!.reconnects], [0, 1, 1])
      assert.strictEqual(recovery(r, "reconnect")?.count, 1)
    }))

  it.effect("a driver crash: restarted and rebuilt from the card and its journal, no VM loses its connection", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([{ kind: "crash-driver", atSeconds: 3 }, { kind: "crash-driver", atSeconds: 6 }]))
      const r = assertClean(checked)
      assert.strictEqual(recovery(r, "driver-restart")?.count, 2)
      assert.strictEqual(r.faults.actorRestarts["driver"], 2)
      assert.deepStrictEqual(r.vms.map((v) => v.reconnects), [0, 0])
      assert.deepStrictEqual(r.driver.vmacs.slice(0, 2), ["a", "b"])
      assert.isAbove(r.vms[0]!.uplinkMbps, 1.9)
    }))

  it.effect("a hung vMAC: the watchdog resets it (that vMAC only) within its stall time, and its VM joins again", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([{ kind: "hang-vmac", atSeconds: 3, vmac: 0 }]))
      const r = assertClean(checked)
      const reset = recovery(r, "vmac-watchdog-reset")
      assert.strictEqual(reset?.count, 1)
      // Its stall bound, then at most two driver ticks until a tick sees it (600 ms with the former 500 ms bound).
      assert.isAtLeast(reset!.maxMs, WATCHDOG_STALL_NS / 1e6)
      assert.isAtMost(reset!.maxMs, (WATCHDOG_STALL_NS + 2 * DRIVER_TICK_NS) / 1e6)
      assert.deepStrictEqual(r.vms.map((v) => v.reconnects), [1, 0])
      assert.strictEqual(r.frames.droppedByReason["tx-hang"]! > 0, true)
    }))

  it.effect("a vMAC firmware crash: reset at once on its error interrupt", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([{ kind: "crash-vmac", atSeconds: 3, vmac: 1 }]))
      const r = assertClean(checked)
      assert.strictEqual(recovery(r, "vmac-firmware-reset")?.count, 1)
      assert.deepStrictEqual(r.vms.map((v) => v.reconnects), [0, 1])
    }))

  it.effect("lost interrupts: the driver's poll finds the completed work", () =>
    Effect.gen(function*() {
      const checked = yield* run({
        durationSeconds: 6,
        vms: [{ name: "a", ssid: "lab", passphrase: key, traffic: [{ kind: "ping", intervalMs: 500 }] }],
        faults: [{ kind: "interrupts", atSeconds: 2, action: "drop", count: 4 }, { kind: "interrupts", atSeconds: 4, action: "duplicate", count: 4 }]
      })
      const r = assertClean(checked)
      const poll = recovery(r, "lost-interrupt-poll")
      assert.isAtLeast(poll?.count ?? 0, 1)
      assert.isAtMost(poll!.maxMs, 51) // one driver tick
    }))

  it.effect("a device model or guest driver crash: restarted; the guest driver reloads and joins again", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([{ kind: "crash-device-model", atSeconds: 3, vm: "a" }, { kind: "crash-guest-driver", atSeconds: 5, vm: "b" }]))
      const r = assertClean(checked)
      assert.strictEqual(recovery(r, "device-model-restart")?.count, 1)
      assert.strictEqual(recovery(r, "guest-driver-restart")?.count, 1)
      assert.deepStrictEqual(r.vms.map((v) => v.reconnects), [0, 1])
    }))

  it.effect("an AP that disappears and comes back, a deauthentication, an outage: every VM joins again", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([
        { kind: "ap-down", atSeconds: 2, ap: "lab2", forSeconds: 2 },
        { kind: "ap-deauth", atSeconds: 3, ap: "lab", vm: "a" },
        // The radio shares its time between channels 1 and 6, and only time on a's channel counts
        // toward beacon loss: 2 s of it without a beacon (about 4 s of outage), then 5 unanswered
        // probes 0.5 s apart, some 7 s in all; 10 s of outage finds the AP gone.
        { kind: "channel-loss", atSeconds: 6, channel: 6, forSeconds: 10 }
      ], { durationSeconds: 25 }))
      // a's frames wait in its ring through the outage until it finds its AP gone, the 7 s above:
      // 10 s is above that, and leaves the 25 s run 14 s in which a lost frame would show.
      const r = assertClean(checked, 10e9)
      assert.isAtLeast(r.vms[0]!.reconnects, 2)
      assert.isAtLeast(r.vms[1]!.reconnects, 1)
    }))

  it.effect("a receive-only VM whose deauthentication is lost in an outage: its connection monitor finds out and it joins again", () =>
    Effect.gen(function*() {
      // Found by the property test: the AP forgets the station, the deauth never arrives, and a VM
      // that only receives never sends the frame the AP would answer with another deauth.
      const faults = [
        { kind: "channel-loss", atSeconds: 2, channel: 1, lossPercent: 100, forSeconds: 0.6 },
        { kind: "ap-deauth", atSeconds: 2, ap: "lab2", vm: "b" }
      ]
      // Both APs on channel 1: on two channels the card's radio would announce doze for b at every
      // switch, and that null-data frame would reveal the lost association at once (next test).
      const checked = yield* run(twoVms(faults, { durationSeconds: 12, card: { channel: 1 } }))
      const r = assertClean(checked)
      assert.strictEqual(r.vms[1]!.reconnects, 1)
      assert.strictEqual(r.vms[1]!.linkProbes, 1)
      // The probe goes 5 s after the last frame heard; the VM is back in about a second more.
      const back = r.faults.recent.find((e) => e.what === "reconnect" && e.target === "b")
      assert.isDefined(back)
      assert.isAtMost(back!.atSeconds + back!.tookMs / 1e3, 2 + 5 + 1.5)
      // VM a sends and hears all the time: no probes.
      assert.strictEqual(r.vms[0]!.linkProbes, 0)
    }))

  it.effect("the same on two channels: the doze announcement at the radio's next switch reveals the lost association", () =>
    Effect.gen(function*() {
      const faults = [
        { kind: "channel-loss", atSeconds: 2, channel: 1, lossPercent: 100, forSeconds: 0.6 },
        { kind: "ap-deauth", atSeconds: 2, ap: "lab2", vm: "b" }
      ]
      const checked = yield* run(twoVms(faults, { durationSeconds: 12 }))
      const r = assertClean(checked)
      assert.strictEqual(r.vms[1]!.reconnects, 1)
      assert.strictEqual(r.vms[1]!.linkProbes, 0, "no need for the connection monitor")
      const back = r.faults.recent.find((e) => e.what === "reconnect" && e.target === "b")
      assert.isDefined(back)
      assert.isAtMost(back!.atSeconds + back!.tookMs / 1e3, 2 + 0.6 + 1, "back within a second of the outage's end")
    }))

  it.effect("the card's firmware core and an AP crash: both restart, every VM ends connected and moving data", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([
        { kind: "crash-nic", atSeconds: 2 },
        { kind: "crash-nic", atSeconds: 2.05 },
        // In the middle of a scan: it ends early with what it found.
        { kind: "vm-scan", atSeconds: 3, vm: "a" },
        { kind: "crash-nic", atSeconds: 3.03 },
        { kind: "crash-ap", atSeconds: 4, ap: "lab" },
        { kind: "crash-ap", atSeconds: 6, ap: "lab2" }
      ]))
      const r = assertClean(checked)
      assert.strictEqual(r.faults.actorRestarts["nic"], 3)
      assert.strictEqual(r.faults.actorRestarts["ap-lab"], 1)
      assert.strictEqual(r.faults.actorRestarts["ap-lab2"], 1)
      // An AP that reboots forgets its stations: each is told so when it next sends, and joins again.
      assert.isAtLeast(r.vms[0]!.reconnects, 1)
      assert.isAtLeast(r.vms[1]!.reconnects, 1)
      assert.isAbove(r.vms[0]!.uplinkMbps, 1.5)
    }))

  it.effect("a VM that shuts down releases its vMAC, and a VM that had none gets it", () =>
    Effect.gen(function*() {
      const checked = yield* run({
        durationSeconds: 10,
        card: { vmacs: 1 },
        vms: [
          { name: "a", ssid: "lab", passphrase: key, traffic: [{ kind: "ping", intervalMs: 100 }] },
          { name: "b", ssid: "lab", passphrase: key, traffic: [{ kind: "ping", intervalMs: 100 }] }
        ],
        faults: [{ kind: "vm-stop", atSeconds: 2, vm: "a" }, { kind: "guest-reboot", atSeconds: 3, vm: "b" }]
      })
      const r = checked.report
      assert.strictEqual(r.vms[0]!.state, "off")
      assert.strictEqual(r.vms[1]!.state, "connected")
      assert.deepStrictEqual(r.driver.vmacs, ["b"])
      for (const [name, value] of Object.entries(r.invariants)) assert.strictEqual(value, 0, `invariant ${name}`)
      assertNoStuckFrames(checked, FAULT_LIFETIME_NS)
    }))

  it.effect("a command storm and mailbox floods: refused and recorded, nothing lost, the other VM untouched", () =>
    Effect.gen(function*() {
      const checked = yield* run(twoVms([
        { kind: "command-storm", atSeconds: 2, vm: "a", commands: 300 },
        { kind: "mailbox-flood", atSeconds: 3, target: "driver" },
        { kind: "mailbox-flood", atSeconds: 4, target: "device-model", vm: "b" },
        { kind: "mailbox-flood", atSeconds: 5, target: "nic" },
        { kind: "mailbox-flood", atSeconds: 6, target: "guest", vm: "a" }
      ]))
      const r = assertClean(checked)
      assert.isAtLeast(r.vms[0]!.rejections, 250) // a few storm writes are doorbells that fail as one
      assert.strictEqual(r.vms[1]!.rejections, 0)
      assert.isAbove(r.faults.deadLetters, 2 * 16384)
      assert.deepStrictEqual(r.vms.map((v) => v.reconnects), [0, 0])
    }))

  it.effect("the same faults and seed give the same trace, bit for bit", () =>
    Effect.gen(function*() {
      const faults = [{ kind: "crash-driver", atSeconds: 2 }, { kind: "hang-vmac", atSeconds: 3, vmac: 1 }, { kind: "command-storm", atSeconds: 4, vm: "a" }]
      const one = (yield* run(twoVms(faults), 9)).report
      const two = (yield* run(twoVms(faults), 9)).report
      assert.strictEqual(one.traceDigest, two.traceDigest)
      assert.deepStrictEqual(one.faults, two.faults)
    }))
})
