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
  const TWO_POW_32 = 2 ** 32
  /** Seeds with high words 0..n−1 whose 32-bit fold is `fold` (low word = fold ^ imul(hi, 0x9e3779b1)), all below 2^53. */
  const foldClass = (fold: number, n: number): Array<number> =>
    Array.from({ length: n }, (_, hi) => hi * TWO_POW_32 + ((fold ^ Math.imul(hi, 0x9e3779b1)) >>> 0))
  const firstTwo = (p: Prng) => `${p.nextUint32()},${p.nextUint32()}`

  it("fold alike into 32 bits, and still give the run and every stream sequences of their own", () => {
    // 3,000 seeds of one fold class: the plain generator gives them one sequence.
    const seeds = foldClass(7, 3000)
    assert.strictEqual(new Set(seeds.map((seed) => firstTwo(new Prng(seed)))).size, 1, "the plain fold is where they meet")
    assert.strictEqual(new Set(seeds.map((seed) => firstTwo(Prng.forRun(seed)))).size, seeds.length)
    for (const name of ["air", "faults", "campaign/3"]) {
      assert.strictEqual(new Set(seeds.map((seed) => firstTwo(Prng.forStream(seed, name)))).size, seeds.length, name)
    }
    // Below 2^32 both are the plain generators: every run digest of such a seed stays as it was.
    assert.strictEqual(firstTwo(Prng.forRun(7)), firstTwo(new Prng(7)))
    assert.strictEqual(firstTwo(Prng.forStream(7, "air")), firstTwo(new Prng(streamSeed(7, "air"))))
  })

  it.effect("give different runs", () =>
    Effect.gen(function*() {
      // A pair that gave one run when only the stream's seed took the high word (rounded away in a double).
      const [a, b] = yield* Effect.forEach([7, 6367421844232325], (seed) => draws(seed, 0, 0))
      assert.notDeepEqual(a, b)
    }))
})
