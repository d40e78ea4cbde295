import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  bitErrorRate,
  codeRateOf,
  DEFAULT_NOISE_FLOOR_DBM,
  effectiveSnrDb,
  erfc,
  frameErrorRate,
  modulationOf,
  snrFromSignal,
  uncodedBitErrorRate
} from "../../src/air/LossModel.ts"
import type { Modulation } from "../../src/air/LossModel.ts"
import { ALL_PHYS, erp, ERP_RATES, ht } from "./support.ts"

/** BER of Gray-coded √M-PAM (one axis of square M-QAM) by summing over every decision region. */
const grayPamBer = (levels: number, snr: number, bitsPerSymbol: number): number => {
  // Levels ±1, ±3, …; average energy per 2-D symbol = 2(M − 1)/3 with M = levels², noise σ² = Es / (2γ).
  const es = (2 * (levels * levels - 1)) / 3
  const sigma = Math.sqrt(es / (2 * snr))
  const q = (x: number) => 0.5 * erfc(x / (sigma * Math.SQRT2))
  const gray = (n: number) => n ^ (n >> 1)
  const popcount = (n: number) => n.toString(2).split("").filter((c) => c === "1").length
  let wrongBits = 0
  for (let i = 0; i < levels; i++) {
    const x = 2 * i - (levels - 1)
    for (let j = 0; j < levels; j++) {
      const lower = j === 0 ? -Infinity : 2 * j - levels // boundaries halfway between levels
      const upper = j === levels - 1 ? Infinity : 2 * j - levels + 2
      const p = (lower === -Infinity ? 1 : q(lower - x)) - (upper === Infinity ? 0 : q(upper - x))
      wrongBits += p * popcount(gray(i) ^ gray(j))
    }
  }
  return wrongBits / (levels * (bitsPerSymbol / 2))
}

describe("LossModel: ingredients", () => {
  it("modulation and code rate per rate (Table 17-4; HT per stream)", () => {
    assert.deepStrictEqual(ERP_RATES.map((r) => modulationOf(erp(r))), ["BPSK", "BPSK", "QPSK", "QPSK", "16-QAM", "16-QAM", "64-QAM", "64-QAM"])
    assert.deepStrictEqual(ERP_RATES.map((r) => codeRateOf(erp(r))), ["1/2", "3/4", "1/2", "3/4", "1/2", "3/4", "2/3", "3/4"])
    assert.strictEqual(modulationOf(ht(15)), "64-QAM")
    assert.strictEqual(codeRateOf(ht(15)), "5/6")
    assert.strictEqual(modulationOf(ht(11, 40)), "16-QAM")
    assert.strictEqual(codeRateOf(ht(18)), "3/4") // MCS 18 = 3 × QPSK 3/4
  })

  it("erfc within the Abramowitz–Stegun bound of reference values", () => {
    // reference values of erfc (to 10 digits)
    const cases: ReadonlyArray<readonly [number, number]> = [
      [0, 1], [0.5, 0.4795001222], [1, 0.1572992071], [2, 0.004677734981], [3, 2.2090497e-5], [-1, 1.842700793]
    ]
    for (const [x, expected] of cases) assert.closeTo(erfc(x), expected, 2e-7, `erfc(${x})`)
    assert.strictEqual(erfc(Infinity), 0)
  })

  it("uncoded BER: BPSK Q(√2γ), QPSK Q(√γ), and ½ for every modulation as γ → 0", () => {
    assert.closeTo(uncodedBitErrorRate("BPSK", 1), 0.0786496, 1e-6) // ½ erfc(1)
    assert.closeTo(uncodedBitErrorRate("QPSK", 2), 0.0786496, 1e-6) // Q(√2) = ½ erfc(1)
    for (const m of ["BPSK", "QPSK", "16-QAM", "64-QAM"] as const) assert.closeTo(uncodedBitErrorRate(m, 0), 0.5, 1e-6)
  })

  it("16-QAM and 64-QAM closed forms equal a sum over the Gray-coded decision regions", () => {
    const cases: ReadonlyArray<readonly [Modulation, number, number]> = [["16-QAM", 4, 4], ["64-QAM", 8, 6]]
    for (const [modulation, levels, bits] of cases) {
      for (const snr of [0.1, 1, 5, 20, 100]) {
        assert.closeTo(uncodedBitErrorRate(modulation, snr), grayPamBer(levels, snr, bits), 1e-9, `${modulation} at ${snr}`)
      }
    }
  })

  it("SNR from signal and noise floor", () => {
    assert.strictEqual(DEFAULT_NOISE_FLOOR_DBM, -95)
    assert.strictEqual(snrFromSignal(-65), 30)
    assert.strictEqual(snrFromSignal(-65, -90), 25)
  })

  it("streams and 40 MHz split the power: −10·log10(N_SS) and −10·log10(2) dB", () => {
    const split = 10 * Math.log10(2) // 3.0103 dB
    // 1/2 code: +6 dB; 5/6 code: +3 dB
    assert.closeTo(effectiveSnrDb(ht(0), 10), 16, 1e-12)
    assert.closeTo(effectiveSnrDb(ht(8), 10), 16 - split, 1e-12)
    assert.closeTo(effectiveSnrDb(ht(16), 10), 16 - 10 * Math.log10(3), 1e-12)
    assert.closeTo(effectiveSnrDb(ht(0, 40), 10), 16 - split, 1e-12)
    assert.closeTo(effectiveSnrDb(ht(15, 40, "short"), 28), 28 - 2 * split + 3, 1e-12)
    assert.closeTo(effectiveSnrDb(erp(54), 20), 24, 1e-12) // 3/4 code: +4 dB
  })
})

