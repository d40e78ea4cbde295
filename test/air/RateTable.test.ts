import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { bitsPerSubcarrier, codeRateOf, modulationOf } from "../../src/air/LossModel.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { spatialStreams } from "../../src/air/PhyConfig.ts"
import {
  basicRateFor,
  bitsPerSymbol,
  dataRateMbps,
  encoderCount,
  isValidRateIndex,
  nonHtReferenceRateMbps,
  rateIndex,
  rateLadder,
  symbolDurationNs,
  withRateIndex
} from "../../src/air/RateTable.ts"
import { ALL_PHYS, erp, ERP_RATES, ht } from "./support.ts"

describe("RateTable: data rates", () => {
  it("802.11g: N_DBPS of Table 17-4, and rate = N_DBPS / 4 µs", () => {
    const ndbps = [24, 36, 48, 72, 96, 144, 192, 216]
    ERP_RATES.forEach((rate, i) => {
      assert.strictEqual(bitsPerSymbol(erp(rate)), ndbps[i])
      assert.strictEqual(symbolDurationNs(erp(rate)), 4_000)
      assert.strictEqual(dataRateMbps(erp(rate)), rate) // e.g. 216 bits / 4 µs = 54 Mbit/s
    })
  })

  it("802.11n: the rates quoted everywhere", () => {
    assert.strictEqual(dataRateMbps(ht(0)), 6.5) // 26 bits / 4 µs
    assert.strictEqual(dataRateMbps(ht(7)), 65) // 260 bits / 4 µs
    assert.strictEqual(dataRateMbps(ht(15, 40, "short")), 300) // 2 × 540 = 1080 bits / 3.6 µs
    assert.strictEqual(dataRateMbps(ht(23, 40, "short")), 450) // 3 × 540 = 1620 bits / 3.6 µs
    assert.strictEqual(dataRateMbps(ht(0, 40)), 13.5) // 54 bits / 4 µs
    assert.strictEqual(dataRateMbps(ht(7, 40)), 135) // 540 bits / 4 µs
    assert.strictEqual(dataRateMbps(ht(21, 40)), 324) // 3 × 432 = 1296 bits / 4 µs
    assert.closeTo(dataRateMbps(ht(7, 20, "short")), 72.2222, 1e-4) // 260 / 3.6
    assert.strictEqual(symbolDurationNs(ht(7, 20, "short")), 3_600)
    assert.strictEqual(symbolDurationNs(ht(7, 20, "long")), 4_000)
  })

  it("every N_DBPS equals N_SD × N_BPSCS × R × N_SS (48 / 52 / 108 data subcarriers; modulation and R from LossModel)", () => {
    const fraction: Record<string, readonly [number, number]> = { "1/2": [1, 2], "2/3": [2, 3], "3/4": [3, 4], "5/6": [5, 6] }
    for (const cfg of ALL_PHYS) {
      const nsd = cfg.standard === "802.11g" ? 48 : cfg.channelWidthMhz === 20 ? 52 : 108
      const [num, den] = fraction[codeRateOf(cfg)]!
      const expected = (nsd * bitsPerSubcarrier(modulationOf(cfg)) * num * spatialStreams(cfg)) / den
      assert.strictEqual(bitsPerSymbol(cfg), expected, JSON.stringify(cfg))
    }
  })

  it("two BCC encoders only above 300 Mbit/s at long GI: HT40 MCS 21–23", () => {
    assert.strictEqual(encoderCount(ht(20, 40)), 1) // 3 × 324 = 972 bits: 243 Mbit/s
    assert.strictEqual(encoderCount(ht(21, 40)), 2) // 1296 bits: 324 Mbit/s
    assert.strictEqual(encoderCount(ht(23, 40, "short")), 2)
    assert.strictEqual(encoderCount(ht(15, 40, "short")), 1) // 300 Mbit/s is not above 300
    assert.strictEqual(encoderCount(ht(23, 20, "short")), 1) // 780 bits: 216.7 Mbit/s
    assert.strictEqual(encoderCount(erp(54)), 1)
  })

  it("invalid configurations are a RangeError, not a silent NaN", () => {
    assert.throws(() => bitsPerSymbol(ht(24)), RangeError)
    assert.throws(() => bitsPerSymbol(ht(1.5)), RangeError)
    assert.throws(() => dataRateMbps({ standard: "802.11g", rateMbps: 11 } as unknown as PhyConfig), RangeError)
    assert.throws(() => rateLadder({ ...ht(3), guardInterval: "medium" } as unknown as PhyConfig), RangeError)
  })
})

