import { assert, describe, it } from "@effect/vitest"
import { TraceLog } from "../../src/kernel/Trace.ts"

/** One event as `TraceLog.record` takes it: time, actor, kind, a, b. */
type Event = readonly [number, string, string, number, number]

const digestOf = (events: ReadonlyArray<Event>): string => {
  const log = new TraceLog()
  for (const [t, actor, kind, a, b] of events) log.record(t, log.name(actor), log.name(kind), a, b)
  return log.digest()
}

/** A trace with large and small times and fields, names that repeat, and zeros. */
const base: ReadonlyArray<Event> = [
  [0, "cpu", "Job", 0, 0],
  [1_500, "air", "Transmit", 17, 1_514],
  [1_500, "nic", "Tx", 17, 0],
  [2 ** 33 + 12_345, "driver", "Interrupt", 2 ** 40 + 3, 7],
  [2 ** 33 + 12_345, "cpu", "Tick", 0, 0],
  [9_007_199_254_740_000, "guest", "Deliver", 9_007_199_254_740_991, 2 ** 32]
]

/** The same trace with event `i`'s field `f` replaced by `value`. */
const withField = (i: number, f: number, value: number | string): ReadonlyArray<Event> =>
  base.map((e, j) => (j === i ? (e.map((x, k) => (k === f ? value : x)) as unknown as Event) : e))

describe("trace digest", () => {
  it("is 16 hex digits and the same for the same events", () => {
    assert.match(digestOf(base), /^[0-9a-f]{16}$/)
    assert.strictEqual(digestOf(base), digestOf([...base]))
  })

  it("changes when any one field of any one event changes", () => {
    const reference = digestOf(base)
    const seen = new Set([reference])
    for (let i = 0; i < base.length; i++) {
      const [t, actor, kind, a, b] = base[i]!
      const variants: Array<[number, number | string]> = [
        [0, t + 1],
        [0, t + 2 ** 32],
        [1, actor + "x"],
        [2, kind + "x"],
        [3, a + 1],
        [3, a + 2 ** 32],
        [4, b + 1],
        [4, b + 2 ** 32]
      ]
      for (const [f, value] of variants) {
        const d = digestOf(withField(i, f, value))
        assert.notStrictEqual(d, reference, `event ${i}, field ${f} = ${value}`)
        seen.add(d)
      }
    }
    // Every variant gives its own digest, not merely one different from the reference.
    assert.strictEqual(seen.size, 1 + base.length * 8)
  })

  it("changes when two events swap, or the actor and kind swap, or a and b swap", () => {
    const reference = digestOf(base)
    for (let i = 0; i < base.length; i++) {
      for (let j = i + 1; j < base.length; j++) {
        const swapped = [...base]
        swapped[i] = base[j]!
        swapped[j] = base[i]!
        assert.notStrictEqual(digestOf(swapped), reference, `events ${i} and ${j}`)
      }
      const [t, actor, kind, a, b] = base[i]!
      if (actor !== kind) assert.notStrictEqual(digestOf(base.map((e, j) => (j === i ? [t, kind, actor, a, b] : e))), reference)
      if (a !== b) assert.notStrictEqual(digestOf(base.map((e, j) => (j === i ? [t, actor, kind, b, a] : e))), reference)
    }
  })

  it("changes when an event is added or dropped, even an all-zero one", () => {
    const reference = digestOf(base)
    assert.notStrictEqual(digestOf(base.slice(1)), reference)
    assert.notStrictEqual(digestOf([...base, [0, "", "", 0, 0]]), reference)
    assert.notStrictEqual(digestOf([]), digestOf([[0, "", "", 0, 0]]))
  })
})
