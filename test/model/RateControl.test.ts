/**
 * Rate control end to end: each guest's driver adapts its own VM's retry chain through its device
 * model and the augmented driver, and the card sends each VM's frames by that VM's chain.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { entriesOf } from "../../src/air/RetryChain.ts"
import { scenarioOf, vmacOfVm, vmNamed, withWorld } from "./support.ts"
import type { World } from "../../src/world/World.ts"

/** Two VMs on one card, saturating UDP up, joined to APs at -50 and `farDbm` dBm. */
const nearAndFar = (rateControl: string, farDbm = -82, extra: Record<string, unknown> = {}) =>
  scenarioOf({
    card: { vmacs: 4, phy: { standard: "802.11g", rateMbps: 54 }, rateControl },
    aps: [
      { ssid: "near", bssid: "02:00:00:00:01:00", signalDbm: -50, security: { kind: "open" } },
      { ssid: "far", bssid: "02:00:00:00:01:01", signalDbm: farDbm, security: { kind: "open" } }
    ],
    vms: [
      { name: "close", ssid: "near", traffic: [{ kind: "udp-tx" }] },
      { name: "distant", ssid: "far", traffic: [{ kind: "udp-tx" }] }
    ],
    ...extra
  })

/** Each VM's entry in the driver's rate table, and the chain its vMAC on the card holds. */
const tables = (world: World) =>
  world.vms.map((vm) => {
    const vmac = vmacOfVm(world, vm.index)
    return { driver: world.driver!.rateIndexOf(vm.index), card: entriesOf(world.nic.registers(vmac).chain), sent: vm.guest.rateChain() }
  })

