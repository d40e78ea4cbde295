/** The pure pieces of fault handling: driver rebuild, TX watchdog, mapping audit, fault plans, hostile writes. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schema } from "effect"
import { rebuild } from "../../src/driver/DriverRecovery.ts"
import { TxWatchdog } from "../../src/driver/TxWatchdog.ts"
import * as Vmacs from "../../src/driver/VmacTable.ts"
import { faultFromDraw, generateFaults, generatedKinds, kindsFor, wholeMsBefore } from "../../src/fault/FaultPlan.ts"
import { hostileCommand, hostileKinds } from "../../src/fault/HostileCommands.ts"
import { MappingAudit, mappingProblems } from "../../src/check/MappingAudit.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { CardCommand } from "../../src/vocabulary/CardCommand.ts"
import { checkDescriptor } from "../../src/device-model/CommandCheck.ts"
import type { AssocState } from "../../src/nic/Nic.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { scenarioOf } from "../model/support.ts"
import type { RunOptionsError } from "../../src/run/RunOptionsCheck.ts"

const card = (states: Record<number, AssocState>) => (vmac: number) => ({ state: states[vmac] ?? "stopped", bssid: states[vmac] === "associated" ? 77 : 0 })

describe("driver recovery", () => {
  it("rebuilds the table and pair states from the journal and the card", () => {
    const r = rebuild([{ vm: 0, vmac: 1, rateIndex: 3 }, { vm: 2, vmac: 0, rateIndex: 7 }], 4, card({ 0: "idle", 1: "associated" }))
    assert.deepStrictEqual(r.table.owner, [2, 0, undefined, undefined])
    assert.deepStrictEqual(r.pairs, [
      { vm: 0, vmac: 1, state: "connected", bssid: 77, rateIndex: 3 },
      { vm: 2, vmac: 0, state: "ready", bssid: 0, rateIndex: 7 }
    ])
    assert.deepStrictEqual([r.restart, r.stop], [[], []])
  })

  it("a vMAC associated to an RSN but still in its 4-way handshake (no key yet) is rebuilt as associating", () => {
    const regs = (keyId: number) => () => ({ state: "associated" as const, bssid: 77, rsn: true, keyId })
    assert.strictEqual(rebuild([{ vm: 0, vmac: 0, rateIndex: 3 }], 1, regs(0)).pairs[0]!.state, "associating")
    assert.strictEqual(rebuild([{ vm: 0, vmac: 0, rateIndex: 3 }], 1, regs(42)).pairs[0]!.state, "connected")
  })

  it("restarts vMACs the journal assigns but the card stopped, stops those nobody owns, skips bad entries", () => {
    const r = rebuild([{ vm: 0, vmac: 0, rateIndex: 1 }, { vm: 1, vmac: 0, rateIndex: 1 }, { vm: 3, vmac: 9, rateIndex: 1 }], 3, card({ 2: "idle" }))
    assert.deepStrictEqual(r.table.owner, [0, undefined, undefined])
    assert.deepStrictEqual(r.restart, [0])
    assert.deepStrictEqual(r.stop, [2])
    assert.isTrue(Vmacs.isConsistent(r.table))
  })
})

describe("TX watchdog", () => {
  it("fires once a vMAC with TX outstanding completes nothing for the stall time, not before", () => {
    const w = new TxWatchdog(500)
    assert.isUndefined(w.check(0, 10, 4, 0))
    assert.isUndefined(w.check(0, 12, 4, 499))
    assert.strictEqual(w.check(0, 12, 4, 500), 0)
    // Progress, or nothing outstanding, restarts the clock.
    assert.isUndefined(w.check(1, 5, 5, 0))
    assert.isUndefined(w.check(1, 5, 5, 10_000))
    assert.isUndefined(w.check(1, 9, 6, 10_100))
    assert.isUndefined(w.check(1, 9, 6, 10_500))
    assert.strictEqual(w.check(1, 9, 6, 10_600), 10_100)
  })
})

describe("mapping audit", () => {
  const journal = [{ vm: 0, vmac: 0, rateIndex: 0 }]
  it("finds a VM with two vMACs, an assigned vMAC that is stopped, a running one nobody owns, a journal that disagrees", () => {
    const table = { owner: [0, 0, undefined] }
    const problems = mappingProblems(table, new Set(), (v) => v !== 1, journal)
    assert.deepStrictEqual([...problems].sort(), ["vm-holds-two-vmacs", "vmac-1:assigned-but-stopped", "vmac-1:journal-disagrees", "vmac-2:running-unassigned"])
    assert.strictEqual(mappingProblems({ owner: [0, undefined, undefined] }, new Set([2]), (v) => v !== 1, journal).size, 0)
  })

  it("counts only what persists from one audit to the next", () => {
    const audit = new MappingAudit()
    audit.audit(new Set(["a"]))
    audit.audit(new Set(["b"]))
    assert.strictEqual(audit.persisted, 0)
    audit.audit(new Set(["b"]))
    assert.strictEqual(audit.persisted, 1)
  })
})

describe("fault plans", () => {
  it.effect("are the same for the same seed, differ across seeds, and decode as a scenario's faults", () =>
    Effect.gen(function*() {
      const s = yield* scenarioOf({ durationSeconds: 600, vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key" }] })
      const one = generateFaults(s, { seed: 5, perMinute: 6, fromSeconds: 1, untilSeconds: 600 })
      assert.deepStrictEqual(generateFaults(s, { seed: 5, perMinute: 6, fromSeconds: 1, untilSeconds: 600 }), one)
      assert.notDeepEqual(generateFaults(s, { seed: 6, perMinute: 6, fromSeconds: 1, untilSeconds: 600 }), one)
      assert.isAbove(one.length, 30)
      assert.isBelow(one.length, 90)
      assert.isTrue(one.every((f) => f.atSeconds >= 1 && f.atSeconds < 600))
      const decoded = yield* decodeScenario({ durationSeconds: 600, vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key" }], faults: one })
      assert.strictEqual(decoded.faults.length, one.length)
      assert.deepStrictEqual(generateFaults(s, { seed: 5, perMinute: 0, fromSeconds: 1, untilSeconds: 600 }), [])
    }))

  it.effect("never schedule a fault on the run's end: a draw in its last half millisecond goes at the millisecond below", () =>
    Effect.gen(function*() {
      // Seed 117 draws a fault at 1.9996 s of a 2 s run (the library audit's case): rounded to the
      // nearest millisecond it was at 2 s, which the scenario check refuses (and `vwifi run --faults`
      // with it, and a soak, whose plan rounds the same way, died on it).
      const s = yield* scenarioOf({ durationSeconds: 2, warmupSeconds: 0.5 })
      const faults = generateFaults(s, { seed: 117, perMinute: 600, fromSeconds: 0.5, untilSeconds: 2 })
      assert.include(faults.map((f) => f.atSeconds), 1.999)
      assert.isTrue(faults.every((f) => f.atSeconds < 2 && Math.abs(f.atSeconds * 1000 - Math.round(f.atSeconds * 1000)) < 1e-6))
      const decoded = yield* decodeScenario({ durationSeconds: 2, warmupSeconds: 0.5, faults })
      assert.strictEqual(decoded.faults.length, faults.length)
      assert.strictEqual(wholeMsBefore(1.9996, 2), 1.999)
      assert.strictEqual(wholeMsBefore(1.9994, 2), 1.999)
      assert.strictEqual(wholeMsBefore(1.2345, 2), 1.235)
    }))

  it.effect("only use faults the mode has: no driver or device model outside virtual-wifi", () =>
    Effect.gen(function*() {
      const native = yield* scenarioOf({ mode: "native", vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key" }] })
      assert.notInclude(kindsFor(native), "crash-driver")
      assert.notInclude(kindsFor(native), "crash-device-model")
      const virtual = yield* scenarioOf({})
      assert.deepStrictEqual(kindsFor(virtual), generatedKinds)
      for (let k = 0; k < 1; k += 0.01) {
        const f = faultFromDraw(native, { atSeconds: 1, kind: k, target: 0.5, size: 0.5 })
        assert.notInclude(["crash-driver", "crash-device-model"], f.kind)
        if (f.kind === "mailbox-flood") assert.notInclude(["driver", "device-model"], f.target)
      }
    }))

  it.effect("decode in the scenario they were drawn for: APs of one ESS named by BSSID, no VM faults without a VM", () =>
    Effect.gen(function*() {
      // Two APs share the SSID "guest": a fault naming the SSID would be refused; one with a unique SSID keeps it.
      const ess = {
        durationSeconds: 60,
        aps: [
          { ssid: "guest", bssid: "02:00:00:00:01:00", channel: 6 },
          { ssid: "guest", bssid: "02:00:00:00:01:01", channel: 1 },
          { ssid: "lab", bssid: "02:00:00:00:01:02", channel: 11 }
        ],
        vms: [{ name: "a", ssid: "guest", passphrase: "vwifi-lab-key" }]
      }
      const noVms = { mode: "passthrough", durationSeconds: 60, vms: [] }
      for (const input of [ess, noVms, { ...noVms, mode: "virtual-wifi" }]) {
        const s = yield* scenarioOf(input)
        for (let seed = 1; seed <= 20; seed++) {
          const faults = generateFaults(s, { seed, perMinute: 30, fromSeconds: 1, untilSeconds: 59 })
          const decoded = yield* Effect.exit(decodeScenario({ ...input, faults }))
          assert.isTrue(Exit.isSuccess(decoded), `seed ${seed}: ${String(Exit.isFailure(decoded) ? decoded.cause : "")}`)
        }
      }
      const s = yield* scenarioOf(ess)
      const named = [0.1, 0.5, 0.9].map((target) => faultFromDraw(s, { atSeconds: 1, kind: generatedKinds.indexOf("crash-ap") / generatedKinds.length + 0.001, target, size: 0 }))
      assert.deepStrictEqual(named.map((f) => f.kind === "crash-ap" ? f.ap : f.kind), ["02:00:00:00:01:00", "02:00:00:00:01:01", "lab"])
    }))

  it.effect("refuse a draw outside its ranges, naming each field", () =>
    Effect.gen(function*() {
      const s = yield* scenarioOf({})
      const fields = (d: { atSeconds: number; kind: number; target: number; size: number }) => {
        try {
          faultFromDraw(s, d)
          return []
        } catch (e) {
          return (e as RunOptionsError).problems.map((p) => p.option)
        }
      }
      assert.deepStrictEqual(fields({ atSeconds: 1, kind: 0, target: -0.2, size: 1 }), ["target", "size"])
      assert.deepStrictEqual(fields({ atSeconds: NaN, kind: 0.5, target: 0.5, size: 0.5 }), ["atSeconds"])
      assert.deepStrictEqual(fields({ atSeconds: 1, kind: 0.999, target: 0, size: 0 }), [])
    }))
})

describe("scenario fault checks", () => {
  it.effect("name every unknown target and every fault the mode lacks, with its path", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(decodeScenario({
        mode: "passthrough",
        vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key" }],
        faults: [
          { kind: "crash-driver", atSeconds: 1 },
          { kind: "guest-reboot", atSeconds: 1, vm: "zz" },
          { kind: "ap-down", atSeconds: 1, ap: "nope", forSeconds: 1 },
          { kind: "hang-vmac", atSeconds: 1, vmac: 9 },
          { kind: "mailbox-flood", atSeconds: 1, target: "guest" },
          { kind: "crash-vmac", atSeconds: 99, vmac: 0 }
        ]
      }))
      assert.isTrue(Exit.isFailure(exit))
      const text = String(Exit.isFailure(exit) ? exit.cause : "")
      for (const needle of ["faults[0].kind", "faults[1].vm", "faults[2].ap", "faults[3].vmac", "faults[4].vm", "faults[5].atSeconds", "virtual-wifi"]) {
        assert.include(text, needle)
      }
    }))

  it.effect("refuse a roam no scan could complete and a loss on a channel nothing uses", () =>
    Effect.gen(function*() {
      const exit = yield* Effect.exit(decodeScenario({
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00" }, { ssid: "far", bssid: "02:00:00:00:01:01", channel: 3 }],
        vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key" }],
        faults: [
          { kind: "vm-roam", atSeconds: 1, vm: "a", ssid: "far" },
          { kind: "channel-loss", atSeconds: 1, channel: 140, forSeconds: 1 },
          { kind: "channel-loss", atSeconds: 1, channel: 2, forSeconds: 1 },
          // Fine: the AP "far" is on channel 3, and channel 11 is scanned.
          { kind: "channel-loss", atSeconds: 1, channel: 3, forSeconds: 1 },
          { kind: "channel-loss", atSeconds: 1, channel: 11, forSeconds: 1 }
        ]
      }))
      const text = String(Exit.isFailure(exit) ? exit.cause : "")
      assert.include(text, "faults[0].ssid: \"far\" is on channel 3, which driver.scanChannels [1, 6, 11] does not visit")
      assert.include(text, "faults[1].channel: 802.11g runs only in the 2.4 GHz band")
      assert.include(text, "faults[2].channel: no AP is on channel 2 and the card never tunes to it")
      assert.notInclude(text, "faults[3]")
      assert.notInclude(text, "faults[4]")
    }))
})

describe("hostile writes", () => {
  it("are all refused at the trust boundary (decode, vMAC, rate or descriptor checks)", () => {
    const random = new Prng(3)
    const ownMac = 0x020000000203 // not the first vMAC: a spoofed source must still differ from it
    const view = { mac: ownMac, memoryBytes: 64 << 20, rateCount: 8 }
    const seen = new Set<string>()
    for (let i = 0; i < 500; i++) {
      const w = hostileCommand(random, view.memoryBytes, ownMac, 0)
      const decoded = Schema.decodeUnknownExit(CardCommand)(w.command)
      if (Exit.isFailure(decoded)) {
        seen.add("malformed")
        continue
      }
      const c = decoded.value
      if (c._tag === "TxDoorbell") {
        const descriptors = w.descriptors ?? []
        const refused = descriptors.length < c.count || descriptors.some((d) => checkDescriptor(view, d, 0) !== undefined)
        assert.isTrue(refused, JSON.stringify(w))
        seen.add(descriptors.length < c.count ? "short" : "descriptor")
      } else if (c._tag === "SetRate") {
        assert.isTrue(c.vmac !== 0 || c.rateIndex >= view.rateCount, JSON.stringify(w))
        seen.add("rate")
      } else {
        assert.notStrictEqual((c as { vmac?: number }).vmac, 0, JSON.stringify(w))
        seen.add("vmac")
      }
    }
    assert.strictEqual(seen.size, 5)
    assert.strictEqual(hostileKinds.length, 9)
  })
})