describe("LossModel: frame error rate", () => {
  it("pins the formula at hand-computed points", () => {
    // 6 Mbit/s at 0 dB, 100 bytes: γ = 10^0.6 = 3.98107; BER = Q(√7.96214) = 0.00238829;
    // FER = 1 − (1 − BER)^800 = 0.852351
    assert.closeTo(bitErrorRate(erp(6), 0), 0.00238829, 1e-7)
    assert.closeTo(frameErrorRate(erp(6), 0, 100), 0.852351, 1e-4)
    // MCS 15 HT40 at 28 dB, 1538 bytes: 28 − 3.0103 − 3.0103 + 3 = 24.9794 dB, γ = 314.731, d = √(γ/21) = 3.87133;
    // 64-QAM BER = 3.15707e-5; FER = 1 − (1 − BER)^12304 = 0.321894
    assert.closeTo(frameErrorRate(ht(15, 40, "short"), 28, 1538), 0.321894, 0.005)
  })

  it("54 Mbit/s: ≈ 0 at 35 dB and ≈ 1 at 5 dB (1500-byte packet)", () => {
    // 35 + 4 = 39 dB: γ = 7943, d = 19.4 → Q(d) ~ 1e-84
    assert.isBelow(frameErrorRate(erp(54), 35, 1538), 1e-12)
    // 5 + 4 = 9 dB: γ = 7.94, BER = 0.173 → (0.827)^12304 underflows
    assert.isAbove(frameErrorRate(erp(54), 5, 1538), 1 - 1e-12)
  })

  it("6 Mbit/s: a 1500-byte packet survives at 10 dB", () => {
    // 10 + 6 = 16 dB: γ = 39.8, BER = Q(√79.6) = 2.3e-19 → FER ≈ 12304 × 2.3e-19 ≈ 3e-15
    assert.isBelow(frameErrorRate(erp(6), 10, 1538), 1e-12)
  })

  it("calibration: 10% PER for 1000 bytes within 1.5 dB of sensitivity + 86 dB", () => {
    // 802.11-2012 Table 18-14 (OFDM) and Table 20-23 (HT20 MCS 0–7), dBm
    const erpSensitivity = [-82, -81, -79, -77, -74, -70, -66, -65]
    const htSensitivity = [-82, -79, -77, -74, -70, -66, -65, -64]
    const cases = [
      ...ERP_RATES.map((r, i) => [erp(r), erpSensitivity[i]!] as const),
      ...htSensitivity.map((s, mcs) => [ht(mcs), s] as const)
    ]
    for (const [cfg, sensitivity] of cases) {
      const snr = sensitivity + 86
      assert.isBelow(frameErrorRate(cfg, snr + 1.5, 1000), 0.1, JSON.stringify(cfg))
      assert.isAbove(frameErrorRate(cfg, snr - 1.5, 1000), 0.1, JSON.stringify(cfg))
    }
  })

  it.prop(
    "decreases as SNR rises, for every rate",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: ALL_PHYS.length - 1 })),
      Schema.Int.check(Schema.isBetween({ minimum: -200, maximum: 500 })),
      Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 4095 }))
    ],
    ([which, tenthsDb, bytes]) => {
      const cfg = ALL_PHYS[which]!
      const snr = tenthsDb / 10
      assert.isAtMost(frameErrorRate(cfg, snr + 0.1, bytes), frameErrorRate(cfg, snr, bytes))
      assert.isAtMost(frameErrorRate(cfg, snr + 3, bytes), frameErrorRate(cfg, snr, bytes))
    }
  )

  it.prop(
    "increases with rate along the 802.11g ladder at a fixed SNR",
    [Schema.Int.check(Schema.isBetween({ minimum: -200, maximum: 500 })), Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 4095 }))],
    ([tenthsDb, bytes]) => {
      const fers = ERP_RATES.map((r) => frameErrorRate(erp(r), tenthsDb / 10, bytes))
      for (let i = 1; i < fers.length; i++) assert.isAtLeast(fers[i]!, fers[i - 1]!, `${ERP_RATES[i]} vs ${ERP_RATES[i - 1]} at ${tenthsDb / 10} dB`)
    }
  )

  it("is strictly between 0 and 1 in the transition and grows with the frame", () => {
    const small = frameErrorRate(erp(54), 21, 100)
    const large = frameErrorRate(erp(54), 21, 1500)
    assert.isAbove(small, 0)
    assert.isBelow(large, 1)
    assert.isAbove(large, small)
    // same BER: 1 − FER multiplies, (1 − FER_100)^15 = 1 − FER_1500
    assert.closeTo((1 - small) ** 15, 1 - large, 1e-12)
  })

  it("edge cases", () => {
    assert.strictEqual(frameErrorRate(erp(54), 0, 0), 0) // nothing to lose
    assert.strictEqual(frameErrorRate(erp(54), Infinity, 1500), 0)
    assert.strictEqual(frameErrorRate(erp(54), -Infinity, 1500), 1)
    assert.throws(() => frameErrorRate(erp(54), Number.NaN, 1500), RangeError)
    assert.throws(() => frameErrorRate(erp(54), 20, -1), RangeError)
    assert.throws(() => frameErrorRate(erp(54), 20, 2.5), RangeError)
    assert.throws(() => frameErrorRate(ht(24), 20, 100), RangeError)
  })

  it("gives the same value whatever was asked before it (recent rates are remembered)", () => {
    const phys = [erp(54), erp(6), ht(7), ht(15)]
    const snrs = [5, 12.5, 21, 21.0625, 30]
    // SNRs 16 dB apart and lengths 256 octets apart share a slot of the memo.
    const lengths = [14, 270, 32, 1500, 1501, 1756, 1536]
    // The formula computed here from the uncached BER, for every combination.
    const expected = (p: number, s: number, b: number): number => {
      const e = -Math.expm1(8 * lengths[b]! * Math.log1p(-bitErrorRate(phys[p]!, snrs[s]!)))
      return e > 0 ? (e < 1 ? e : 1) : 0
    }
    // Asked in a scrambled order, three times over, each answer must be the formula's, bit for bit.
    let k = 7
    for (let i = 0; i < 3 * phys.length * snrs.length * lengths.length; i++) {
      k = (k * 37 + 11) % 100
      const p = k % phys.length
      const s = Math.floor(k / phys.length) % snrs.length
      const b = Math.floor(k / (phys.length * snrs.length)) % lengths.length
      assert.strictEqual(frameErrorRate(phys[p]!, snrs[s]!, lengths[b]!), expected(p, s, b), `${JSON.stringify(phys[p])} ${snrs[s]} dB ${lengths[b]} B`)
    }
    // An equal configuration that is another object gets the same answer.
    assert.strictEqual(frameErrorRate(erp(54), 21, 1500), expected(0, 2, 3))
  })
})
