import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Fiber, Random, Schema } from "effect"
import type * as Scope from "effect/Scope"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { TimerHeap } from "../../src/kernel/TimerHeap.ts"

const run = <A, E>(program: Effect.Effect<A, E, Simulation.Simulation | Scope.Scope>, options: Partial<Simulation.RunOptions> = {}) =>
  Simulation.run(program, { seed: 1, ...options })

/** A program that draws random numbers and logs each draw with its time in the trace. */
const randomWalkers = (walkers: number, steps: number) =>
  Effect.gen(function*() {
    const sim = yield* Simulation.Simulation
    const kind = sim.trace.name("step")
    const fibers = []
    for (let w = 0; w < walkers; w++) {
      const me = sim.trace.name(`walker-${w}`)
      fibers.push(yield* Effect.forkChild(Effect.gen(function*() {
        for (let s = 0; s < steps; s++) {
          yield* Simulation.sleep(1 + sim.random.nextIntBelow(1_000_000))
          sim.trace.record(sim.kernel.nowNs, me, kind, s, 0)
        }
      })))
    }
    yield* Fiber.joinAll(fibers)
    return sim.kernel.nowNs
  })

describe("kernel: virtual time", () => {
  it.effect("timers fire in time order; equal times in the order they were set", () =>
    Effect.gen(function*() {
      const order: Array<string> = []
      const program = Effect.gen(function*() {
        const at = (label: string, ms: number) =>
          Effect.forkChild(Effect.sleep(ms).pipe(Effect.tap(() => Effect.sync(() => order.push(label)))))
        const fibers = [yield* at("c", 30), yield* at("a", 10), yield* at("b1", 20), yield* at("b2", 20), yield* at("b3", 20)]
        yield* Fiber.joinAll(fibers)
      })
      const result = yield* run(program)
      assert.isTrue(Exit.isSuccess(result.exit))
      assert.deepStrictEqual(order, ["a", "b1", "b2", "b3", "c"])
      assert.strictEqual(result.stats.virtualTimeNs, 30_000_000)
    }))

  it.effect("a sleep of NaN is a defect, not a wait of 0 that hides the computation that made it", () =>
    Effect.gen(function*() {
      const nan = yield* run(Simulation.sleep(NaN))
      assert.isTrue(Exit.isFailure(nan.exit))
      const negative = yield* run(Effect.as(Simulation.sleep(-5), "woke"))
      assert.isTrue(Exit.isSuccess(negative.exit), "a time already past is now")
    }))

  it.effect("clock starts at 0 with nanosecond resolution", () =>
    Effect.gen(function*() {
      const result = yield* run(Effect.gen(function*() {
        const t0 = yield* Simulation.nowNs
        yield* Simulation.sleep(7)
        const t1 = yield* Simulation.nowNs
        yield* Effect.sleep("3 micros")
        return [t0, t1, yield* Simulation.nowNs]
      }))
      assert.deepStrictEqual(Exit.isSuccess(result.exit) ? result.exit.value : undefined, [0, 7, 3_007])
    }))

  it.effect("`until` stops the run at exactly that virtual time and interrupts the program", () =>
    Effect.gen(function*() {
      let finalized = false
      const program = Effect.forever(Effect.sleep("3 millis")).pipe(Effect.onInterrupt(() => Effect.sync(() => {
        finalized = true
      })))
      const result = yield* run(program, { until: "1 second" })
      assert.strictEqual(result.stats.outcome, "time-limit")
      assert.strictEqual(result.stats.virtualTimeNs, 1_000_000_000)
      assert.isTrue(Exit.hasInterrupts(result.exit))
      assert.isTrue(finalized, "finalizers ran")
    }))

  it.effect("a simulated hour of periodic timers takes no real waiting", () =>
    Effect.gen(function*() {
      let ticks = 0
      const ticker = (periodMs: number) => Effect.forever(Effect.sleep(periodMs).pipe(Effect.tap(() => Effect.sync(() => ticks++))))
      const program = Effect.gen(function*() {
        yield* Effect.forkChild(ticker(100))
        yield* Effect.forkChild(ticker(1000))
        yield* Effect.sleep("1 hour")
      })
      const result = yield* run(program)
      assert.strictEqual(result.stats.outcome, "completed")
      assert.strictEqual(result.stats.virtualTimeNs, 3_600e9)
      // The hour's own timer was set before the tickers' last ones, so at t = 1 h it fires first
      // and the program ends before their final ticks: 35,999 + 3,599.
      assert.strictEqual(ticks, 35_999 + 3_599)
      // Hard bound far above the expected ~100 ms: real sleeping would take an hour.
      assert.isBelow(result.stats.wallTimeMs, 30_000)
    }))

  // Live clock: the outer timeout is real time, the run inside stays virtual.
  it.live("interrupting the run from outside stops every fiber and runs finalizers", () =>
    Effect.gen(function*() {
      const finalized: Array<string> = []
      const program = Effect.gen(function*() {
        for (const name of ["a", "b"]) {
          yield* Effect.forkScoped(Effect.forever(Effect.sleep("1 milli")).pipe(
            Effect.onInterrupt(() => Effect.sync(() => finalized.push(name)))
          ))
        }
        yield* Effect.addFinalizer(() => Effect.sync(() => finalized.push("scope")))
        yield* Effect.never
      })
      // Slices of 0 ms make the run yield to the host after every batch, so the outer timeout can fire.
      const outcome = yield* run(program, { sliceMs: 0 }).pipe(Effect.timeoutOption("50 millis"))
      assert.isTrue(outcome._tag === "None")
      assert.deepStrictEqual([...finalized].sort(), ["a", "b", "scope"])
    }))
})

