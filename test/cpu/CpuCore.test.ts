import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import { Cat, categories } from "../../src/cpu/CpuCategory.ts"
import { CpuCore, INTERRUPT_CONTEXT } from "../../src/cpu/CpuCore.ts"
import { costNames, estimatedCosts, withCycles } from "../../src/cpu/CostTable.ts"
import type { CostName } from "../../src/cpu/CostTable.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { runActors, valueOf } from "../actor/support.ts"

// At 1 GHz a cycle is a nanosecond: the expectations below are plain sums of nanoseconds.
const GHZ = 1
const SWITCH_NS = 2_000
const MS = 1e6
const costs = withCycles(estimatedCosts, { contextSwitch: SWITCH_NS }, "test")

/** Runs `body` with a fresh core in a fresh simulation. */
const withCore = <A>(body: (cpu: CpuCore) => Effect.Effect<A, never, Simulation.Simulation>) =>
  Effect.map(
    runActors(Effect.gen(function*() {
      const cpu = yield* CpuCore.make({ ghz: GHZ, costs })
      return yield* body(cpu)
    })),
    valueOf
  )

/** Runs `body` with a fresh core and a probe on the simulation's clock; returns the probe and what `body` returned. */
const withProbedCore = <A>(body: (cpu: CpuCore, p: ReturnType<typeof probe>) => Effect.Effect<A, never, Simulation.Simulation>) =>
  Effect.gen(function*() {
    const p = probe()
    const out = yield* withCore((cpu) =>
      Effect.gen(function*() {
        const sim = yield* Simulation.Simulation
        p.clock(() => sim.kernel.nowNs)
        return yield* body(cpu, p)
      }))
    return { p, out }
  })

/** A port that records when each message arrives. */
const probe = () => {
  const seen: Array<{ readonly message: string; readonly atNs: number }> = []
  let nowNs = () => 0
  return {
    seen,
    clock: (read: () => number) => {
      nowNs = read
    },
    port: { tellUnsafe: (message: string) => (seen.push({ message, atNs: nowNs() }), true) },
    at: (message: string) => seen.find((s) => s.message === message)?.atNs
  }
}

describe("cpu core: fair share", () => {
  it.effect("two CPU-bound threads share the core 50/50 over a second, switching every 2.5 ms slice", () =>
    Effect.gen(function*() {
      const out = yield* withCore((cpu) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          const b = cpu.thread("b")
          cpu.job(a).cycles(Cat.guest, 10e9).submit()
          cpu.job(b).cycles(Cat.guest, 10e9).submit()
          yield* Simulation.sleep(1e9)
          return cpu.snapshot()
        }))
      const [, a, b] = out.threads
      // Theory (sched_fair.c): 2 runnable threads, period 5 ms, slice 2.5 ms each; a switch every slice.
      const sliceNs = 5 * MS / 2
      const cycles = 1e9 / (sliceNs + SWITCH_NS)
      assert.closeTo(out.contextSwitches, cycles, 1.5, "one switch per slice (the first from idle)")
      assert.closeTo(a!.busyNs + b!.busyNs + out.switchNs, 1e9, 1e-3, "the core never idles")
      assert.isAtMost(Math.abs(a!.busyNs - b!.busyNs), sliceNs, "within one slice of each other")
      assert.closeTo(a!.busyNs / 1e9, 0.5, 0.005)
      assert.closeTo(out.switchNs, out.contextSwitches * SWITCH_NS, 1e-3)
    }))

  it.effect("three CPU-bound threads get a third each", () =>
    Effect.gen(function*() {
      const out = yield* withCore((cpu) =>
        Effect.gen(function*() {
          const ids = [cpu.thread("a"), cpu.thread("b"), cpu.thread("c")]
          for (const id of ids) cpu.job(id).cycles(Cat.guest, 10e9).submit()
          yield* Simulation.sleep(1e9)
          return cpu.snapshot()
        }))
      const threads = out.threads.slice(1)
      const sliceNs = 5 * MS / 3
      const each = (1e9 - out.switchNs) / 3
      for (const t of threads) assert.isAtMost(Math.abs(t.busyNs - each), sliceNs, t.name)
      assert.closeTo(out.contextSwitches, 1e9 / (sliceNs + SWITCH_NS), 1.5)
    }))

  it.effect("with more than five runnable threads the period stretches to 1 ms per thread", () =>
    Effect.gen(function*() {
      const out = yield* withCore((cpu) =>
        Effect.gen(function*() {
          for (let i = 0; i < 8; i++) cpu.job(cpu.thread(`t${i}`)).cycles(Cat.guest, 10e9).submit()
          yield* Simulation.sleep(1e9)
          return cpu.snapshot()
        }))
      // 8 threads: period 8 ms, slice 1 ms (the minimum granularity), not 5/8 ms.
      assert.closeTo(out.contextSwitches, 1e9 / (1 * MS + SWITCH_NS), 1.5)
    }))
})

