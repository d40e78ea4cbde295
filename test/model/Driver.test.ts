import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { Authenticate, SetRate, StartScan, TxDoorbell } from "../../src/vocabulary/CardCommand.ts"
import { CARD_PCI_ID } from "../../src/vocabulary/CardEvent.ts"
import type { ScanResult } from "../../src/vocabulary/CardEvent.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"
import type { World } from "../../src/world/World.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { scenarioOf, vmNamed, withWorld } from "./support.ts"

const threeVms = (overrides: Record<string, unknown> = {}) =>
  scenarioOf({
    card: { vmacs: 4 },
    vms: ["a", "b", "c"].map((name) => ({ name, ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 2 }] })),
    ...overrides
  })

const waitConnected = (world: World) =>
  Effect.gen(function*() {
    for (let i = 0; i < 100 && world.vms.some((vm) => vm.guest.driver().state !== "connected"); i++) yield* Effect.sleep("50 millis")
  })

const scanFrom = (world: World, name: string) =>
  vmNamed(world, name).guest.ref.ask<ReadonlyArray<ScanResult>>((reply) => ({ _tag: "RequestScan", reply }), { timeoutNs: 5e9 })

describe("augmented driver: scan consolidation and cache", () => {
  it.effect("three VMs scanning at once share one physical scan; a repeat within the cache age is served from the cache; later, a new scan", () =>
    Effect.gen(function*() {
      const scenario = yield* threeVms({ driver: { scanCacheAgeMs: 2000 } })
      const result = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* waitConnected(world)
          yield* Effect.sleep("2500 millis") // let the boot-time scan results age out of the cache
          const before = { ...world.driver!.stats }
          const results = yield* Effect.all([scanFrom(world, "a"), scanFrom(world, "b"), scanFrom(world, "c")], { concurrency: "unbounded" })
          const afterConcurrent = { ...world.driver!.stats }
          yield* Effect.sleep("500 millis")
          yield* scanFrom(world, "b")
          const afterRepeat = { ...world.driver!.stats }
          yield* Effect.sleep("3 seconds")
          yield* scanFrom(world, "c")
          const afterAge = { ...world.driver!.stats }
          return { before, results, afterConcurrent, afterRepeat, afterAge }
        }))
      const { before, results, afterConcurrent, afterRepeat, afterAge } = result
      assert.strictEqual(afterConcurrent.scanRequests - before.scanRequests, 3)
      assert.strictEqual(afterConcurrent.physicalScans - before.physicalScans, 1, "one physical scan for three requests")
      for (const r of results) assert.isTrue(r.some((ap) => ap.ssid === "lab"), "every VM got the AP")
      assert.strictEqual(afterRepeat.physicalScans, afterConcurrent.physicalScans, "no new scan within the cache age")
      assert.strictEqual(afterRepeat.scanCacheHits - afterConcurrent.scanCacheHits, 1)
      assert.strictEqual(afterAge.physicalScans - afterRepeat.physicalScans, 1, "a new scan after the age")
    }))
})

describe("augmented driver: rate tables and vMAC allocation", () => {
  it.effect("a rate command from one VM changes only its own rate table", () =>
    Effect.gen(function*() {
      const scenario = yield* threeVms()
      const rates = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* waitConnected(world)
          const before = world.vms.map((vm) => world.driver!.rateIndexOf(vm.index))
          vmNamed(world, "b").guest.ref.tellUnsafe({ _tag: "SetRateIndex", rateIndex: 2 })
          yield* Effect.sleep("10 millis")
          return { before, after: world.vms.map((vm) => world.driver!.rateIndexOf(vm.index)) }
        }))
      assert.deepStrictEqual(rates.after, [rates.before[0], 2, rates.before[2]])
      assert.notStrictEqual(rates.before[1], 2)
    }))

  it.effect("init beyond K vMACs gets a typed error for that VM only", () =>
    Effect.gen(function*() {
      const scenario = yield* threeVms({ card: { vmacs: 2 } })
      const states = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Effect.sleep("2 seconds")
          return world.vms.map((vm) => ({ state: vm.guest.driver().state, rejected: { ...vm.port.stats.rejectedByReason } }))
        }))
      assert.deepStrictEqual(states.map((s) => s.state), ["connected", "connected", "failed"])
      assert.deepStrictEqual(states[2]!.rejected, { "no-free-vmac": 1 })
    }))
})

