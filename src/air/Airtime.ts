/**
 * How long frames occupy the medium: one PPDU, and one whole successful exchange after winning
 * contention (data PPDU, SIFS, ACK or BlockAck). TXTIME follows 802.11-2016 17.4.3 (OFDM, plus the
 * ERP signal extension) and 19.4.3 (HT-mixed); sizes come from Timing.ts. All integer nanoseconds,
 * no allocation.
 */
import type { PhyConfig } from "./PhyConfig.ts"
import { basicRateFor, bitsPerSymbol, encoderCount, LONG_GI_SYMBOL_NS, SHORT_GI_SYMBOL_NS } from "./RateTable.ts"
import {
  ACK_BYTES,
  AMPDU_DELIMITER_BYTES,
  AMPDU_SUBFRAME_ALIGN_BYTES,
  BLOCK_ACK_BYTES,
  MAX_AMPDU_BYTES,
  MAX_AMPDU_MPDUS,
  MAX_ERP_PSDU_BYTES,
  MAX_HT_MIXED_PPDU_NS,
  NON_HT_HEADER_NS,
  preambleNs,
  SERVICE_BITS,
  TAIL_BITS_PER_ENCODER,
  timingsFor
} from "./Timing.ts"

const checkBytes = (bytes: number, what: string): void => {
  if (!Number.isInteger(bytes) || bytes < 0) throw new RangeError(`${what} must be a non-negative integer, not ${bytes}`)
}

/** N_SYM: data symbols for `psduBytes`, ⌈(16 + 8·bytes + 6·N_ES) / N_DBPS⌉ (802.11-2016 equation 19-32, 17.4.3). */
export const dataSymbols = (cfg: PhyConfig, psduBytes: number): number => {
  checkBytes(psduBytes, "PSDU length")
  return Math.ceil((SERVICE_BITS + 8 * psduBytes + TAIL_BITS_PER_ENCODER * encoderCount(cfg)) / bitsPerSymbol(cfg))
}

/**
 * TXTIME of one PPDU carrying `psduBytes`: preamble and headers, the data symbols, and the signal
 * extension. With the HT short GI the data field is rounded up to whole 4 µs: T_SYM × ⌈T_SYMS × N_SYM / T_SYM⌉
 * (802.11-2016 19.4.3).
 */
export const ppduDurationNs = (cfg: PhyConfig, psduBytes: number): number => {
  const symbols = dataSymbols(cfg, psduBytes)
  const dataNs = cfg.standard === "802.11n" && cfg.guardInterval === "short"
    ? LONG_GI_SYMBOL_NS * Math.ceil((SHORT_GI_SYMBOL_NS * symbols) / LONG_GI_SYMBOL_NS)
    : LONG_GI_SYMBOL_NS * symbols
  return preambleNs(cfg) + dataNs + timingsFor(cfg).signalExtensionNs
}

/** The Ack answering a frame sent with `cfg`: 14 bytes, non-HT, at the control-response rate. */
export const ackDurationNs = (cfg: PhyConfig): number => ppduDurationNs(basicRateFor(cfg), ACK_BYTES)

/** The compressed BlockAck answering an A-MPDU sent with `cfg`: 32 bytes at the control-response rate. */
export const blockAckDurationNs = (cfg: PhyConfig): number => ppduDurationNs(basicRateFor(cfg), BLOCK_ACK_BYTES)

/**
 * AckTimeout = aSIFSTime + aSlotTime + aRxPHYStartDelay (802.11-2016 10.3.2.9): how long after its
 * PPDU a sender waits for an Ack to start. The delay is taken as the time to receive the Ack's own
 * preamble and SIGNAL, 20 µs, the non-HT value of 802.11-2020 Tables 17-21 and 18-5, for HT senders
 * too since the Ack is a non-HT PPDU (ns-3 reads it the same way: the PHY header of the response's
 * TXVECTOR). Table 19-25 gives the HT PHY 28 µs (HT-mixed); older editions gave OFDM 25 µs. An Ack
 * that never comes is noticed 5–8 µs earlier than with those values.
 */
export const ackTimeoutNs = (cfg: PhyConfig): number => {
  const t = timingsFor(cfg)
  return t.sifsNs + t.slotNs + NON_HT_HEADER_NS
}

const alignUp = (bytes: number): number =>
  Math.ceil(bytes / AMPDU_SUBFRAME_ALIGN_BYTES) * AMPDU_SUBFRAME_ALIGN_BYTES

/**
 * The PSDU length of an A-MPDU: each MPDU behind a 4-byte delimiter, every subframe but the last
 * padded to a multiple of 4 bytes (802.11-2016 9.7.1). Give the MPDU sizes, or a count of
 * equal-sized MPDUs. The limits (MAX_AMPDU_BYTES, MAX_AMPDU_MPDUS) are checked by exchangeAirtimeNs.
 */
export function ampduBytes(mpduSizes: ReadonlyArray<number>): number
export function ampduBytes(count: number, mpduBytes: number): number
export function ampduBytes(sizesOrCount: ReadonlyArray<number> | number, size?: number): number {
  if (typeof sizesOrCount === "number") {
    const count = sizesOrCount
    if (!Number.isInteger(count) || count < 1) throw new RangeError(`an A-MPDU holds at least one MPDU, not ${count}`)
    checkBytes(size ?? -1, "MPDU length")
    const subframe = AMPDU_DELIMITER_BYTES + size!
    return (count - 1) * alignUp(subframe) + subframe
  }
  const sizes = sizesOrCount
  if (sizes.length === 0) throw new RangeError("an A-MPDU holds at least one MPDU")
  let total = 0
  for (let i = 0; i < sizes.length; i++) {
    const s = sizes[i]!
    checkBytes(s, "MPDU length")
    const subframe = AMPDU_DELIMITER_BYTES + s
    total += i < sizes.length - 1 ? alignUp(subframe) : subframe
  }
  return total
}

