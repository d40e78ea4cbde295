import { assert, describe, it } from "@effect/vitest"
import { psduExchangeNs } from "../../src/air/Airtime.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { rateLadder } from "../../src/air/RateTable.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { fitAttempts, Minstrel, SAMPLE_COLUMNS, sampleTable, UPDATE_INTERVAL_NS } from "../../src/ratecontrol/Minstrel.ts"
import { link, sendFrames } from "./support.ts"

const G54: PhyConfig = { standard: "802.11g", rateMbps: 54 }

/** The rate with the best expected goodput for a per-attempt success table: p / (time of one 1200-byte exchange). */
const bestFor = (success: ReadonlyArray<number>): number => {
  const goodput = rateLadder(G54).map((phy, i) => success[i]! / psduExchangeNs(phy, 1200, false))
  return goodput.indexOf(Math.max(...goodput))
}

describe("Minstrel", () => {
  it("starts at the lowest rate and converges to the best-throughput rate of a success table", () => {
    // 6…54 Mbit/s: clean up to 24, then worse and worse.
    const success = [1, 1, 1, 1, 0.97, 0.85, 0.35, 0.05]
    const expected = bestFor(success)
    assert.strictEqual(expected, 5, "36 Mbit/s at 85% beats 24 at 97% and 48 at 35%")
    const m = new Minstrel(G54, new Prng(3), 0)
    assert.strictEqual(m.chain()[0]!.rateIndex, 0)
    sendFrames(m, link(success), 3000)
    assert.strictEqual(m.maxTp[0], expected)
    assert.isAbove(m.updates, 20)
  })

  it("steps down when the success of its rate falls", () => {
    const l = link([1, 1, 1, 1, 1, 1, 1, 1])
    const m = new Minstrel(G54, new Prng(3), 0)
    sendFrames(m, l, 2000)
    assert.strictEqual(m.maxTp[0], 7, "a clean link ends at 54 Mbit/s")
    // The AP moves away: 48 and 54 fail, 36 mostly fails.
    l.success = [1, 1, 1, 1, 1, 0.2, 0, 0]
    sendFrames(m, l, 1000)
    assert.strictEqual(m.maxTp[0], 4)
    assert.notInclude([6, 7], m.maxProb)
  })

  it("samples rates other than its best, a slower one directly once it went 20 intervals unsampled", () => {
    const l = link([1, 1, 1, 1, 1, 1, 1, 1])
    const m = new Minstrel(G54, new Prng(5), 0)
    sendFrames(m, l, 1900)
    // Settled on 54 on a clean link, a slower sample is deferred behind it: never tried while 54 succeeds.
    assert.deepStrictEqual(l.attempted.slice(1, 7), [0, 0, 0, 0, 0, 0])
    sendFrames(m, l, 1100)
    assert.strictEqual(l.attempted.filter((n) => n > 0).length, 8, "every rate got attempts")
    assert.isAbove(m.samples, 10)
    // The other rates carry only samples: far fewer than the best's frames.
    const before = [...l.attempted]
    sendFrames(m, l, 2000)
    const others = l.attempted.reduce((n, a, i) => n + (i === 7 ? 0 : a - before[i]!), 0)
    assert.isAbove(others, 20)
    assert.isBelow(others, 250)
  })

  it("updates its statistics once per interval, with a 75% EWMA", () => {
    const l = link([1, 1, 1, 1, 1, 1, 1, 1])
    const m = new Minstrel(G54, new Prng(5), 0)
    sendFrames(m, l, 1000, UPDATE_INTERVAL_NS / 100)
    const p = m.stats[m.maxTp[0]]!.probability
    assert.strictEqual(p, 1)
    l.success = [1, 1, 1, 1, 1, 1, 1, 0]
    const best = m.maxTp[0]
    assert.strictEqual(best, 7)
    // One interval at 0% on 54: its probability drops to 75% of 1.
    sendFrames(m, l, 100, UPDATE_INTERVAL_NS / 100)
    assert.closeTo(m.stats[7]!.probability, 0.75, 1e-9)
  })

  it("builds the legacy chain best, second, most robust, lowest, within the card's 16 attempts", () => {
    const m = new Minstrel(G54, new Prng(5), 0)
    sendFrames(m, link([1, 1, 1, 1, 1, 1, 1, 1]), 2000)
    const chain = m.chain()
    assert.strictEqual(chain.length, 4)
    assert.strictEqual(chain[3]!.rateIndex, 0)
    assert.isAtMost(chain.reduce((n, e) => n + e.tries, 0), 16)
    const ht = new Minstrel({ standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }, new Prng(5), 0)
    assert.strictEqual(ht.chain().length, 3, "Minstrel-HT's chain has no lowest-rate stage")
  })

  it("never goes above the configured rate", () => {
    const m = new Minstrel({ standard: "802.11g", rateMbps: 24 }, new Prng(5), 0)
    const l = link([1, 1, 1, 1, 1, 1, 1, 1])
    sendFrames(m, l, 2000)
    assert.strictEqual(m.maxTp[0], 4)
    assert.deepStrictEqual(l.attempted.slice(5), [0, 0, 0])
  })

  it("draws a sample table whose every column is a permutation of the rates", () => {
    const t = sampleTable(8, new Prng(9))
    for (let col = 0; col < SAMPLE_COLUMNS; col++) assert.deepStrictEqual(t.map((row) => row[col]).sort(), [0, 1, 2, 3, 4, 5, 6, 7])
    assert.notDeepEqual(t.map((row) => row[0]), t.map((row) => row[1]), "columns differ")
  })

  it("cuts a chain's tries to the attempts the card holds, from the largest stage", () => {
    const cut = fitAttempts([{ rateIndex: 7, tries: 7 }, { rateIndex: 6, tries: 7 }, { rateIndex: 5, tries: 2 }, { rateIndex: 0, tries: 7 }], 16)
    assert.deepStrictEqual(cut.map((e) => e.tries), [4, 5, 2, 5])
  })
})