describe("rate control, end to end", () => {
  for (const algorithm of ["minstrel", "arf", "aarf"]) {
    it.effect(`two VMs on one card joined to APs at different distances keep different rates (${algorithm})`, () =>
      Effect.gen(function*() {
        const scenario = yield* nearAndFar(algorithm)
        const out = yield* withWorld(scenario, (world) =>
          Effect.gen(function*() {
            yield* Effect.sleep("1500 millis")
            const before = world.vms.map((vm) => [...vm.guest.stats.framesByRate])
            yield* Effect.sleep("1500 millis")
            const at3s = tables(world)
            // A chain the guest has just written may be on its way to the card (device model, driver):
            // within a few milliseconds the card holds what each guest last wrote.
            let settledWithinMs = -1
            for (let ms = 0; ms <= 5 && settledWithinMs < 0; ms++) {
              if (tables(world).every((t) => JSON.stringify(t.card) === JSON.stringify(t.sent))) settledWithinMs = ms
              else yield* Effect.sleep("1 millis")
            }
            return {
              tables: at3s,
              settledWithinMs,
              stats: world.vms.map((vm) => ({ ...vm.guest.stats })),
              // Frames by rate over the last 1.5 s, once settled.
              settled: world.vms.map((vm, i) => vm.guest.stats.framesByRate.map((n, r) => n - (before[i]![r] ?? 0)))
            }
          }))
        const [close, distant] = out.tables
        assert.strictEqual(close!.driver, 7, "54 Mbit/s at -50 dBm")
        assert.isBelow(distant!.driver!, 6, "below 48 Mbit/s at -82 dBm")
        // The card holds what each guest's driver last wrote, and nothing else (a chain on its way, at most 5 ms).
        assert.isAtLeast(out.settledWithinMs, 0, "the card's chains match what the guests wrote")
        assert.isAbove(out.stats[1]!.rateCommands, 0)
        // Most of the distant VM's frames went below 48 Mbit/s; the close VM's at 54.
        const fb = out.settled
        assert.isAbove(fb[0]![7]!, 0.8 * fb[0]!.reduce((a, b) => a + b, 0))
        assert.isAbove((fb[1]![3] ?? 0) + (fb[1]![4] ?? 0) + (fb[1]![5] ?? 0), 0.8 * fb[1]!.reduce((a, b) => a + b, 0))
      }))
  }

  it.effect("a VM whose AP is out of range of its rate steps down (ARF starts at the top) and delivers more than a fixed rate", () =>
    Effect.gen(function*() {
      const run = (rateControl: string) =>
        Effect.gen(function*() {
          const scenario = yield* nearAndFar(rateControl, -83)
          return yield* withWorld(scenario, (world) =>
            Effect.gen(function*() {
              yield* Effect.sleep("50 millis")
              const early = world.driver!.rateIndexOf(1)
              yield* Effect.sleep("2950 millis")
              return { early, late: world.driver!.rateIndexOf(1), delivered: vmNamed(world, "distant").guest.stats.txDelivered }
            }))
        })
      const arf = yield* run("arf")
      const fixed = yield* run("fixed")
      assert.strictEqual(fixed.late, 7, "a fixed rate stays at 54")
      assert.isBelow(arf.late!, 5, "ARF stepped down to a rate the link carries")
      assert.isAbove(arf.delivered, 10 * Math.max(1, fixed.delivered))
    }))

  it.effect("a weak signal ends at a lower rate than a strong one (Minstrel)", () =>
    Effect.gen(function*() {
      const rateAt = (farDbm: number) =>
        Effect.gen(function*() {
          const scenario = yield* nearAndFar("minstrel", farDbm)
          return yield* withWorld(scenario, (world) => Effect.map(Effect.sleep("3 seconds"), () => world.driver!.rateIndexOf(1)!))
        })
      const strong = yield* rateAt(-60)
      const weak = yield* rateAt(-85)
      assert.strictEqual(strong, 7)
      assert.isBelow(weak, 4)
    }))

  it.effect("a VM whose laptop walks away from its AP steps down as the signal falls (Minstrel, placed AP, no shadowing)", () =>
    Effect.gen(function*() {
      // 15 dBm at 5 m is about −41 dBm; at 125 m (TGn D: 60.1 dB to 10 m, then 35 dB a decade) about −83 dBm.
      const scenario = yield* scenarioOf({
        durationSeconds: 45,
        card: { rateControl: "minstrel" },
        host: { position: { x: 5, y: 0 }, walk: { waypoints: [{ x: 125, y: 0 }], speedMps: 3 } },
        environment: { shadowingWithinBreakpointDb: 0, shadowingBeyondBreakpointDb: 0 },
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", position: { x: 0, y: 0 }, security: { kind: "open" } }],
        vms: [{ name: "walker", ssid: "lab", roaming: { enabled: false }, traffic: [{ kind: "udp-tx" }] }]
      })
      const [near, far] = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Effect.sleep("3 seconds")
          const near = world.driver!.rateIndexOf(0)!
          // Far away, the rate Minstrel settled on: its best rate over the last 2 s, read every 100 ms, at
          // its median (the best rate jumps up for a moment when a lookaround sample at a higher rate gets
          // through, and one reading could meet such a moment, in any run).
          yield* Effect.sleep("37 seconds")
          const far: Array<number> = []
          for (let k = 0; k < 20; k++) {
            yield* Effect.sleep("100 millis")
            far.push(world.driver!.rateIndexOf(0)!)
          }
          return [near, far.sort((a, b) => a - b)[far.length / 2]!] as const
        }))
      assert.strictEqual(near, 7, "54 Mbit/s close to the AP")
      assert.isAtMost(far, 4, "24 Mbit/s or less 120 m away")
    }))

  it.effect("one VM's rate commands never change another's table; bad chains are refused with a reason", () =>
    Effect.gen(function*() {
      const scenario = yield* nearAndFar("minstrel")
      const out = yield* withWorld(scenario, (world) =>
        Effect.gen(function*() {
          yield* Effect.sleep("2 seconds")
          const attacker = vmNamed(world, "distant").guest.ref
          const write = (command: unknown) => attacker.tellUnsafe({ _tag: "WriteRaw", command })
          // A busy guest: valid commands for its own vMAC, many of them…
          for (let i = 0; i < 200; i++) write({ _tag: "SetRate", vmac: 0, rateIndex: i % 8, chain: [{ rateIndex: i % 8, tries: 16 }] })
          // …and bad ones.
          write({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [{ rateIndex: 6, tries: 2 }] }) // first stage is not rateIndex
          write({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [{ rateIndex: 7, tries: 9 }, { rateIndex: 0, tries: 9 }] }) // 18 attempts
          write({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [{ rateIndex: 7, tries: 2 }, { rateIndex: 12, tries: 2 }] }) // off the ladder
          write({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [1, 2, 3, 4, 5].map(() => ({ rateIndex: 7, tries: 1 })) }) // 5 stages
          write({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [{ rateIndex: 7, tries: 0 }] }) // no attempt
          write({ _tag: "SetRate", vmac: 1, rateIndex: 7 }) // another vMAC
          yield* Effect.sleep("1 millis")
          const during = tables(world)
          // The close VM's rate over the next second, at its median (a sample window puts another rate
          // first in the chain for a few frames, and one reading could meet it).
          const closeRates: Array<number> = []
          for (let k = 0; k < 20; k++) {
            yield* Effect.sleep("50 millis")
            closeRates.push(world.driver!.rateIndexOf(0)!)
          }
          return {
            during,
            after: tables(world),
            closeRate: closeRates.sort((a, b) => a - b)[closeRates.length / 2]!,
            rejected: { ...vmNamed(world, "distant").port.stats.rejectedByReason },
            closeRejected: vmNamed(world, "close").port.rejected(),
            isolation: world.monitor.isolationViolations
          }
        }))
      // The close VM's table is always what its own driver wrote.
      for (const t of [out.during[0]!, out.after[0]!]) assert.deepStrictEqual(t.card, t.sent)
      assert.strictEqual(out.closeRate, 7, "54 Mbit/s at -50 dBm")
      assert.deepStrictEqual(out.rejected, { "bad-retry-chain": 2, "rate-out-of-range": 1, malformed: 2, "unknown-vmac": 1 })
      assert.strictEqual(out.closeRejected, 0)
      assert.strictEqual(out.isolation, 0)
    }))

  it.effect("a fixed rate writes no rate command and keeps every frame at the PHY's rate", () =>
    Effect.gen(function*() {
      const scenario = yield* nearAndFar("fixed", -60)
      const stats = yield* withWorld(scenario, (world) => Effect.map(Effect.sleep("2 seconds"), () => world.vms.map((vm) => ({ ...vm.guest.stats }))))
      for (const s of stats) {
        assert.strictEqual(s.rateCommands, 0)
        assert.deepStrictEqual(s.framesByRate.slice(0, 7).filter((n) => n > 0), [])
        assert.isAbove(s.framesByRate[7]!, 1000)
      }
    }))
})
