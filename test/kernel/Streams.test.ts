import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { Prng, streamSeed } from "../../src/kernel/Prng.ts"

const draws = (seed: number, extraMainDraws: number, extraOtherDraws: number) =>
  Effect.map(
    Simulation.run(Effect.gen(function*() {
      const sim = yield* Simulation.Simulation
      for (let i = 0; i < extraMainDraws; i++) sim.random.nextUint32()
      const other = sim.stream("faults")
      for (let i = 0; i < extraOtherDraws; i++) other.nextUint32()
      const air = sim.stream("air")
      return [air.nextUint32(), air.nextUint32(), air.nextUint32()]
    }), { seed }),
    ({ exit }) => (exit._tag === "Success" ? exit.value : [])
  )

describe("per-subsystem random streams", () => {
  it.effect("a subsystem's stream depends on the run's seed and its name only, not on draws elsewhere", () =>
    Effect.gen(function*() {
      const a = yield* draws(7, 0, 0)
      assert.strictEqual(a.length, 3)
      assert.deepStrictEqual(yield* draws(7, 100, 0), a, "draws from the run's own source do not shift it")
      assert.deepStrictEqual(yield* draws(7, 0, 57), a, "draws from another stream do not shift it")
      assert.notDeepEqual(yield* draws(8, 0, 0), a, "another seed, another stream")
    }))

  it.effect("two subsystems of one run get different streams", () =>
    Effect.gen(function*() {
      const { exit } = yield* Simulation.run(Effect.gen(function*() {
        const sim = yield* Simulation.Simulation
        return [sim.stream("air").nextUint32(), sim.stream("hostile-guests").nextUint32()]
      }), { seed: 1 })
      assert.strictEqual(exit._tag, "Success")
      if (exit._tag === "Success") assert.notStrictEqual(exit.value[0], exit.value[1])
    }))
})

describe("seeds past 32 bits", () => {
  // 2654435761 is 0x9e3779b1 with no high word; 2^32 has high word 1, which the fold spreads to 0x9e3779b1.
  const foldAlike = [2654435761, 4294967296] as const

  it("fold alike into 32 bits, and still give the run and every stream sequences of their own", () => {
    const first = (p: Prng) => [p.nextUint32(), p.nextUint32(), p.nextUint32(), p.nextUint32()]
    assert.deepStrictEqual(first(new Prng(foldAlike[0])), first(new Prng(foldAlike[1])), "the plain fold is where they meet")
    assert.notDeepEqual(first(Prng.forRun(foldAlike[0])), first(Prng.forRun(foldAlike[1])))
    for (const name of ["air", "faults"]) {
      assert.notDeepEqual(first(new Prng(streamSeed(foldAlike[0], name))), first(new Prng(streamSeed(foldAlike[1], name))), name)
    }
    // Below 2^32 a run's generator is the plain one: every run digest of such a seed stays as it was.
    assert.deepStrictEqual(first(Prng.forRun(7)), first(new Prng(7)))
  })

  it.effect("give different runs", () =>
    Effect.gen(function*() {
      const [a, b] = yield* Effect.forEach(foldAlike, (seed) => draws(seed, 0, 0))
      assert.notDeepEqual(a, b)
    }))
})