describe("kernel: determinism", () => {
  it.effect("the same seed gives the same digest, twice", () =>
    Effect.gen(function*() {
      const a = yield* run(randomWalkers(8, 50), { seed: 1234 })
      const b = yield* run(randomWalkers(8, 50), { seed: 1234 })
      assert.strictEqual(a.stats.traceEvents, 400)
      assert.strictEqual(a.stats.traceDigest, b.stats.traceDigest)
      assert.strictEqual(a.stats.virtualTimeNs, b.stats.virtualTimeNs)
      assert.strictEqual(a.stats.eventsProcessed, b.stats.eventsProcessed)
    }))

  it.effect("different seeds give different digests", () =>
    Effect.gen(function*() {
      const digests = new Set<string>()
      for (let seed = 0; seed < 20; seed++) digests.add((yield* run(randomWalkers(4, 20), { seed })).stats.traceDigest)
      assert.strictEqual(digests.size, 20)
    }))

  it.effect("the full trace is streamed line by line and matches the digest's event count", () =>
    Effect.gen(function*() {
      const lines: Array<string> = []
      const result = yield* run(randomWalkers(3, 5), { seed: 9, trace: (line) => lines.push(line) })
      assert.strictEqual(lines.length, result.stats.traceEvents)
      const first = JSON.parse(lines[0]!)
      assert.hasAllKeys(first, ["t", "actor", "kind", "a", "b"])
      const times = lines.map((l) => JSON.parse(l).t as number)
      assert.deepStrictEqual(times, [...times].sort((x, y) => x - y))
    }))

  it.effect("Effect's own Random is the seeded generator inside a run", () =>
    Effect.gen(function*() {
      // Random is imported statically: an import() inside the run awaits a real promise, which the
      // kernel cannot see, so the run ends in a deadlock (and two deadlocks compare equal).
      const draw = Effect.gen(function*() {
        return [yield* Random.nextInt, yield* Random.nextInt]
      })
      const a = yield* run(draw, { seed: 5 })
      assert.strictEqual(a.stats.outcome, "completed")
      const b = yield* run(draw, { seed: 5 })
      assert.deepStrictEqual(a.exit, b.exit)
      // The run's seed, not a fixed one: seed 6 draws otherwise.
      const c = yield* run(draw, { seed: 6 })
      assert.notDeepEqual(c.exit, a.exit)
      // It is the run's own generator, `new Prng(seed)`: Random.nextInt is its next 32-bit word, signed.
      const own = new Prng(5)
      assert.deepStrictEqual(a.exit, Exit.succeed([own.nextIntUnsafe(), own.nextIntUnsafe()]))
    }))
})

