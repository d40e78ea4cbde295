/**
 * The sequence numbers a capture gives the MPDUs it records, kept as their transmitters keep them
 * (802.11-2016 10.3.2.11.2): a QoS STA numbers its individually addressed QoS Data frames from one
 * counter per <Address 1, TID>, and its management frames, non-QoS data frames (null data among
 * them) and group-addressed QoS Data frames from one other counter. A QoS Null takes no number: its
 * Sequence Number may be any value (10.3.2.11.2), and it is 0 here, as mac80211 leaves it
 * (`ieee80211_tx_h_sequence` skips QoS Nulls). A control frame has no Sequence Control field.
 *
 * The numbers are counts from 0, not yet taken modulo 4096 (the caller does, 9.2.4.4.2), so that the
 * distance between two numbers of one counter stays exact (a BlockAck's bitmap is built from it).
 */
import { FrameKind } from "../vocabulary/Frame.ts"
import type { Frame } from "../vocabulary/Frame.ts"

/** The Individual/Group bit: bit 0 of an address's first octet, 1 for a group address (IEEE Std 802-2014, 8.2); the first octet is the top of the 48-bit number. */
const FIRST_OCTET_DIVISOR = 2 ** 40
const GROUP_BIT = 1
/** TIDs are 4 bits (802.11-2016 9.2.4.5.2): a <receiver, TID> pair as one number, receiver × 16 + TID, stays below 2^52. */
const TIDS = 16

/** One transmitter's counters. */
interface Transmitter {
  /** Management, non-QoS data and group-addressed QoS Data. */
  shared: number
  /** Per <Address 1, TID>: the next number. */
  readonly qos: Map<number, number>
}

export class SequenceCounters {
  private readonly transmitters = new Map<number, Transmitter>()

  /**
   * The number of `f`'s first attempt from transmitter `ta`, at TID `tid`; `qosData`: a data or
   * EAPOL frame with a body goes as QoS Data (its sender's link uses WMM).
   */
  next(f: Frame, ta: number, qosData: boolean, tid: number): number {
    if (f.kind === FrameKind.PsPoll || f.kind === FrameKind.QosNull) return 0
    let t = this.transmitters.get(ta)
    if (t === undefined) {
      t = { shared: 0, qos: new Map() }
      this.transmitters.set(ta, t)
    }
    const withBody = f.kind === FrameKind.Eapol || (f.kind === FrameKind.Data && f.payloadBytes > 0)
    if (qosData && withBody && (Math.floor(f.ra / FIRST_OCTET_DIVISOR) & GROUP_BIT) === 0) {
      const key = f.ra * TIDS + tid
      const n = t.qos.get(key) ?? 0
      t.qos.set(key, n + 1)
      return n
    }
    return t.shared++
  }
}