describe("device model: hostile guest input", () => {
  for (const [name, switches] of [
    ["software translation", { addressTranslation: "software" }],
    ["iommu", { addressTranslation: "iommu" }],
    ["fast data path, software translation", { addressTranslation: "software", fastDataPath: true }],
    ["fast data path, iommu", { addressTranslation: "iommu", fastDataPath: true }]
  ] as const) {
    it.effect(`is rejected with a typed reason, counted, and does not disturb the other VMs (${name})`, () =>
      Effect.gen(function*() {
        const scenario = yield* threeVms({ switches })
        const out = yield* withWorld(scenario, (world) =>
          Effect.gen(function*() {
            yield* waitConnected(world)
            const victim = vmNamed(world, "a")
            const attacker = vmNamed(world, "c")
            const victimMac = victim.guest.driver().mac!
            const ownMac = attacker.guest.driver().mac!
            const txBefore = victim.guest.stats.txDelivered
            const hostile = attacker.guest.ref
            const nowNs = (yield* Simulation.Simulation).kernel.nowNs
            // A real frame's fields but the one each attack aims at (its send time now).
            const descriptor = (over: Record<string, number>) => ({
              dmaAddress: 4096, length: 100, src: ownMac, dst: 0x020000100000, payload: Payload.Udp, seq: 1, createdNs: nowNs, echoNs: -1, ...over
            })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: new TxDoorbell({ vmac: 0, count: 1 }), descriptors: [descriptor({ src: victimMac })] })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: new TxDoorbell({ vmac: 0, count: 1 }), descriptors: [descriptor({ dmaAddress: 2 ** 40 })] })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: new SetRate({ vmac: 0, rateIndex: 99 }) })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: new StartScan({ vmac: 1, channels: [6] }) })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: { _tag: "Authenticate", vmac: 0, bssid: "not a mac", channel: 6 } })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: { _tag: "SelfDestruct" } })
            hostile.tellUnsafe({ _tag: "WriteRaw", command: new Authenticate({ vmac: 3, bssid: 1, channel: 6 }) })
            yield* Effect.sleep("1 second")
            const sim = yield* Simulation.Simulation
            void sim
            return {
              rejected: { ...attacker.port.stats.rejectedByReason },
              victimTx: victim.guest.stats.txDelivered - txBefore,
              victimState: victim.guest.driver().state,
              others: world.vms.filter((v) => v !== attacker).map((v) => v.port.rejected()),
              isolation: world.monitor.isolationViolations
            }
          }))
        assert.deepStrictEqual(out.rejected, {
          "spoofed-source": 1,
          "dma-out-of-range": 1,
          "rate-out-of-range": 1,
          "unknown-vmac": 2,
          malformed: 2
        })
        assert.strictEqual(out.victimState, "connected")
        assert.isAbove(out.victimTx, 100, "the victim kept sending")
        assert.deepStrictEqual(out.others, [0, 0])
        assert.strictEqual(out.isolation, 0)
      }))
  }
})

describe("device model: the virtual card", () => {
  for (const mode of ["passthrough", "virtual-wifi"] as const) {
    it.effect(`shows the guest the real card's PCI IDs (${mode})`, () =>
      Effect.gen(function*() {
        const scenario = yield* scenarioOf({ mode })
        const device = yield* withWorld(scenario, (world) =>
          Effect.gen(function*() {
            yield* Effect.sleep("100 millis")
            return world.vms[0]!.guest.driver().device
          }))
        assert.deepStrictEqual(device, CARD_PCI_ID)
      }))
  }
})

describe("augmented driver: which VMs get a vMAC when there are more VMs than vMACs", () => {
  it.effect("the first card.vmacs VMs of the list, vMAC i for the i-th, however heavy they are; the report names the others", () =>
    Effect.gen(function*() {
      // The first VMs are the heaviest (most memory to map, traffic to start): list order must win anyway.
      const vms = ["a", "b", "c", "d", "e", "f"].map((name, i) => ({
        name, ssid: "lab", passphrase: "vwifi-lab-key", memoryMb: 4096 >> i,
        traffic: i < 3 ? [{ kind: "udp-tx", offeredMbps: 5 }] : []
      }))
      const scenario = yield* scenarioOf({ durationSeconds: 2, card: { vmacs: 4 }, switches: { addressTranslation: "iommu" }, vms })
      for (const seed of [1, 2, 3]) {
        const r = yield* runScenario(scenario, { seed })
        const of = (name: string) => r.vms.find((v) => v.name === name)!
        for (const [i, name] of ["a", "b", "c", "d"].entries()) {
          assert.strictEqual(of(name).mac, `02:00:00:00:02:0${i}`, `${name} has vMAC ${i}`)
          assert.strictEqual(of(name).state, "connected")
        }
        for (const name of ["e", "f"]) {
          assert.strictEqual(of(name).mac, null, `${name} has no vMAC`)
          assert.strictEqual(of(name).state, "failed")
          assert.deepStrictEqual(of(name).rejectedByReason, { "no-free-vmac": 1 })
          assert.strictEqual(of(name).energyJoules, null)
        }
      }
    }), 60_000)
})