/** Why an exchange of `mpduCount` MPDUs of `mpdu` bytes is not a legal PPDU, or undefined if it is. */
const exchangeProblem = (cfg: PhyConfig, mpdu: number, mpduCount: number): string | undefined => {
  if (!Number.isInteger(mpduCount) || mpduCount < 1) return `an exchange carries at least one MPDU, not ${mpduCount}`
  if (cfg.standard === "802.11g") {
    if (mpduCount > 1) return "802.11g has no A-MPDU: one MPDU per exchange"
    return mpdu > MAX_ERP_PSDU_BYTES ? `a ${mpdu}-byte PSDU exceeds the ERP-OFDM maximum ${MAX_ERP_PSDU_BYTES}` : undefined
  }
  if (mpduCount > MAX_AMPDU_MPDUS) return `${mpduCount} MPDUs exceed the ${MAX_AMPDU_MPDUS} a BlockAck covers`
  const psdu = mpduCount > 1 ? ampduBytes(mpduCount, mpdu) : mpdu
  if (psdu > MAX_AMPDU_BYTES) return `a ${psdu}-byte PSDU exceeds the HT maximum ${MAX_AMPDU_BYTES}`
  const withoutExtensionNs = ppduDurationNs(cfg, psdu) - timingsFor(cfg).signalExtensionNs
  if (withoutExtensionNs > MAX_HT_MIXED_PPDU_NS) return `a ${withoutExtensionNs} ns PPDU exceeds the HT-mixed maximum ${MAX_HT_MIXED_PPDU_NS} ns`
  return undefined
}

/**
 * Medium time of one successful exchange after winning contention: the data PPDU (an A-MPDU when
 * `mpduCount` > 1, 802.11n only), SIFS, then the Ack (one MPDU) or compressed BlockAck (A-MPDU).
 * Each MPDU is `mpdu` bytes (`FrameBytes.ts`). Throws a RangeError when the PPDU would break a
 * format limit: one MPDU on 802.11g, 64 MPDUs or 65,535 bytes in an A-MPDU, 5.484 ms in HT-mixed.
 */
export const exchangeAirtimeNs = (cfg: PhyConfig, mpdu: number, mpduCount: number): number => {
  checkBytes(mpdu, "MPDU length")
  const problem = exchangeProblem(cfg, mpdu, mpduCount)
  if (problem !== undefined) throw new RangeError(problem)
  const t = timingsFor(cfg)
  if (mpduCount === 1) return ppduDurationNs(cfg, mpdu) + t.sifsNs + ackDurationNs(cfg)
  return ppduDurationNs(cfg, ampduBytes(mpduCount, mpdu)) + t.sifsNs + blockAckDurationNs(cfg)
}

/**
 * The most MPDUs of `mpdu` bytes each that one exchange may aggregate at `cfg` (1 for 802.11g):
 * the largest count that exchangeAirtimeNs accepts. Throws a RangeError when not even one fits.
 */
export const maxAmpduMpdus = (cfg: PhyConfig, mpdu: number): number => {
  checkBytes(mpdu, "MPDU length")
  const limit = cfg.standard === "802.11g" ? 1 : MAX_AMPDU_MPDUS
  for (let count = limit; count >= 1; count--) {
    if (exchangeProblem(cfg, mpdu, count) === undefined) return count
  }
  throw new RangeError(`a ${mpdu}-byte MPDU does not fit in one PPDU at this rate`)
}

/**
 * The PSDU of an A-MPDU of `psduBytes` (its subframes so far) once one more MPDU of `mpdu` bytes is
 * appended: the last subframe is padded to 4 bytes, then the new one follows behind its delimiter.
 * With no subframe yet (`psduBytes` 0) it is the first subframe.
 */
export const ampduAppend = (psduBytes: number, mpdu: number): number =>
  (psduBytes === 0 ? 0 : alignUp(psduBytes)) + AMPDU_DELIMITER_BYTES + mpdu

/** Whether an A-MPDU of `psduBytes` is a legal HT-mixed PPDU at `cfg` (65,535 bytes, 5.484 ms). */
export const ampduFits = (cfg: PhyConfig, psduBytes: number): boolean =>
  psduBytes <= MAX_AMPDU_BYTES && ppduDurationNs(cfg, psduBytes) - timingsFor(cfg).signalExtensionNs <= MAX_HT_MIXED_PPDU_NS

/**
 * Medium time of one successful exchange of a PSDU of `psduBytes`: one MPDU answered by an Ack, or
 * an A-MPDU (`aggregated`) answered by a compressed BlockAck, SIFS between.
 */
export const psduExchangeNs = (cfg: PhyConfig, psduBytes: number, aggregated: boolean): number =>
  ppduDurationNs(cfg, psduBytes) + timingsFor(cfg).sifsNs + (aggregated ? blockAckDurationNs(cfg) : ackDurationNs(cfg))