describe("cpu core: interrupts and wake-ups", () => {
  it.effect("an interrupt job preempts a running thread, whose job ends later by exactly the interrupt's cost", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          cpu.job(a).cycles(Cat.guest, 1 * MS).then(p.port, "a").submit()
          yield* Simulation.sleep(0.3 * MS)
          cpu.job(INTERRUPT_CONTEXT).op("hostIrq").then(p.port, "irq").submit()
          yield* Simulation.sleep(10 * MS)
        }))
      const irqNs = costs.hostIrq.cycles / GHZ
      // Idle → a is one switch; interrupt entry and exit are none.
      assert.closeTo(p.at("irq")!, 0.3 * MS + irqNs, 1e-6, "the interrupt runs at once")
      assert.closeTo(p.at("a")!, SWITCH_NS + 1 * MS + irqNs, 1e-6)
    }))

  it.effect("interrupt jobs run in order, and a switch in progress finishes first", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          cpu.job(a).cycles(Cat.guest, 1 * MS).then(p.port, "a").submit()
          yield* Simulation.sleep(500) // mid-switch (the switch to a takes 2 µs)
          cpu.job(INTERRUPT_CONTEXT).cycles(Cat.interrupts, 10_000).then(p.port, "irq1").submit()
          cpu.job(INTERRUPT_CONTEXT).cycles(Cat.interrupts, 5_000).then(p.port, "irq2").submit()
          yield* Simulation.sleep(10 * MS)
        }))
      assert.closeTo(p.at("irq1")!, SWITCH_NS + 10_000, 1e-6)
      assert.closeTo(p.at("irq2")!, SWITCH_NS + 15_000, 1e-6)
      assert.closeTo(p.at("a")!, SWITCH_NS + 15_000 + 1 * MS, 1e-6)
    }))

  it.effect("a thread woken by an interrupt preempts at the interrupt's exit, with one switch", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const hog = cpu.thread("hog")
          const reader = cpu.thread("reader")
          cpu.job(hog).cycles(Cat.guest, 10e9).submit()
          yield* Simulation.sleep(50 * MS)
          // The interrupt's handler wakes the reader (the hand-off a driver makes to a waiting thread).
          cpu.job(INTERRUPT_CONTEXT).cycles(Cat.interrupts, 3_000).next(cpu.job(reader).cycles(Cat.guest, 20_000).then(p.port, "read")).submit()
          yield* Simulation.sleep(10 * MS)
        }))
      assert.closeTo(p.at("read")!, 50 * MS + 3_000 + SWITCH_NS + 20_000, 1e-6)
    }))

  it.effect("the core's own timer is no message: its mailbox handles the jobs submitted and nothing else", () =>
    Effect.gen(function*() {
      const p = probe()
      const handled = yield* Effect.map(
        runActors(Effect.gen(function*() {
          const sim = yield* Simulation.Simulation
          p.clock(() => sim.kernel.nowNs)
          const cpu = yield* CpuCore.make({ ghz: GHZ, costs })
          const a = cpu.thread("a")
          const b = cpu.thread("b")
          cpu.job(a).cycles(Cat.guest, 3_000).then(p.port, "a").submit()
          cpu.job(b).cycles(Cat.guest, 1_000).then(p.port, "b").submit()
          yield* Simulation.sleep(1 * MS)
          cpu.job(INTERRUPT_CONTEXT).cycles(Cat.interrupts, 500).then(p.port, "irq").submit()
          yield* Simulation.sleep(1 * MS)
          const system = yield* ActorSystem
          return system.metrics().find((m) => m.name === "cpu")!.handled
        })),
        valueOf
      )
      // Three events of the core's timer delivered the three results; its mailbox saw the three jobs.
      assert.deepStrictEqual(p.seen.map((s) => s.message), ["a", "b", "irq"])
      assert.closeTo(p.at("b")!, SWITCH_NS + 3_000 + SWITCH_NS + 1_000, 1e-6)
      assert.strictEqual(handled, 3)
    }))

  it.effect("jobs of one thread run in the order submitted, back to back", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          cpu.job(a).cycles(Cat.guest, 3_000).then(p.port, "1").submit()
          cpu.job(a).cycles(Cat.guest, 1_000).submit() // nothing waits for this one: no event of its own
          cpu.job(a).cycles(Cat.guest, 2_000).then(p.port, "3").submit()
          yield* Simulation.sleep(1 * MS)
        }))
      assert.deepStrictEqual(p.seen.map((s) => s.message), ["1", "3"])
      assert.closeTo(p.at("1")!, SWITCH_NS + 3_000, 1e-6)
      assert.closeTo(p.at("3")!, SWITCH_NS + 6_000, 1e-6)
    }))

  it.effect("a thread that wakes after sleeping preempts a CPU-bound one at once (its credit exceeds the wake-up granularity)", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const hog = cpu.thread("hog")
          const sleeper = cpu.thread("sleeper")
          cpu.job(hog).cycles(Cat.guest, 10e9).submit()
          yield* Simulation.sleep(100 * MS)
          cpu.job(sleeper).cycles(Cat.guest, 50_000).then(p.port, "woke").submit()
          yield* Simulation.sleep(10 * MS)
        }))
      // Placed 2.5 ms below the hog's virtual runtime (> 1 ms granularity): one switch, then its work.
      assert.closeTo(p.at("woke")!, 100 * MS + SWITCH_NS + 50_000, 1e-6)
    }))

  it.effect("a long sleeper wakes in the middle of another thread's fresh slice: it preempts at once, ahead of the thread queued before it", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          const b = cpu.thread("b")
          const sleeper = cpu.thread("sleeper")
          // a and b alternate 2.5 ms slices (each 2 µs switch + 2.5 ms): at 100.3 ms one of them is
          // about 0.2 ms into a slice, with about 2.3 ms of it left, and the other waits, queued first.
          cpu.job(a).cycles(Cat.guest, 10e9).submit()
          cpu.job(b).cycles(Cat.guest, 10e9).submit()
          yield* Simulation.sleep(100.3 * MS)
          cpu.job(sleeper).cycles(Cat.guest, 50_000).then(p.port, "woke").submit()
          yield* Simulation.sleep(10 * MS)
        }))
      // The sleeper is placed 2.5 ms below the queue's minimum virtual runtime, over the 1 ms wake-up
      // granularity below the running thread's: it preempts now (not at the slice's end), and the pick
      // takes it, not the waiting thread queued before it. One switch, then its work.
      assert.closeTo(p.at("woke")!, 100.3 * MS + SWITCH_NS + 50_000, 1e-6)
    }))

  it.effect("a thread that slept briefly does not preempt: it waits for the rest of the running thread's slice", () =>
    Effect.gen(function*() {
      const { p } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const sim = yield* Simulation.Simulation
          const hog = cpu.thread("hog")
          const other = cpu.thread("other")
          // They alternate 2.5 ms slices; `other`'s 10 ms end with its fourth slice, level with the hog.
          cpu.job(hog).cycles(Cat.guest, 10e9).submit()
          const again = {
            tellUnsafe: () => {
              sim.kernel.setTimer(sim.kernel.nowNs + 0.5 * MS, () => {
                p.seen.push({ message: "submitted", atNs: sim.kernel.nowNs })
                cpu.job(other).cycles(Cat.guest, 50_000).then(p.port, "woke").submit()
              })
              return true
            }
          }
          cpu.job(other).cycles(Cat.guest, 10 * MS).then(again, undefined).submit()
          yield* Simulation.sleep(50 * MS)
        }))
      const latency = p.at("woke")! - 50_000 - p.at("submitted")!
      // Woken 0.5 ms after blocking, `other` is 0.5 ms of virtual time behind (< 1 ms granularity):
      // the hog keeps the rest of its 2.5 ms slice (2 ms + the switch it did not run), then one switch.
      assert.closeTo(latency, 2 * MS + 2 * SWITCH_NS, 1e-3)
      assert.isAtMost(latency, 2.5 * MS + SWITCH_NS, "within the running thread's slice and a switch")
    }))
})

