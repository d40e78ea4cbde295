/**
 * A TCP receiver with delayed ACKs as a pure state machine (RFC 1122 4.2.3.2, RFC 5681 4.2): it
 * acknowledges every second in-order segment at once, otherwise within the delayed-ACK timeout;
 * an out-of-order segment, or one that fills a hole, is acknowledged immediately (so the sender
 * sees duplicate ACKs). Out-of-order segments are kept and delivered when the hole fills.
 *
 * Every ACK carries SACK blocks (RFC 2018), which Linux negotiates by default (`tcp_sack` 1): the
 * segments held beyond the hole, as ranges, the range the triggering segment joined first, at most
 * three (`TcpSack.MAX_SACK_BLOCKS`). A duplicate segment is answered without a D-SACK block (RFC 2883,
 * Linux's `tcp_dsack`): the model's senders would not use one.
 *
 * Each ACK echoes a timestamp (RFC 7323 4.3): TS.Recent, taken from a segment that reaches no further
 * than the last ACK sent (Last.ACK.sent), so a delayed ACK echoes the first segment it covers and an
 * ACK after a hole echoes the segment that filled it (Linux: tcp_replace_ts_recent against rcv_wup).
 *
 * Each ACK offers a window (`TcpReceiveWindow`): Linux's, scaled past 64 KiB and grown with what the
 * application reads a round trip. A segment beyond it is dropped.
 */

import { NO_ECHO } from "./TcpSender.ts"
import * as Sack from "./TcpSack.ts"
import * as Window from "./TcpReceiveWindow.ts"

/** Linux's minimum delayed-ACK timeout (RFC 1122 allows up to 500 ms). */
export const DELAYED_ACK_NS = 40_000_000

export interface TcpReceiver {
  /** Next in-order segment expected. */
  readonly rcvNxt: number
  /** Segments received beyond a hole, as SACK blocks (`TcpSack`), the one changed last first. */
  readonly blocks: ReadonlyArray<number>
  /** In-order segments received since the last ACK. */
  readonly unacked: number
  readonly delivered: number
  /** TS.Recent: the timestamp the next ACK echoes (`NO_ECHO` before any). */
  readonly tsRecentNs: number
  /** Last.ACK.sent: the `rcvNxt` the last ACK carried. */
  readonly lastAckSent: number
  /** The window it offers (`offeredWindow`). */
  readonly window: Window.ReceiveWindow
}

/** A receiver of a new connection whose full segments carry `segmentBytes` of data. */
export const newReceiver = (segmentBytes: number): TcpReceiver => ({
  rcvNxt: 0, blocks: Sack.NO_RANGES, unacked: 0, delivered: 0, tsRecentNs: NO_ECHO, lastAckSent: 0, window: Window.initialWindow(segmentBytes)
})

/** A receiver under the default MSS: 1,460 bytes, of which the timestamps option takes 12. */
export const initialReceiver: TcpReceiver = newReceiver(1448)

/** The window an ACK of `r` offers beyond its cumulative ACK, segments. */
export const offeredWindow = (r: TcpReceiver): number => Window.offered(r.window)

export interface ReceiveStep {
  readonly receiver: TcpReceiver
  /** Segments newly delivered to the application, in order. */
  readonly deliver: number
  /** Send an ACK for `receiver.rcvNxt` now. */
  readonly ackNow: boolean
  /** Arm the delayed-ACK timer (an ACK is owed but not yet due). */
  readonly armDelayedAck: boolean
}

/** Segment `seg`, sent with timestamp `tsValNs` (TSval) and echoing `echoNs` (TSecr), arrived at `nowNs`. */
export const onSegment = (r: TcpReceiver, seg: number, tsValNs: number, nowNs = 0, echoNs = NO_ECHO): ReceiveStep => {
  // RFC 7323 4.3 (2): SEG.SEQ ≤ Last.ACK.sent and SEG.TSval ≥ TS.Recent.
  const tsRecentNs = seg <= r.lastAckSent && tsValNs >= r.tsRecentNs ? tsValNs : r.tsRecentNs
  if (seg < r.rcvNxt || Sack.holds(r.blocks, seg)) {
    // A duplicate: re-ACK.
    return { receiver: { ...r, tsRecentNs, lastAckSent: r.rcvNxt }, deliver: 0, ackNow: true, armDelayedAck: false }
  }
  if (seg >= r.rcvNxt + offeredWindow(r)) {
    // Beyond the window it offered: not acceptable, dropped with an ACK (RFC 9293 3.10.7.4). A sender
    // within the window never sends one; a hostile one cannot grow the buffer past the window.
    return { receiver: { ...r, lastAckSent: r.rcvNxt }, deliver: 0, ackNow: true, armDelayedAck: false }
  }
  if (seg > r.rcvNxt) {
    const blocks = Sack.receiverAdd(r.blocks, seg)
    return { receiver: { ...r, blocks, tsRecentNs, lastAckSent: r.rcvNxt }, deliver: 0, ackNow: true, armDelayedAck: false }
  }
  // In order: advance over it and over any buffered segments it joins.
  const filledHole = r.blocks.length > 0
  let rcvNxt = r.rcvNxt + 1
  let blocks = r.blocks
  if (filledHole) ({ rcvNxt, blocks } = Sack.receiverAdvance(blocks, rcvNxt))
  const deliver = rcvNxt - r.rcvNxt
  const unacked = r.unacked + 1
  const ackNow = filledHole || unacked >= 2
  return {
    receiver: {
      rcvNxt, blocks, unacked: ackNow ? 0 : unacked, delivered: r.delivered + deliver, tsRecentNs, lastAckSent: ackNow ? rcvNxt : r.lastAckSent,
      // The application reads what is now in order at once.
      window: Window.onInOrder(r.window, rcvNxt, nowNs, echoNs)
    },
    deliver,
    ackNow,
    armDelayedAck: !ackNow
  }
}

/** The delayed-ACK timer fired: ACK if anything is still owed. */
export const onDelayedAckTimeout = (r: TcpReceiver): { readonly receiver: TcpReceiver; readonly ackNow: boolean } =>
  r.unacked > 0 ? { receiver: { ...r, unacked: 0, lastAckSent: r.rcvNxt }, ackNow: true } : { receiver: r, ackNow: false }
