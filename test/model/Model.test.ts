import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/run/RunScenario.ts"
import { twoVmsTwoAps, wrongPassphrase } from "../../src/scenario/examples.ts"
import { scenarioOf, withWorld } from "./support.ts"

describe("model: VMs sharing one card", () => {
  it.effect("two VMs join two APs through one card, exchange UDP and ping, and never see each other's frames", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(twoVmsTwoAps)
      const r = yield* runScenario(scenario, { seed: 11, durationNs: 5e9 })
      assert.strictEqual(r.vms.length, 2)
      const ssids = new Set(r.vms.map((v) => v.ssid))
      assert.strictEqual(ssids.size, 2, "different SSIDs")
      for (const vm of r.vms) {
        assert.strictEqual(vm.state, "connected", `${vm.name} connected`)
        assert.isAbove(vm.uplinkMbps, 1, `${vm.name} moved UDP`)
        assert.isAbove(vm.ping.received, 10, `${vm.name} got ping replies`)
      }
      assert.notStrictEqual(r.vms[0]!.mac, r.vms[1]!.mac, "each VM has its own vMAC")
      assert.strictEqual(r.invariants.isolationViolations, 0)
      assert.strictEqual(r.invariants.unaccountedFrames, 0)
      assert.strictEqual(r.invariants.mappingInconsistencies, 0)
    }))

  it.effect("a VM with the wrong passphrase fails to join while the others keep working", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf(wrongPassphrase)
      const r = yield* runScenario(scenario, { seed: 5, durationNs: 5e9 })
      const [a, b, c] = r.vms
      assert.strictEqual(a!.state, "connected")
      assert.strictEqual(b!.state, "connected")
      assert.notStrictEqual(c!.state, "connected")
      assert.strictEqual(c!.connectedAtSeconds, null)
      assert.isAbove(a!.uplinkMbps + a!.downlinkMbps, 1)
      assert.isAbove(b!.uplinkMbps + b!.downlinkMbps, 1)
      assert.strictEqual(r.invariants.isolationViolations, 0)
    }))
})

describe("model: determinism across modes", () => {
  for (const mode of ["native", "passthrough", "virtual-wifi"] as const) {
    it.effect(`the same scenario and seed give the same digest (${mode})`, () =>
      Effect.gen(function*() {
        const scenario = { ...(yield* scenarioOf({})), mode }
        const a = yield* runScenario(scenario, { seed: 3, durationNs: 2e9 })
        const b = yield* runScenario(scenario, { seed: 3, durationNs: 2e9 })
        const c = yield* runScenario(scenario, { seed: 4, durationNs: 2e9 })
        assert.strictEqual(a.traceDigest, b.traceDigest)
        assert.deepStrictEqual(a.vms, b.vms)
        assert.notStrictEqual(a.traceDigest, c.traceDigest)
        assert.strictEqual(a.vms[0]!.state, "connected")
        assert.isAbove(a.vms[0]!.uplinkMbps, 5)
      }))
  }
})

describe("model: the virtualization switches", () => {
  const cpuOf = (switches: Record<string, unknown>) =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({ switches })
      return yield* runScenario(scenario, { seed: 2, durationNs: 3e9 })
    })

  it.effect("each switch lowers the CPU time of the category it targets, and traffic still flows", () =>
    Effect.gen(function*() {
      const base = yield* cpuOf({})
      const iommu = yield* cpuOf({ addressTranslation: "iommu" })
      const coalesced = yield* cpuOf({ interruptCoalescing: { enabled: true, frames: 8, delayUs: 500 } })
      const fast = yield* cpuOf({ fastDataPath: true, addressTranslation: "iommu" })
      const share = (r: typeof base, id: string) => r.cpu.breakdown[id]!
      assert.isAbove(share(base, "kvm.addressTranslation"), 0)
      assert.strictEqual(share(iommu, "kvm.addressTranslation"), 0)
      assert.isBelow(share(coalesced, "kvm.virtualIrq"), share(base, "kvm.virtualIrq") * 0.75)
      // The doorbell no longer traps; the ISR's cause-register read still does: about half remains.
      assert.isBelow(share(fast, "kvm.ioForwarding"), share(iommu, "kvm.ioForwarding") * 0.75)
      assert.isBelow(fast.cpu.utilization, iommu.cpu.utilization)
      for (const r of [base, iommu, coalesced, fast]) {
        assert.isAbove(r.vms[0]!.uplinkMbps, 20)
        assert.strictEqual(r.invariants.unaccountedFrames, 0)
      }
    }))
})