describe("cpu core: accounting", () => {
  it.effect("a known sequence: two jobs submitted together cost three switches (idle → a → b → idle)", () =>
    Effect.gen(function*() {
      const { p, out } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          const b = cpu.thread("b")
          cpu.job(a).cycles(Cat.guest, 1 * MS).then(p.port, "a").submit()
          cpu.job(b).cycles(Cat.guest, 1 * MS).then(p.port, "b").submit()
          yield* Simulation.sleep(10 * MS)
          return cpu.snapshot()
        }))
      assert.strictEqual(out.contextSwitches, 3)
      assert.strictEqual(out.operationCounts.contextSwitch, 3)
      assert.closeTo(out.breakdownNs["host.scheduling"]!, 3 * SWITCH_NS, 1e-6)
      assert.closeTo(p.at("a")!, SWITCH_NS + 1 * MS, 1e-6)
      assert.closeTo(p.at("b")!, 2 * SWITCH_NS + 2 * MS, 1e-6)
    }))

  it.effect("a job that hands work to another thread at the same instant does not switch through idle", () =>
    Effect.gen(function*() {
      const { p, out } = yield* withProbedCore((cpu, p) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          const b = cpu.thread("b")
          cpu.job(a).cycles(Cat.guest, 1 * MS).next(cpu.job(b).cycles(Cat.userspace, 1 * MS).then(p.port, "b")).submit()
          // Midway through b's work (the hand-off is computed, not an event of its own).
          yield* Simulation.sleep(2 * SWITCH_NS + 1.5 * MS)
          const mid = cpu.snapshot()
          yield* Simulation.sleep(10 * MS)
          return { mid, last: cpu.snapshot() }
        }))
      assert.strictEqual(out.mid.contextSwitches, 2, "idle → a, a → b")
      assert.closeTo(out.mid.switchNs, 2 * SWITCH_NS, 1e-6)
      assert.closeTo(out.mid.threads[1]!.busyNs, 1 * MS, 1e-6)
      assert.closeTo(out.mid.threads[2]!.busyNs, 0.5 * MS, 1e-6)
      assert.closeTo(out.mid.breakdownNs["userspace"]!, 0.5 * MS, 1e-6)
      assert.strictEqual(out.mid.idleNs, 0)
      // idle → a, a → b, b → idle.
      assert.strictEqual(out.last.contextSwitches, 3)
      assert.closeTo(p.at("b")!, 2 * SWITCH_NS + 2 * MS, 1e-6)
    }))

  it.effect("busy by category never exceeds the elapsed time, agrees with the threads' busy time at any instant, and equals what was submitted once it has run", () =>
    Effect.gen(function*() {
      const ops: Array<readonly [CostName, number]> = [["exitDecode", 3], ["lock", 2], ["copyByte", 1500], ["guestPacket", 4]]
      const out = yield* withCore((cpu) =>
        Effect.gen(function*() {
          const a = cpu.thread("a", 0)
          const b = cpu.thread("b", 1)
          const snapshots = []
          for (let round = 0; round < 5; round++) {
            const job = cpu.job(round % 2 === 0 ? a : b)
            for (const [name, times] of ops) job.op(name, times)
            job.submit()
            cpu.job(INTERRUPT_CONTEXT).op("hostIrq").op("irqForward").submit()
            cpu.job(b).cycles(Cat.userspace, 7_777).submit()
            // Look mid-work: a switch, a preempted job and an interrupt are all in progress at some of these.
            for (const stepNs of [700, 1_900, 3_333, 12_345]) {
              yield* Simulation.sleep(stepNs)
              snapshots.push(cpu.snapshot())
            }
          }
          yield* Simulation.sleep(100 * MS)
          return { snapshots, last: cpu.snapshot() }
        }))
      for (const s of [...out.snapshots, out.last]) {
        const sum = Object.values(s.breakdownNs).reduce((x, y) => x + y, 0)
        assert.isAtMost(sum, s.elapsedNs + 1e-6, "one core is never busier than the time that passed")
        assert.closeTo(sum, s.busyNs, 1e-6)
        assert.closeTo(s.idleNs, s.elapsedNs - sum, 1e-6)
        const byThreads = s.threads.reduce((x, t) => x + t.busyNs, 0)
        assert.closeTo(byThreads + s.switchNs, s.busyNs, 1e-6, "threads and switches make up the busy time")
      }
      // What was submitted, computed from the table (not by the core).
      const expected = new Map<string, number>()
      const add = (cat: number, ns: number) => expected.set(categories[cat]!.id, (expected.get(categories[cat]!.id) ?? 0) + ns)
      for (let round = 0; round < 5; round++) {
        for (const [name, times] of ops) add(costs[name].category, (costs[name].cycles * times) / GHZ)
        add(costs.hostIrq.category, costs.hostIrq.cycles / GHZ)
        add(costs.irqForward.category, costs.irqForward.cycles / GHZ)
        add(Cat.userspace, 7_777 / GHZ)
      }
      add(Cat.scheduling, out.last.contextSwitches * SWITCH_NS)
      for (const c of categories) assert.closeTo(out.last.breakdownNs[c.id]!, expected.get(c.id) ?? 0, 1e-6, c.id)
      for (const name of costNames) {
        const times = name === "contextSwitch" ? out.last.contextSwitches : 5 * (ops.find(([n]) => n === name)?.[1] ?? 0) + (name === "hostIrq" || name === "irqForward" ? 5 : 0)
        assert.strictEqual(out.last.operationCounts[name], times, name)
      }
      assert.strictEqual(out.last.vmBusyNs.get(0)! + out.last.vmBusyNs.get(1)!, out.last.threads[1]!.busyNs + out.last.threads[2]!.busyNs)
    }))

  it("has exactly Table 1's categories, in its order, plus guest and user space", () => {
    assert.strictEqual(categories.filter((c) => c.group === "kvm").length, 6)
    assert.strictEqual(categories.filter((c) => c.group === "host-kernel").length, 9)
    assert.strictEqual(categories[0]!.label, "Delivering virtual IRQs")
    assert.strictEqual(categories[14]!.label, "Network Stack")
  })
})