describe("kernel: runaway and deadlock", () => {
  it.effect("a fiber that loops without letting time advance is an error naming it", () =>
    Effect.gen(function*() {
      const { FiberLabel } = yield* Effect.promise(() => import("../../src/kernel/FiberLabel.ts"))
      const spinner = Effect.forever(Effect.sync(() => {})).pipe(Effect.provideService(FiberLabel, "spinner"))
      const program = Effect.gen(function*() {
        yield* Effect.forkChild(spinner)
        yield* Effect.sleep("1 second")
      })
      const result = yield* run(program)
      assert.strictEqual(result.stats.outcome, "runaway")
      assert.isTrue(Exit.isFailure(result.exit))
      const error = Exit.isFailure(result.exit) ? result.exit.cause.reasons[0] : undefined
      assert.strictEqual(error?._tag, "Fail")
      const failure = error?._tag === "Fail" ? (error.error as { _tag: string; actors: ReadonlyArray<string> }) : undefined
      assert.strictEqual(failure?._tag, "RunawayFiber")
      assert.include(failure?.actors ?? [], "spinner")
    }))

  it.effect("fibers bouncing yields at one instant are caught too", () =>
    Effect.gen(function*() {
      const result = yield* run(Effect.forever(Effect.yieldNow), { limits: { maxStepsPerInstant: 10_000, maxForcedYieldsPerInstant: 1_000 } })
      assert.strictEqual(result.stats.outcome, "runaway")
    }))

  it.effect("a program waiting forever with nothing scheduled is a deadlock", () =>
    Effect.gen(function*() {
      const result = yield* run(Effect.never)
      assert.strictEqual(result.stats.outcome, "deadlock")
      assert.isTrue(Exit.isFailure(result.exit))
    }))

  it.effect("a deadlock is said when it happens, not when the time limit comes", () =>
    Effect.gen(function*() {
      const result = yield* run(Effect.andThen(Effect.sleep("2 seconds"), Effect.never), { until: "1 hour" })
      assert.strictEqual(result.stats.outcome, "deadlock")
      assert.strictEqual(result.stats.virtualTimeNs, 2e9)
    }))
})

describe("kernel: seeded PRNG", () => {
  it("is reproducible and stays in range", () => {
    const a = new Prng(42), b = new Prng(42)
    for (let i = 0; i < 1000; i++) {
      const x = a.nextDoubleUnsafe()
      assert.strictEqual(x, b.nextDoubleUnsafe())
      assert.isTrue(x >= 0 && x < 1)
      const k = a.nextIntBelow(7)
      assert.strictEqual(k, b.nextIntBelow(7))
      assert.isTrue(Number.isInteger(k) && k >= 0 && k < 7)
    }
  })

  it("refuses a bound it cannot draw below: past 2^32 it looped for ever, a fraction gave fractions", () => {
    const prng = new Prng(1)
    assert.throws(() => prng.nextIntBelow(2 ** 33), RangeError, "up to 2^32")
    assert.throws(() => prng.nextIntBelow(2.5), RangeError)
    assert.throws(() => prng.nextIntBelow(NaN), RangeError)
    assert.isTrue(prng.nextIntBelow(2 ** 32) < 2 ** 32)
  })

  it("spreads draws evenly (chi-square over 10 bins)", () => {
    const prng = new Prng(7)
    const bins = new Array(10).fill(0)
    const n = 100_000
    for (let i = 0; i < n; i++) bins[prng.nextIntBelow(10)]++
    const chi2 = bins.reduce((sum, observed) => sum + (observed - n / 10) ** 2 / (n / 10), 0)
    assert.isBelow(chi2, 27.9) // 99.9th percentile of chi-square with 9 degrees of freedom
  })

  it.prop("seeds that differ give different streams", [Schema.Int, Schema.Int], ([x, y]) => {
    if (x === y) return true
    const a = new Prng(x), b = new Prng(y)
    return [0, 1, 2, 3].some(() => a.nextUint32() !== b.nextUint32())
  })
})

describe("kernel: timer heap", () => {
  it.prop("pops in (time, insertion) order, skipping cancelled timers",
    [Schema.Array(Schema.Tuple([Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 50 })), Schema.Boolean]))],
    ([entries]) => {
      const heap = new TimerHeap()
      const timers = entries.map(([at], i) => heap.push(at, () => i))
      entries.forEach(([, cancel], i) => cancel && heap.cancel(timers[i]!))
      const expected = entries.map(([at, cancel], i) => ({ at, i, cancel }))
        .filter((e) => !e.cancel)
        .sort((x, y) => x.at - y.at || x.i - y.i)
        .map((e) => e.i)
      const popped: Array<number> = []
      for (let t = heap.pop(); t !== undefined; t = heap.pop()) popped.push(t.seq)
      assert.deepStrictEqual(popped, expected)
    })

  it("compacts when most timers are cancelled", () => {
    const heap = new TimerHeap()
    const timers = Array.from({ length: 10_000 }, (_, i) => heap.push(i, () => {}))
    for (let i = 0; i < 9_990; i++) heap.cancel(timers[i]!)
    assert.strictEqual(heap.size, 10)
    assert.strictEqual(heap.pop()?.atNs, 9_990)
  })
})
