/**
 * Who pays for an interrupt, mode by mode: each handler once, on the side that runs it, and the
 * card's register read by whoever makes it (docs/model.md, "CPU costs"). Counted from the actors'
 * own tallies (interrupts handled, injected), not from the core's accounting it checks.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { scenarioOf, withWorld } from "./support.ts"

const run = (mode: Scenario["mode"]) =>
  Effect.gen(function*() {
    const scenario = { ...(yield* scenarioOf({})), mode }
    return yield* withWorld(scenario, (world) =>
      Effect.map(Simulation.sleep(3e9), () => ({
        cpu: world.cpu.snapshot(),
        port: world.vms[0]!.port.stats,
        hostInterrupts: world.driver?.stats.interrupts
      })), 2)
  })

/**
 * `actual` operations for `expected` interrupts (or injections): the same count, but for the last
 * one, whose handler may be waiting for the core, or between its operations, at the moment counted.
 */
const oneEach = (actual: number | undefined, expected: number | undefined, what?: string): void => {
  assert.isDefined(expected)
  assert.isAtMost(actual ?? 0, expected!, what)
  assert.isAtLeast(actual ?? 0, expected! - 1, what)
}

describe("model: an interrupt's cost, by who runs the handler", () => {
  it.effect("natively the host's handler is the one handler: nothing is guest time", () =>
    Effect.gen(function*() {
      const { cpu, port } = yield* run("native")
      const n = cpu.operationCounts
      assert.isAbove(port.interrupts ?? 0, 100)
      oneEach(n.hostIrq, port.interrupts)
      oneEach(n.irqRegisterRead, port.interrupts, "iwlagn's handler reads the card's register")
      assert.strictEqual(n.guestIrq, 0)
      assert.strictEqual(n.guestIrqRegisterRead, 0)
      assert.strictEqual(n.guestCommand, 0, "the host's driver issues the commands")
      assert.isAbove(n.driverCommand, 0)
      assert.strictEqual(cpu.breakdownNs["guest"] ?? 0, 0)
    }))

  it.effect("passthrough: KVM's handler reads no register of the card; the guest's ISR reads it", () =>
    Effect.gen(function*() {
      const { cpu, port } = yield* run("passthrough")
      const n = cpu.operationCounts
      assert.isAbove(port.interrupts ?? 0, 100)
      oneEach(n.hostIrq, port.interrupts)
      assert.strictEqual(n.irqRegisterRead, 0)
      // Each one is injected and handled in the guest; so are the two reads the card answers at boot
      // (its PCI header and its MAC), which reach the guest's handler as events.
      oneEach(n.guestIrq, port.interrupts! + 2)
      oneEach(n.guestIrqRegisterRead, n.guestIrq)
    }))

  it.effect("virtual-wifi: the host's driver reads the card; the guest's read traps and is counted as an exit, not again in its ISR", () =>
    Effect.gen(function*() {
      const { cpu, port, hostInterrupts } = yield* run("virtual-wifi")
      const n = cpu.operationCounts
      assert.isAbove(hostInterrupts ?? 0, 100)
      oneEach(n.hostIrq, hostInterrupts)
      oneEach(n.irqRegisterRead, hostInterrupts)
      assert.isAbove(port.virtualIrqs ?? 0, 100)
      oneEach(n.guestIrq, port.virtualIrqs)
      assert.strictEqual(n.guestIrqRegisterRead, 0)
      // One trapped read per injected interrupt, and the PCI header's read at boot.
      oneEach(port.emulatedReads, port.virtualIrqs! + 1)
    }))
})