describe("cpu core: the `ran` trace source", () => {
  interface Piece { readonly thread: number; readonly op: string; readonly category: number; readonly startNs: number; readonly endNs: number; readonly switching: boolean }
  /** Runs `body` with a listener on `traces.ran`; returns the pieces, and the snapshot `body` took. */
  const traced = (body: (cpu: CpuCore) => Effect.Effect<void, never, Simulation.Simulation>) =>
    withCore((cpu) =>
      Effect.gen(function*() {
        const pieces: Array<Piece> = []
        cpu.traces.ran.connect((s) =>
          pieces.push({ thread: s.thread, op: s.op < 0 ? "cycles" : costNames[s.op]!, category: s.category, startNs: s.startNs, endNs: s.endNs, switching: s.switching })
        )
        yield* body(cpu)
        const snapshot = cpu.snapshot()
        cpu.reportRunning()
        return { pieces, snapshot }
      }))

  it.effect("reports every piece of work once: no overlaps, and per category they add up to the snapshot's busy time", () =>
    Effect.gen(function*() {
      const { pieces, snapshot } = yield* traced((cpu) =>
        Effect.gen(function*() {
          const a = cpu.thread("a")
          const b = cpu.thread("b")
          cpu.job(a).op("guestPacket").op("exitDecode").cycles(Cat.guest, 4 * MS).submit()
          cpu.job(b).op("driverCommand").cycles(Cat.io, 3 * MS).submit()
          yield* Simulation.sleep(1 * MS)
          cpu.job(INTERRUPT_CONTEXT).op("hostIrq").submit()
          // Ends mid-job (and mid-slice): the rest comes from `reportRunning`.
          yield* Simulation.sleep(5.5 * MS)
        }))
      for (let i = 1; i < pieces.length; i++) assert.isAtLeast(pieces[i]!.startNs, pieces[i - 1]!.endNs - 1e-6, `piece ${i} overlaps the one before`)
      assert.closeTo(pieces.at(-1)!.endNs, 6.5 * MS, 1e-6, "reported up to now")
      const byCategory = categories.map(() => 0)
      for (const p of pieces) byCategory[p.category]! += p.endNs - p.startNs
      categories.forEach((c, i) => assert.closeTo(byCategory[i]!, snapshot.breakdownNs[c.id]!, 1e-6, c.id))
      // Names and threads: the operations as submitted; switches to the thread picked; the interrupt in its context.
      assert.deepStrictEqual(pieces.slice(0, 4).map((p) => [p.op, p.thread, p.switching]), [
        ["contextSwitch", 1, true],
        ["guestPacket", 1, false],
        ["exitDecode", 1, false],
        ["cycles", 1, false]
      ])
      assert.isTrue(pieces.some((p) => p.op === "hostIrq" && p.thread === INTERRUPT_CONTEXT && p.category === Cat.interrupts))
      assert.isTrue(pieces.some((p) => p.op === "driverCommand" && p.thread === 2))
      const switchNs = pieces.filter((p) => p.switching).reduce((n, p) => n + p.endNs - p.startNs, 0)
      assert.closeTo(switchNs, snapshot.switchNs, 1e-6)
    }))

  it.effect("with no listener, nothing is filled in and the figures are the same as with one", () =>
    Effect.gen(function*() {
      const run = (listen: boolean) =>
        withCore((cpu) =>
          Effect.gen(function*() {
            if (listen) cpu.traces.ran.connect(() => undefined)
            cpu.job(cpu.thread("a")).op("guestPacket").cycles(Cat.guest, 2 * MS).submit()
            cpu.job(cpu.thread("b")).cycles(Cat.io, 2 * MS).submit()
            yield* Simulation.sleep(3 * MS)
            return cpu.snapshot()
          }))
      const [quiet, heard] = [yield* run(false), yield* run(true)]
      assert.deepStrictEqual(heard.breakdownNs, quiet.breakdownNs)
      assert.strictEqual(heard.contextSwitches, quiet.contextSwitches)
    }))
})
