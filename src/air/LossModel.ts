/**
 * Frame loss from signal quality and rate. This is a documented approximation, not a link-level
 * simulation:
 *
 * 1. SNR in dB = received signal − noise floor (snrFromSignal). It is taken over a 20 MHz channel.
 * 2. Per-subcarrier SNR: an HT40 PPDU spreads the same power over twice the bandwidth, so
 *    −10·log10(2) dB. N_SS spatial streams share the power, so −10·log10(N_SS) dB per stream.
 * 3. The code is modelled as an effective-SNR gain per code rate (CODING_GAIN_DB).
 * 4. Uncoded bit error rate of the modulation (Gray-coded, AWGN) at that effective SNR, using the
 *    exact square-QAM forms of K. Cho and D. Yoon, IEEE Trans. Commun. 50(7), 2002. Q(x) = ½·erfc(x/√2),
 *    and erfc comes from Abramowitz & Stegun 7.1.26.
 * 5. Frame error rate = 1 − (1 − BER)^(8·bytes), with independent bit errors.
 */
import type { PhyConfig } from "./PhyConfig.ts"
import { spatialStreams } from "./PhyConfig.ts"
import { rateIndex } from "./RateTable.ts"

export type Modulation = "BPSK" | "QPSK" | "16-QAM" | "64-QAM"
export type CodeRate = "1/2" | "2/3" | "3/4" | "5/6"

/** Modulation and code rate by ladder index. ERP-OFDM: 802.11-2016 Table 17-4 (6, 9, … 54 Mbit/s). */
const ERP_MODULATION: ReadonlyArray<Modulation> = ["BPSK", "BPSK", "QPSK", "QPSK", "16-QAM", "16-QAM", "64-QAM", "64-QAM"]
const ERP_CODE_RATE: ReadonlyArray<CodeRate> = ["1/2", "3/4", "1/2", "3/4", "1/2", "3/4", "2/3", "3/4"]
/** HT, per stream, by MCS mod 8 (802.11-2016 Tables 19-27..19-34: equal modulation on every stream). */
const HT_MODULATION: ReadonlyArray<Modulation> = ["BPSK", "QPSK", "QPSK", "16-QAM", "16-QAM", "64-QAM", "64-QAM", "64-QAM"]
const HT_CODE_RATE: ReadonlyArray<CodeRate> = ["1/2", "1/2", "3/4", "1/2", "3/4", "2/3", "3/4", "5/6"]

/** The (per-stream) modulation of a rate. */
export const modulationOf = (cfg: PhyConfig): Modulation =>
  (cfg.standard === "802.11g" ? ERP_MODULATION : HT_MODULATION)[rateIndex(cfg)]!

/** The convolutional code rate of a rate. */
export const codeRateOf = (cfg: PhyConfig): CodeRate =>
  (cfg.standard === "802.11g" ? ERP_CODE_RATE : HT_CODE_RATE)[rateIndex(cfg)]!

/** N_BPSCS: coded bits per subcarrier per stream (802.11-2016 Table 17-4). */
export const bitsPerSubcarrier = (modulation: Modulation): number =>
  modulation === "BPSK" ? 1 : modulation === "QPSK" ? 2 : modulation === "16-QAM" ? 4 : 6

/** The code rate as a number (R). */
export const codeRateValue = (rate: CodeRate): number =>
  rate === "1/2" ? 1 / 2 : rate === "2/3" ? 2 / 3 : rate === "3/4" ? 3 / 4 : 5 / 6

/**
 * Effective-SNR gain of the K = 7 convolutional code per code rate, in dB.
 *
 * Calibration: the standard's minimum input sensitivities are specified at 10% PER for 1000-byte
 * PSDUs (802.11-2012 Table 18-14 for OFDM: −82 … −65 dBm for 6 … 54 Mbit/s; Table 20-23 for HT20
 * MCS 0–7: −82 … −64 dBm). The usual link budget behind them is thermal noise −101 dBm in 20 MHz,
 * a 10 dB noise figure and a 5 dB implementation margin, so SNR = sensitivity + 86 dB. With these
 * gains every 802.11g rate and HT20 MCS 0–7 reaches 10% PER within 1.5 dB of that SNR (listed
 * below as model / standard). They are rounded to 0.5 dB and get smaller as the code rate rises,
 * since a higher rate has less redundancy. Tests pin the calibration.
 */
export const CODING_GAIN_DB: Readonly<Record<CodeRate, number>> = Object.freeze({
  "1/2": 6, // 6 Mbit/s 3.5/4 dB, 12 Mbit/s 6.5/7, 24 Mbit/s 13.3/12
  "2/3": 5.5, // 48 Mbit/s 19.9/20 dB
  "3/4": 4, // 9 Mbit/s 5.5/5 dB, 18 Mbit/s 8.5/9, 36 Mbit/s 15.3/16, 54 Mbit/s 21.4/21
  "5/6": 3 // HT20 MCS 7 22.4/22 dB
})

/**
 * Noise floor assumed when none is given, in dBm over 20 MHz: Linux ath9k's ATH_DEFAULT_NOISE_FLOOR
 * (the level it assumes until it has calibrated one). An estimate of a typical card: with it, a
 * receiver reaches the 10% PER of the calibration above 9 dB below the standard's minimum
 * sensitivities (its reference is −86 dBm: thermal noise, noise figure and margin), i.e. the model's
 * cards are that much better than the minimum the standard allows. `card.noiseFloorDbm` sets it.
 */
export const DEFAULT_NOISE_FLOOR_DBM = -95