describe("model: interrupt coalescing at light load", () => {
  const pingWith = (interruptCoalescing: Record<string, unknown>) =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        switches: { interruptCoalescing },
        vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 10, payloadBytes: 56 }] }]
      })
      return (yield* runScenario(scenario, { seed: 2, durationNs: 4e9 })).vms[0]!.ping.meanUs!
    })

  it.effect("the adaptive rule delivers a ping's events at once; holding every event adds up to a window", () =>
    Effect.gen(function*() {
      const off = yield* pingWith({ enabled: false })
      const adaptive = yield* pingWith({ enabled: true, frames: 16, delayUs: 1000, adaptive: true })
      const holdAll = yield* pingWith({ enabled: true, frames: 16, delayUs: 1000, adaptive: false })
      // Held, the reply waits for the window (the request's completion opens it): ≈ +1 ms.
      assert.isAbove(holdAll - off, 500)
      assert.isBelow(Math.abs(adaptive - off), 20)
    }))
})

describe("model: TCP", () => {
  it.effect("TCP moves data both ways in every mode", () =>
    Effect.gen(function*() {
      for (const mode of ["native", "passthrough", "virtual-wifi"] as const) {
        for (const kind of ["tcp-tx", "tcp-rx"] as const) {
          const scenario = yield* scenarioOf({ mode, vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind }] }] })
          const r = yield* runScenario(scenario, { seed: 1, durationNs: 3e9 })
          const mbps = kind === "tcp-tx" ? r.vms[0]!.uplinkMbps : r.vms[0]!.downlinkMbps
          assert.isAbove(mbps, 15, `${mode} ${kind}`)
          assert.isBelow(mbps, 30, `${mode} ${kind}: below the UDP ceiling`)
          assert.strictEqual(r.invariants.unaccountedFrames, 0)
        }
      }
    }))

  it.effect("a paced TCP application gets its rate through, both ways, and no more", () =>
    Effect.gen(function*() {
      for (const kind of ["tcp-tx", "tcp-rx"] as const) {
        const scenario = yield* scenarioOf({ vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind, offeredMbps: 4 }] }] })
        const r = yield* runScenario(scenario, { seed: 1, durationNs: 4e9 })
        const mbps = kind === "tcp-tx" ? r.vms[0]!.uplinkMbps : r.vms[0]!.downlinkMbps
        assert.closeTo(mbps, 4, 0.2, `${kind}: the application's 4 Mb/s, not the link's 24`)
        assert.strictEqual(r.invariants.unaccountedFrames, 0)
      }
    }))

  it.effect("TCP recovers from losses on a weak link: it retransmits and keeps delivering", () =>
    Effect.gen(function*() {
      // A weak signal makes the air drop frames after the retry limit, so TCP must repair holes.
      const scenario = yield* scenarioOf({
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", signalDbm: -74.5 }],
        vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "tcp-tx" }] }]
      })
      const out = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Effect.sleep("10 seconds")
          return { tcp: world.vms[0]!.guest.tcp(), drops: world.ledger.droppedByReason.get("retry-limit") ?? 0 }
        }))
      assert.isAbove(out.drops, 0, "the link lost frames")
      assert.isAbove(out.tcp.retransmits + out.tcp.timeouts, 0, "TCP repaired them")
      assert.isAbove(out.tcp.acked, 2000, "and kept delivering")
    }))
})
