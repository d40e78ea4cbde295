import { assert, describe, it } from "@effect/vitest"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import {
  fitAttempts,
  LOOKAROUND_PERCENT,
  Minstrel,
  SAMPLE_COLUMNS,
  SAMPLE_SKIPPED_DIRECT,
  SAMPLE_WINDOW_FRAMES,
  sampleTable,
  UPDATE_INTERVAL_NS
} from "../../src/ratecontrol/Minstrel.ts"
import { link, sendFrames } from "./support.ts"

const G54: PhyConfig = { standard: "802.11g", rateMbps: 54 }

/** The 802.11g rates, Mbit/s, by rate index. */
const ERP_RATES_MBPS = [6, 9, 12, 18, 24, 36, 48, 54]
/** Minstrel times every rate with a 1200-byte frame (rc80211_minstrel.c), + 4 bytes of FCS (ieee80211_frame_duration). */
const FRAME_BYTES = 1200 + 4
const SIFS_US = 10 // ERP aSIFSTime (802.11-2016 Table 18-5)

/**
 * TXTIME of an ERP-OFDM PPDU, µs (802.11-2016 17.4.3): 16 preamble + 4 SIGNAL + 4 µs per symbol of
 * N_DBPS = 4 × Mbit/s bits (Table 17-4) carrying 16 SERVICE + 8·bytes + 6 tail bits, then the 6 µs
 * ERP signal extension (18.3.2.4, Table 18-5).
 */
const erpTxTimeUs = (bytes: number, mbps: number): number => 16 + 4 + 4 * Math.ceil((16 + 8 * bytes + 6) / (4 * mbps)) + 6

/**
 * The time Minstrel ranks each rate by, µs: mac80211's perfect_tx_time, SIFS and the frame, no Ack
 * (cur_tp = probability / perfect_tx_time). By hand, 6 Mbit/s: ⌈9654 / 24⌉ = 403 symbols → 10 + 20 +
 * 1612 + 6 = 1648; 54 Mbit/s: ⌈9654 / 216⌉ = 45 → 10 + 20 + 180 + 6 = 216.
 * All: 1648, 1112, 844, 576, 440, 308, 240, 216.
 */
const EXCHANGE_US = ERP_RATES_MBPS.map((r) => SIFS_US + erpTxTimeUs(FRAME_BYTES, r))

/** The rate Minstrel should settle on for a per-attempt success table: the best p / (its time for the rate). */
const bestFor = (success: ReadonlyArray<number>): number => {
  const goodput = EXCHANGE_US.map((us, i) => success[i]! / us)
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
    // Its throughput estimate is min(p, 90%) over the time above: Minstrel times rates as mac80211 does.
    for (let i = 0; i < 8; i++) {
      const s = m.stats[i]!
      if (s.probability >= 0.1) assert.closeTo(s.throughput * EXCHANGE_US[i]! * 1000, Math.min(s.probability, 0.9), 1e-9, `rate ${i}`)
    }
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
    // On a clean link the slower rates get attempts only from direct samples: a window of
    // SAMPLE_WINDOW_FRAMES frames, one attempt each, once a rate went SAMPLE_SKIPPED_DIRECT intervals
    // unattempted. Deferred samples and the normal chain succeed at 54 first.
    const intervalFrames = UPDATE_INTERVAL_NS / 1_000_000 // sendFrames: one frame per ms
    const frames = 100 * intervalFrames
    const rates = 8
    const slowerRates = rates - 1
    // A sample is drawn every 8 × 100 / 10 = 80 frames; a rate recurs in the table within 2 × 8 − 1 draws.
    const drawEveryFrames = (SAMPLE_WINDOW_FRAMES * 100) / LOOKAROUND_PERCENT
    // One rate's direct windows start more than 20 intervals apart (its skip count restarts after each)...
    const minGapFrames = SAMPLE_SKIPPED_DIRECT * intervalFrames
    // ...and at most 20 intervals, plus the one its window ends in and the one it turns eligible in,
    // its next draw, and a draw of slack for the 10,000-frame counter reset.
    const maxGapFrames = (SAMPLE_SKIPPED_DIRECT + 2) * intervalFrames + (2 * rates - 1 + 1) * drawEveryFrames
    // So each slower rate gets 2 to 5 windows of 8 attempts in 100 intervals (typically 4: 21 intervals
    // and about half a column's wait between them, ~56 × 100 / 25 = 224 in all).
    const most = slowerRates * Math.ceil(frames / minGapFrames) * SAMPLE_WINDOW_FRAMES
    const least = slowerRates * Math.floor(frames / maxGapFrames) * SAMPLE_WINDOW_FRAMES
    assert.deepStrictEqual([least, most], [112, 280])
    const before = [...l.attempted]
    sendFrames(m, l, frames)
    const others = l.attempted.reduce((n, a, i) => n + (i === 7 ? 0 : a - before[i]!), 0)
    assert.isAtLeast(others, least)
    assert.isAtMost(others, most)
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