/** SNR in dB of a signal received at `signalDbm` over a noise floor of `noiseFloorDbm`. */
export const snrFromSignal = (signalDbm: number, noiseFloorDbm: number = DEFAULT_NOISE_FLOOR_DBM): number =>
  signalDbm - noiseFloorDbm

/** Power split of an HT40 PPDU relative to 20 MHz: 10·log10(2) dB. */
const HT40_SPLIT_DB = 10 * Math.log10(2)

/**
 * Complementary error function by Abramowitz & Stegun, Handbook of Mathematical Functions,
 * formula 7.1.26 (|error of erf| ≤ 1.5·10⁻⁷); for x < 0, erfc(x) = 2 − erfc(−x).
 */
export const erfc = (x: number): number => {
  if (x < 0) return 2 - erfc(-x)
  const t = 1 / (1 + 0.3275911 * x) // p
  const poly = t * (0.254829592 + t * (-0.284496736 + t * (1.421413741 + t * (-1.453152027 + t * 1.061405429)))) // a1..a5
  return poly * Math.exp(-x * x)
}

/** Gaussian tail Q(x) = ½·erfc(x/√2). */
const q = (x: number): number => 0.5 * erfc(x * Math.SQRT1_2)

/**
 * Uncoded bit error rate of Gray-coded `modulation` on an AWGN channel at linear symbol SNR
 * `snr` (Es/N0). BPSK: Q(√(2γ)); QPSK: Q(√γ); 16-QAM: ¼[3Q(d) + 2Q(3d) − Q(5d)], d = √(γ/5);
 * 64-QAM: (1/12)[7Q(d) + 6Q(3d) − Q(5d) + Q(9d) − Q(13d)], d = √(γ/21) (Cho & Yoon 2002).
 * Every form tends to ½ as γ → 0.
 */
export const uncodedBitErrorRate = (modulation: Modulation, snr: number): number => {
  switch (modulation) {
    case "BPSK":
      return q(Math.sqrt(2 * snr))
    case "QPSK":
      return q(Math.sqrt(snr))
    case "16-QAM": {
      const d = Math.sqrt(snr / 5)
      return (3 * q(d) + 2 * q(3 * d) - q(5 * d)) / 4
    }
    case "64-QAM": {
      const d = Math.sqrt(snr / 21)
      return (7 * q(d) + 6 * q(3 * d) - q(5 * d) + q(9 * d) - q(13 * d)) / 12
    }
  }
}

/** Effective SNR in dB that the model feeds to the modulation's BER, for a received SNR `snrDb`. */
export const effectiveSnrDb = (cfg: PhyConfig, snrDb: number): number => {
  const widthSplitDb = cfg.standard === "802.11n" && cfg.channelWidthMhz === 40 ? HT40_SPLIT_DB : 0
  return snrDb - widthSplitDb - 10 * Math.log10(spatialStreams(cfg)) + CODING_GAIN_DB[codeRateOf(cfg)]
}

/** Bit error rate after decoding, in the model: the uncoded BER at the effective SNR, within [0, ½]. */
export const bitErrorRate = (cfg: PhyConfig, snrDb: number): number => {
  if (Number.isNaN(snrDb)) throw new RangeError("SNR is NaN")
  const ber = uncodedBitErrorRate(modulationOf(cfg), 10 ** (effectiveSnrDb(cfg, snrDb) / 10))
  return ber > 0 ? (ber < 0.5 ? ber : 0.5) : 0
}

/**
 * The error rates computed last, one per slot (by SNR and length; a slot keeps the latest): a link
 * keeps its SNR unless an environment moves or fades it, and most frames of a run have one of a few
 * lengths, so most exchanges ask again what was computed before (the computation, with its erfc,
 * exp and logarithms, was 3.6% of a one-hour soak's profile). A hit is the same configuration
 * object, SNR and length, so it returns what the computation would, bit for bit. Module-wide: the
 * function is pure, whoever asks.
 */
const FER_SLOTS = 256
const ferPhy: Array<PhyConfig | undefined> = Array.from({ length: FER_SLOTS }, () => undefined)
const ferSnrDb = new Float64Array(FER_SLOTS).fill(NaN)
const ferBytes = new Float64Array(FER_SLOTS).fill(NaN)
const ferValue = new Float64Array(FER_SLOTS)

/**
 * Probability that a PSDU of `psduBytes` sent with `cfg` arrives with errors at received SNR
 * `snrDb`: 1 − (1 − BER)^(8·bytes), computed as −expm1(8·bytes·log1p(−BER)) so tiny rates keep
 * their precision; clamped to [0, 1].
 */
export const frameErrorRate = (cfg: PhyConfig, snrDb: number, psduBytes: number): number => {
  const slot = ((snrDb * 16) ^ psduBytes) & (FER_SLOTS - 1)
  if (ferPhy[slot] === cfg && ferSnrDb[slot] === snrDb && ferBytes[slot] === psduBytes) return ferValue[slot]!
  if (!Number.isInteger(psduBytes) || psduBytes < 0) throw new RangeError(`PSDU length must be a non-negative integer, not ${psduBytes}`)
  const ber = bitErrorRate(cfg, snrDb)
  const e = -Math.expm1(8 * psduBytes * Math.log1p(-ber))
  const fer = e > 0 ? (e < 1 ? e : 1) : 0
  ferPhy[slot] = cfg
  ferSnrDb[slot] = snrDb
  ferBytes[slot] = psduBytes
  ferValue[slot] = fer
  return fer
}
