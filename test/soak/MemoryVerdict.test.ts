import { assert, describe, it } from "@effect/vitest"
import { describeMemoryVerdict, memoryVerdict } from "../../src/soak/MemoryVerdict.ts"

const hour = (h: number, heap: number, fibers = 25) => ({
  hour: h, throughputMbps: 1, cpuPercent: 1, pingMeanUs: 1, faultsInjected: 0, lifecycleEvents: 0, recoveries: 0, restarts: 0, vmsConnected: 8,
  vmsPoweredOn: 8, invariantViolations: 0, heapUsedMb: heap, liveFibers: fibers, wallSeconds: h
})
const soak = (heaps: ReadonlyArray<number>, fibers: ReadonlyArray<number> = []) => heaps.map((heap, i) => hour(i + 1, heap, fibers[i] ?? 25))

describe("soak memory verdict", () => {
  it("is undecided with one hour, and compares hour 1 with hour 2 when there are two", () => {
    assert.strictEqual(memoryVerdict(soak([10])).flat, null)
    assert.strictEqual(memoryVerdict([]).flat, null)
    const two = memoryVerdict(soak([30, 31]))
    assert.deepStrictEqual(two.startHours, [1])
    assert.deepStrictEqual(two.endHours, [2])
    assert.strictEqual(two.firstHour, 1)
    assert.isTrue(two.flat)
    assert.isFalse(memoryVerdict(soak([30, 33.3])).flat)
  })

  it("leaves hour 1 out from three hours on, and its windows never share an hour", () => {
    // Expected windows, written out by hand for each length.
    const expected: Record<number, [Array<number>, Array<number>]> = {
      3: [[2], [3]],
      4: [[2], [4]],
      5: [[2, 3], [4, 5]],
      6: [[2, 3], [5, 6]],
      7: [[2, 3, 4], [5, 6, 7]],
      24: [[2, 3, 4], [22, 23, 24]]
    }
    for (const [n, [start, end]] of Object.entries(expected)) {
      const v = memoryVerdict(soak(Array.from({ length: Number(n) }, () => 20)))
      assert.deepStrictEqual(v.startHours, start, `n=${n}`)
      assert.deepStrictEqual(v.endHours, end, `n=${n}`)
      assert.strictEqual(v.firstHour, start[0])
      assert.strictEqual(v.heapGrowth, 0)
    }
    // A heavy hour 1 (start-up) is not the reference.
    assert.isTrue(memoryVerdict(soak([50, 30, 32.9])).flat)
    assert.isFalse(memoryVerdict(soak([50, 30, 33.1])).flat)
  })

  it("does not take one low hour for growth: the 24 h soak of round 9", () => {
    // Heaps of that run (MiB): hour 2 a low point, the rest within 19.5–20.0.
    const heaps = [19.2, 18.2, 19.5, 19.6, 19.7, 19.5, 19.8, 19.6, 19.9, 19.7, 19.8, 19.6, 19.9, 19.8, 19.7, 19.9, 20.0, 19.8,
      19.9, 19.7, 19.8, 19.9, 19.8, 19.9]
    const v = memoryVerdict(soak(heaps))
    assert.isTrue(v.flat)
    // Medians by hand: hours 2–4 are 18.2, 19.5, 19.6 → 19.5; hours 22–24 are 19.9, 19.8, 19.9 → 19.9.
    assert.strictEqual(v.heapStartMb, 19.5)
    assert.strictEqual(v.heapEndMb, 19.9)
    assert.closeTo(v.heapGrowth!, 0.4 / 19.5, 1e-12)
    // Hour 2 against hour 24 alone, the old reading, was +9.3%: one odd hour at either end moves nothing now.
    assert.isTrue(memoryVerdict(soak([...heaps.slice(0, 23), 23])).flat)
  })

  it("catches a steady leak of 0.6% an hour over a day", () => {
    const heaps = Array.from({ length: 24 }, (_, i) => 20 * (1 + 0.006 * i))
    const v = memoryVerdict(soak(heaps))
    // Medians: hour 3 (20 × 1.012) and hour 23 (20 × 1.132): +11.9%.
    assert.closeTo(v.heapGrowth!, 1.132 / 1.012 - 1, 1e-12)
    assert.isFalse(v.flat)
    // The same leak over three hours stays within the limit.
    assert.isTrue(memoryVerdict(soak(heaps.slice(0, 3))).flat)
  })

  it("fails on more live fibers at the end than any hour of the start window had", () => {
    assert.isTrue(memoryVerdict(soak([20, 20, 20, 20, 20, 20, 20], [30, 24, 26, 25, 25, 25, 26])).flat)
    const grown = memoryVerdict(soak([20, 20, 20, 20, 20, 20, 20], [30, 24, 26, 25, 25, 25, 27]))
    assert.isFalse(grown.flat)
    assert.strictEqual(grown.fiberGrowth, 1)
  })

  it("says which hours it compared", () => {
    const line = describeMemoryVerdict(memoryVerdict(soak([19.2, 18.2, 19.5, 19.6, 19.9, 19.8, 19.9])))
    assert.strictEqual(
      line,
      "memory: flat — heap after GC +2.1%: median 19.9 MiB in hours 5–7 against 19.5 MiB in hours 2–4 (limit +10%); " +
        "live fibers +0 at the last hour against the most in hours 2–4"
    )
    assert.strictEqual(describeMemoryVerdict(memoryVerdict(soak([20]))), "memory: not judged (needs at least two simulated hours)")
  })
})