describe("RateTable: ladders", () => {
  it("802.11g: the eight rates, lowest first", () => {
    assert.deepStrictEqual(rateLadder(erp(24)), ERP_RATES.map(erp))
    assert.strictEqual(rateIndex(erp(6)), 0)
    assert.strictEqual(rateIndex(erp(54)), 7)
  })

  it("802.11n: the eight MCS with the same streams, width and GI", () => {
    assert.deepStrictEqual(rateLadder(ht(13, 40, "short")), [8, 9, 10, 11, 12, 13, 14, 15].map((m) => ht(m, 40, "short")))
    assert.deepStrictEqual(rateLadder(ht(2)), [0, 1, 2, 3, 4, 5, 6, 7].map((m) => ht(m)))
    assert.strictEqual(rateIndex(ht(13, 40, "short")), 5)
    assert.strictEqual(rateIndex(ht(16)), 0)
  })

  it("every ladder climbs strictly in data rate, and lookups return the same objects", () => {
    for (const cfg of ALL_PHYS) {
      const ladder = rateLadder(cfg)
      assert.strictEqual(ladder.length, 8)
      for (let i = 1; i < ladder.length; i++) assert.isAbove(dataRateMbps(ladder[i]!), dataRateMbps(ladder[i - 1]!))
      assert.strictEqual(rateLadder(cfg), ladder) // cached: no allocation per call
    }
  })

  it.prop(
    "withRateIndex moves along the ladder and rateIndex reads the position back",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: ALL_PHYS.length - 1 })),
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 7 }))
    ],
    ([which, index]) => {
      const cfg = ALL_PHYS[which]!
      const moved = withRateIndex(cfg, index)
      assert.strictEqual(rateIndex(moved), index)
      assert.strictEqual(moved.standard, cfg.standard)
      assert.strictEqual(spatialStreams(moved), spatialStreams(cfg))
      if (moved.standard === "802.11n" && cfg.standard === "802.11n") {
        assert.strictEqual(moved.channelWidthMhz, cfg.channelWidthMhz)
        assert.strictEqual(moved.guardInterval, cfg.guardInterval)
      }
      assert.deepStrictEqual(withRateIndex(cfg, rateIndex(cfg)), cfg)
    }
  )

  it("indices outside the ladder: isValidRateIndex says no, withRateIndex throws RangeError", () => {
    for (const bad of [-1, 8, 1.5, Number.NaN, Infinity]) {
      assert.isFalse(isValidRateIndex(erp(54), bad), String(bad))
      assert.isFalse(isValidRateIndex(ht(9), bad), String(bad))
      assert.throws(() => withRateIndex(erp(54), bad), RangeError)
      assert.throws(() => withRateIndex(ht(9), bad), RangeError)
    }
    for (let i = 0; i < 8; i++) assert.isTrue(isValidRateIndex(ht(9), i))
  })
})

describe("RateTable: control-response rate", () => {
  it("802.11g: the highest mandatory rate (6, 12, 24) not above the data rate", () => {
    const expected = [6, 6, 12, 12, 24, 24, 24, 24] // for 6, 9, 12, 18, 24, 36, 48, 54
    ERP_RATES.forEach((rate, i) => assert.deepStrictEqual(basicRateFor(erp(rate)), erp(expected[i] as 6 | 12 | 24)))
  })

  it("802.11n: the same rule applied to the non-HT reference rate of the MCS", () => {
    // MCS 0..7 → reference 6, 12, 18, 24, 36, 48, 54, 54 → response 6, 12, 12, 24, 24, 24, 24, 24
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6, 7].map((m) => nonHtReferenceRateMbps(ht(m))), [6, 12, 18, 24, 36, 48, 54, 54])
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6, 7].map((m) => basicRateFor(ht(m)).rateMbps), [6, 12, 12, 24, 24, 24, 24, 24])
    // MCS 8 is 2 × BPSK 1/2 (13 Mbit/s): its reference rate is 6, so the Ack goes at 6, not 12
    assert.strictEqual(basicRateFor(ht(8)).rateMbps, 6)
    // MCS 9 at HT40 is 2 × QPSK 1/2 (54 Mbit/s): reference 12 → 12
    assert.strictEqual(basicRateFor(ht(9, 40)).rateMbps, 12)
    assert.strictEqual(basicRateFor(ht(23, 40, "short")).rateMbps, 24)
    assert.strictEqual(basicRateFor(ht(15)).standard, "802.11g") // a non-HT (ERP-OFDM) PPDU
  })
})
