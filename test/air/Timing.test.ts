import { assert, describe, it } from "@effect/vitest"
import {
  ACK_BYTES,
  BLOCK_ACK_BYTES,
  ERP_TIMINGS,
  HT_TIMINGS,
  htLtfCount,
  MAX_AMPDU_BYTES,
  MAX_AMPDU_MPDUS,
  MAX_HT_MIXED_PPDU_NS,
  preambleNs,
  timingsFor
} from "../../src/air/Timing.ts"
import { erp, ht } from "./support.ts"

describe("Timing", () => {
  it("802.11g pure-ERP: short slot 9 µs, SIFS 10 µs, DIFS = 10 + 2 × 9 = 28 µs, CW 15..1023, 6 µs extension", () => {
    assert.deepStrictEqual(
      { ...timingsFor(erp(54)) },
      { slotNs: 9_000, sifsNs: 10_000, difsNs: 28_000, cwMin: 15, cwMax: 1023, signalExtensionNs: 6_000, ccaNs: 4_000 }
    )
    assert.strictEqual(timingsFor(erp(6)), ERP_TIMINGS)
  })

  it("802.11n in 2.4 GHz: the same DCF numbers and the same signal extension", () => {
    assert.strictEqual(timingsFor(ht(15, 40, "short")), HT_TIMINGS)
    assert.deepStrictEqual(
      { ...HT_TIMINGS },
      { slotNs: 9_000, sifsNs: 10_000, difsNs: 28_000, cwMin: 15, cwMax: 1023, signalExtensionNs: 6_000, ccaNs: 4_000 }
    )
  })

  it("DIFS is SIFS + 2 slots for every PHY", () => {
    for (const t of [ERP_TIMINGS, HT_TIMINGS]) assert.strictEqual(t.difsNs, t.sifsNs + 2 * t.slotNs)
  })

  it("HT-LTFs: 1, 2, 4, 4 for 1–4 streams (three streams need four)", () => {
    assert.deepStrictEqual([1, 2, 3, 4].map(htLtfCount), [1, 2, 4, 4])
    assert.throws(() => htLtfCount(0), RangeError)
    assert.throws(() => htLtfCount(5), RangeError)
  })

  it("preamble + headers", () => {
    assert.strictEqual(preambleNs(erp(54)), 20_000) // 16 µs training + 4 µs SIGNAL
    assert.strictEqual(preambleNs(ht(7)), 36_000) // 20 legacy + 8 HT-SIG + 4 HT-STF + 1 × 4 HT-LTF
    assert.strictEqual(preambleNs(ht(15, 40, "short")), 40_000) // 20 + 8 + 4 + 2 × 4
    assert.strictEqual(preambleNs(ht(23, 40, "short")), 48_000) // 20 + 8 + 4 + 4 × 4
  })

  it("frame sizes", () => {
    assert.strictEqual(ACK_BYTES, 2 + 2 + 6 + 4) // FC, Duration, RA, FCS
    assert.strictEqual(BLOCK_ACK_BYTES, 2 + 2 + 6 + 6 + 2 + 2 + 8 + 4) // FC, Dur, RA, TA, BA control, SSC, bitmap, FCS
    assert.strictEqual(MAX_AMPDU_BYTES, 2 ** 16 - 1)
    assert.strictEqual(MAX_AMPDU_MPDUS, 64)
    // L-SIG limit: 20 µs + 4 µs × ⌈(16 + 8 × 4095 + 6) / 24⌉ = 20 + 4 × ⌈32782 / 24⌉ = 20 + 4 × 1366 µs
    assert.strictEqual(MAX_HT_MIXED_PPDU_NS, (20 + 4 * 1366) * 1_000)
  })
})
