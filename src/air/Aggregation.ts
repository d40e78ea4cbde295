/**
 * How many queued frames one exchange carries (802.11n A-MPDU aggregation, 802.11-2016 10.13): the
 * head frame and the data frames behind it from the same address to the same receiver, while the
 * A-MPDU stays within `framesMax` MPDUs (the sender's limit and the receiver's BlockAck window), 65,535
 * bytes, the HT-mixed PPDU's 5.484 ms and the sender's own time limit. Management, group-addressed
 * and null-data frames go alone (a null-data frame has no body to aggregate and goes by AC_VO, not
 * with the data: `Edcaf.goesByVoice`). Pure: the card's TX rings and the air build bursts with it.
 */
import { BROADCAST, FrameKind, isNullData } from "../vocabulary/Frame.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { ampduAppend, ampduFits, ppduDurationNs } from "./Airtime.ts"
import { frameMpduBytes } from "./FrameBytes.ts"
import type { PhyConfig } from "./PhyConfig.ts"

export interface AggregationLimits {
  readonly phy: PhyConfig
  /** The sender's data frames are QoS data frames (their size). */
  readonly qos: boolean
  /** MPDUs per A-MPDU at most (1: no aggregation). */
  readonly framesMax: number
  /** An A-MPDU's airtime at most, ns. */
  readonly timeLimitNs: number
}

/** Where `burstLength` also leaves the PSDU's size (one object, reused by its caller: no allocation per exchange). */
export interface BurstSize {
  /** The PSDU: the one MPDU, or the A-MPDU of every frame of the burst. */
  psduBytes: number
}

/**
 * The A-MPDU of `psduBytes` with `f` appended as one more subframe, if it stays within the PSDU's
 * size and the sender's time limit; −1 if it does not.
 */
export const withSubframe = (psduBytes: number, f: Frame, limits: AggregationLimits): number => {
  const next = ampduAppend(psduBytes, frameMpduBytes(f, limits.qos))
  return ampduFits(limits.phy, next) && ppduDurationNs(limits.phy, next) <= limits.timeLimitNs ? next : -1
}

/** The PSDU of `f` as an A-MPDU's first subframe (`withSubframe` appends the others). */
export const firstSubframe = (f: Frame, limits: AggregationLimits): number => ampduAppend(0, frameMpduBytes(f, limits.qos))

/** Frames of `queue` from `from` (before `to`) that one exchange carries; at least 1. Their PSDU goes to `size`. */
export const burstLength = (queue: ArrayLike<Frame>, from: number, to: number, limits: AggregationLimits, size?: BurstSize): number => {
  const head = queue[from]!
  const headMpdu = frameMpduBytes(head, limits.qos)
  if (size !== undefined) size.psduBytes = headMpdu
  if (limits.framesMax <= 1 || head.kind !== FrameKind.Data || head.ra === BROADCAST || isNullData(head)) return 1
  let n = 1
  let psdu = firstSubframe(head, limits)
  while (n < limits.framesMax && from + n < to) {
    const f = queue[from + n]!
    if (f.kind !== FrameKind.Data || f.ra !== head.ra || f.src !== head.src || isNullData(f)) break
    const next = withSubframe(psdu, f, limits)
    if (next < 0) break
    psdu = next
    n++
  }
  // One MPDU goes on its own (no delimiter), answered by an Ack.
  if (size !== undefined && n > 1) size.psduBytes = psdu
  return n
}
