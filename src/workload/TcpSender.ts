/**
 * A TCP sender as a pure state machine, counted in segments of MSS bytes: Linux 2.6.33's congestion
 * control, CUBIC with HyStart (`TcpCubic.ts`: slow start one segment per ACK, the cubic window in
 * congestion avoidance, a threshold of 717/1024 of the window after a loss), SACK-based loss recovery
 * (RFC 6675) on the receiver's SACK blocks (RFC 2018, which Linux negotiates by default: `tcp_sack`
 * 1), the RFC 6298 timer with exponential backoff. Recovery starts on the third duplicate ACK that
 * SACKs new data, or when the scoreboard says the oldest unacknowledged segment is lost (three
 * segments above it SACKed); the window becomes CUBIC's threshold, and the "pipe" (segments in
 * flight, neither SACKed nor presumed lost, a retransmission counted besides) decides what goes:
 * first the holes presumed lost, then new data, then a hole below SACKed data. It ends when
 * everything sent before it is acknowledged. A timeout collapses the window to one segment and goes
 * back to the oldest unacknowledged segment, resending what the receiver has not SACKed (Linux keeps
 * the scoreboard across a timeout: `tcp_enter_loss`). Without SACK information (a peer that sends
 * none) three duplicate ACKs still start recovery, and a partial ACK resends the hole it names, as
 * NewReno (RFC 6582) does. As Linux, a window that grows only while it limits the sender and restarts
 * after an idle spell (RFC 2861, RFC 5681 4.1). The actor that owns a flow feeds it ACKs and timer
 * expiries and sends what it says.
 *
 * Linux 2.6.33 recovers its own way (FACK, `tcp_fack` 1, and rate halving, which brings the window
 * down to the threshold over the recovery where the model sets it at once), and undoes a reduction
 * that its timestamps show was needless (Eifel); the model uses the standards' SACK recovery and
 * undoes nothing. Modelling choice.
 *
 * Its RTT samples come from the timestamps option (RFC 7323 4.1), which Linux uses by default: every
 * ACK that acknowledges new data echoes the send time of the segment that made the receiver send it,
 * a retransmission's included, so a sample follows every such ACK (Linux's tcp_ack_saw_tstamp, which
 * also resets the timer's backoff). Without timestamps Karn's rule (RFC 6298 3) would allow no sample
 * until a segment sent once is acknowledged, and a timer that backed off through a run of losses
 * would stay backed off until then.
 *
 * ```
 *   slow start ──cwnd > ssthresh (HyStart may set ssthresh = cwnd)──▶ congestion avoidance (CUBIC)
 *       ▲  ▲                              │ 3 dup ACKs, or the oldest segment SACK-lost
 *       │  └───── RTO (cwnd = 1) ◀────────┤
 *       │                                 ▼
 *       └────────── RTO ◀──────────── recovery ──ACK of all sent before it──▶ congestion avoidance (cwnd = ssthresh)
 *                                        ▲   │ ACKs: send what the pipe allows (lost holes, new data)
 *                                        └───┘
 * ```
 */
import * as Cubic from "./TcpCubic.ts"
import * as Sack from "./TcpSack.ts"
import { INITIAL_WINDOW_SEGMENTS } from "./TcpReceiveWindow.ts"

/**
 * The least the RTO adds to SRTT: Linux (the seed's 2.6.33 hosts) floors the variance term at
 * TCP_RTO_MIN, 200 ms (tcp_rtt_estimator in net/ipv4/tcp_input.c: rttvar = max(mdev, tcp_rto_min)),
 * so RTO = SRTT + max(4·RTTVAR, 200 ms); RFC 6298 2.4 recommends a floor of 1 s on the RTO itself.
 */
export const MIN_RTO_NS = 200_000_000
/** RTO ceiling: RFC 6298 2.5 allows one of at least 60 s; 60 s is that least (Linux's TCP_RTO_MAX is 120 s). Modelling choice. */
export const MAX_RTO_NS = 60_000_000_000
/** RFC 6298 2.1: before any RTT sample, RTO = 1 s. */
export const INITIAL_RTO_NS = 1_000_000_000
/** Initial window (RFC 3390): min(4·MSS, max(2·MSS, 4380 B)) = 3 segments for MSS 1460. */
export const INITIAL_CWND_SEGMENTS = 3
/** Duplicate ACKs that trigger fast retransmit (RFC 5681 3.2). */
export const DUP_ACK_THRESHOLD_ACKS = 3
/**
 * How far below the window a sender may stay and still count as limited by it, segments: Linux's
 * `tcp_max_burst`, the reordering estimate, 3 at the start (`sysctl_tcp_reordering`). A sender that
 * leaves more of its window unused is limited by its application, and its window does not grow
 * (`tcp_is_cwnd_limited`, RFC 2861's validation, which Linux 2.6.33's `tcp_reno_cong_avoid` asks
 * first). Linux also counts a sender within a third of its window as limited when its route can
 * segment in software (GSO); the seed's era's mac80211 interfaces could not (no scatter-gather), and
 * the model applies the plain rule to the endpoint too. Modelling choice.
 */
export const MAX_BURST_SEGMENTS = 3

export interface SenderState {
  /** Congestion window and slow-start threshold, in segments (whole: Linux's `snd_cwnd`, `snd_ssthresh`). */
  readonly cwnd: number
  readonly ssthresh: number
  /** ACKs counted towards the window's next segment (`snd_cwnd_cnt`). */
  readonly cwndCnt: number
  /** CUBIC's and HyStart's state (`TcpCubic.ts`). */
  readonly cc: Cubic.CubicState
  /** Oldest unacknowledged segment, next new segment to send (segment numbers from 0). */
  readonly sndUna: number
  readonly sndNxt: number
  /** The highest `sndNxt` has been: a segment below it was sent before (a go-back-N resend). */
  readonly sndMax: number
  readonly dupAcks: number
  /** In fast recovery until `recover` is acknowledged. */
  readonly inRecovery: boolean
  /**
   * `sndMax` when the last loss was detected (fast retransmit or timeout): an ACK short of it during
   * recovery is partial; duplicate ACKs below it after a timeout start no fast retransmit (RFC 6582
   * 3.2 steps 2 and 6: they answer the go-back-N's resends of segments the receiver already had).
   */
  readonly recover: number
  readonly srttNs: number | undefined
  readonly rttvarNs: number
  readonly rtoNs: number
  /**
   * The peer's SYN offered SACK (RFC 2018 2: SACK-permitted, which Linux sends, `tcp_sack` 1): then a
   * duplicate ACK counts only when it SACKs something new (RFC 6675's DupAck; Linux counts the
   * scoreboard, not duplicates, on a SACK connection), so the ACKs a receiver sends for duplicate
   * segments start no recovery. Without it every duplicate counts, as NewReno's do.
   */
  readonly sackPermitted: boolean
  /** The window the receiver offered last, segments beyond `sndUna` (SND.WND). */
  readonly rwnd: number
  /** What the receiver said it holds above `sndUna` (`TcpSack`'s scoreboard, ascending). */
  readonly sacked: ReadonlyArray<number>
  /** The highest segment resent in this recovery (RFC 6675 HighRxt); below `sndUna` before any. */
  readonly highRxt: number
  /**
   * This recovery's resends still counted in flight, flat `[segment, sndMax when it went, …]` in
   * ascending order, and those found lost again (`relost`, ascending), to go again first: a resend is
   * lost once the receiver SACKs a segment first sent after it (Linux's `tcp_mark_lost_retrans`).
   */
  readonly rxtMarks: ReadonlyArray<number>
  readonly relost: ReadonlyArray<number>
  /** Segments resent in recovery (a timeout's go-back resends are not counted). */
  readonly retransmits: number
  /** Retransmission timeouts (each one's go-back-N resends are not counted above). */
  readonly timeouts: number
  /**
   * An ACK of new data came since the last timeout: a further timeout lowers the threshold again (Linux's
   * `tcp_enter_loss` does so in its Loss state only once `icsk_retransmits` was cleared by such an ACK).
   */
  readonly lossAcked: boolean
}

/** No resend recorded (`rxtMarks`, `relost`). */
const NO_MARKS: ReadonlyArray<number> = Object.freeze([])

/** A connection's sender at virtual time 0. */
export const initialSender: SenderState = {
  cwnd: INITIAL_CWND_SEGMENTS, ssthresh: Infinity, cwndCnt: 0, cc: Cubic.start(0, 0), sndUna: 0, sndNxt: 0, sndMax: 0, dupAcks: 0,
  inRecovery: false, recover: 0, sackPermitted: true, srttNs: undefined, rttvarNs: 0, rtoNs: INITIAL_RTO_NS, rwnd: INITIAL_WINDOW_SEGMENTS,
  sacked: Sack.NO_RANGES, highRxt: -1, rxtMarks: NO_MARKS, relost: NO_MARKS, retransmits: 0, timeouts: 0, lossAcked: false
}

/** A connection's sender starting at `nowNs` (CUBIC's first HyStart round begins then). */
export const startSender = (nowNs: number): SenderState => ({ ...initialSender, cc: Cubic.start(Cubic.jiffiesOf(nowNs), 0) })

/** Segments sent and not cumulatively acknowledged (RFC 5681's FlightSize). */
export const outstanding = (s: SenderState): number => s.sndNxt - s.sndUna

/** Segments of `[a, b)` the scoreboard does not hold. */
const unsackedIn = (s: SenderState, a: number, b: number): number => (b > a ? b - a - Sack.sackedIn(s.sacked, a, b) : 0)

/**
 * Segments in the network, which the window bounds: in recovery RFC 6675's pipe (those neither
 * SACKed nor presumed lost, and once more those resent), otherwise those sent and neither acknowledged
 * nor SACKed (so that SACKed segments make room for new ones, as Linux's `tcp_packets_in_flight`
 * and RFC 3042's limited transmit do).
 */
export const inFlight = (s: SenderState): number => {
  if (!s.inRecovery) return s.sacked.length === 0 ? s.sndNxt - s.sndUna : unsackedIn(s, s.sndUna, s.sndNxt)
  const lost = Sack.lostBelow(s.sacked, DUP_ACK_THRESHOLD_ACKS)
  // Resends count once more, but for those found lost again.
  return unsackedIn(s, Math.max(s.sndUna, lost), s.sndMax) + unsackedIn(s, s.sndUna, Math.min(s.highRxt + 1, s.sndMax)) - s.relost.length
}

/** Whether the window limits the sender (`MAX_BURST_SEGMENTS`): only then does an ACK grow it. */
export const cwndLimited = (s: SenderState): boolean => inFlight(s) >= s.cwnd - MAX_BURST_SEGMENTS

/**
 * Data goes out after the sender sent nothing for `idleNs` with nothing in flight: past one RTO, the
 * window it kept may no longer fit the path (RFC 5681 4.1), and it halves once per RTO of the idle
 * time, down to no less than the initial window, with ssthresh kept at 3/4 of the old window at
 * least, as Linux's `tcp_cwnd_restart` (net/ipv4/tcp_output.c, `tcp_slow_start_after_idle` 1 by
 * default) does. Otherwise the sender as it is.
 */
export const afterIdle = (s: SenderState, idleNs: number): SenderState => {
  if (outstanding(s) > 0 || idleNs <= s.rtoNs) return s
  const restart = Math.min(INITIAL_CWND_SEGMENTS, s.cwnd)
  const ssthresh = Math.max(s.ssthresh, Math.floor(s.cwnd / 2) + Math.floor(s.cwnd / 4))
  let cwnd = s.cwnd
  for (let left = idleNs - s.rtoNs; left > 0 && cwnd > restart; left -= s.rtoNs) cwnd = Math.floor(cwnd / 2)
  return { ...s, ssthresh, cwnd: Math.max(cwnd, restart) }
}

/** Segments from `sndNxt` the window allows now, given the receiver's window `rwnd` (segments, from `sndUna`). */
export const sendable = (s: SenderState, rwnd: number): number =>
  Math.max(0, Math.min(Math.floor(s.cwnd) - inFlight(s), Math.floor(rwnd) - outstanding(s)))

/** Segments `first`..`first + count − 1`, to send in one go. */
export interface Run {
  readonly first: number
  readonly count: number
}

/**
 * What to send next, if the window allows anything: in recovery RFC 6675's NextSeg (a hole presumed
 * lost above the last one resent; else new data; else one segment of a hole below SACKed data);
 * after a timeout, what the receiver has not SACKed from `sndNxt` up to `sndMax`; otherwise new
 * data, which the receiver's window `rwnd` (from `sndUna`) and the data written so far, `written`
 * segments, bound.
 */
export const nextRun = (s: SenderState, rwnd: number, written: number = Infinity): Run | undefined => {
  const room = Math.floor(s.cwnd) - inFlight(s)
  if (room < 1) return undefined
  if (s.inRecovery) {
    // A resend lost again goes first: it holds up everything above it (Linux's retransmit queue is in order).
    if (s.relost.length > 0) return { first: s.relost[0]!, count: 1 }
    const hole = Sack.nextUnsacked(s.sacked, Math.max(s.sndUna, s.highRxt + 1))
    const lost = Sack.lostBelow(s.sacked, DUP_ACK_THRESHOLD_ACKS)
    if (hole < lost && hole < s.sndMax) {
      return { first: hole, count: Math.min(room, Sack.nextSacked(s.sacked, hole, s.sndMax) - hole, lost - hole) }
    }
    const fresh = newData(s, room, rwnd, written)
    if (fresh !== undefined || hole >= Sack.sackedEnd(s.sacked, -Infinity)) return fresh
    return { first: hole, count: 1 }
  }
  if (s.sndNxt < s.sndMax) return { first: s.sndNxt, count: Math.min(room, Sack.nextSacked(s.sacked, s.sndNxt, s.sndMax) - s.sndNxt) }
  return newData(s, room, rwnd, written)
}

const newData = (s: SenderState, room: number, rwnd: number, written: number): Run | undefined => {
  const count = Math.min(room, Math.floor(rwnd) - outstanding(s), written - s.sndNxt)
  return count >= 1 ? { first: s.sndNxt, count } : undefined
}

/** Segments `first`..`end − 1` resent now, in recovery: each marked with `sndMax`, and no longer lost again. */
const resent = (s: SenderState, first: number, end: number): Pick<SenderState, "rxtMarks" | "relost"> => {
  const marks: Array<number> = []
  const m = s.rxtMarks
  // The marks below the run, the run's (a segment resent again takes its new mark), the marks above it.
  for (let i = 0; i < m.length && m[i]! < first; i += 2) marks.push(m[i]!, m[i + 1]!)
  for (let seg = first; seg < end; seg++) marks.push(seg, s.sndMax)
  for (let i = 0; i < m.length; i += 2) if (m[i]! >= end) marks.push(m[i]!, m[i + 1]!)
  const relost = s.relost.length === 0 ? s.relost : s.relost.filter((seg) => seg < first || seg >= end)
  return { rxtMarks: marks, relost }
}

/**
 * After an ACK in recovery: resends acknowledged or SACKed leave the record, and a resend is lost
 * again once the receiver SACKs a segment first sent after it went (`tcp_mark_lost_retrans` in Linux
 * 2.6.33, which runs with FACK, its default, in the Recovery state).
 */
const markLostRetransmits = (s: SenderState): SenderState => {
  if (s.rxtMarks.length === 0 && s.relost.length === 0) return s
  const receivedUpTo = Sack.sackedEnd(s.sacked, -Infinity)
  const marks: Array<number> = []
  const relost: Array<number> = []
  for (let i = 0; i < s.relost.length; i++) {
    const seg = s.relost[i]!
    if (seg >= s.sndUna && !Sack.holds(s.sacked, seg)) relost.push(seg)
  }
  for (let i = 0; i < s.rxtMarks.length; i += 2) {
    const seg = s.rxtMarks[i]!
    if (seg < s.sndUna || Sack.holds(s.sacked, seg)) continue
    if (receivedUpTo > s.rxtMarks[i + 1]!) relost.push(seg)
    else marks.push(seg, s.rxtMarks[i + 1]!)
  }
  relost.sort((a, b) => a - b)
  return { ...s, rxtMarks: marks, relost }
}

/**
 * Records that segments `first`..`first + count − 1` were sent: new data moves `sndNxt`; in recovery
 * a resent hole moves HighRxt; after a timeout a resend moves `sndNxt` past it and past what the
 * receiver SACKed after it.
 */
export const sentRun = (s: SenderState, first: number, count: number): SenderState => {
  if (count <= 0) return s
  const end = first + count
  if (first >= s.sndMax) return { ...s, sndNxt: end, sndMax: end }
  if (s.inRecovery) return { ...s, ...resent(s, first, end), highRxt: Math.max(s.highRxt, end - 1), retransmits: s.retransmits + count }
  const sndNxt = Sack.nextUnsacked(s.sacked, Math.max(s.sndNxt, end))
  return { ...s, sndNxt, sndMax: Math.max(s.sndMax, sndNxt) }
}

/** Records that `count` segments were sent from `sndNxt`. */
export const sent = (s: SenderState, count: number): SenderState => sentRun(s, s.sndNxt, count)

/** RFC 6298 2.3: K, the RTTVAR multiple in the RTO. */
const RTO_RTTVAR_MULTIPLE = 4
/** RFC 6298 2.3: alpha, SRTT's weight on a new sample. */
const SRTT_GAIN = 1 / 8
/** RFC 6298 2.3: beta, RTTVAR's weight on a new deviation. */
const RTTVAR_GAIN = 1 / 4

/** RTO = SRTT + max(K·RTTVAR, `MIN_RTO_NS`), at most `MAX_RTO_NS`. */
const rtoOf = (srttNs: number, rttvarNs: number): number =>
  Math.min(MAX_RTO_NS, srttNs + Math.max(RTO_RTTVAR_MULTIPLE * rttvarNs, MIN_RTO_NS))

/** RFC 6298 2.2/2.3 (RTTVAR from the old SRTT, then SRTT; the first sample sets SRTT and half of it RTTVAR). */
const sampleRtt = (s: SenderState, rttNs: number): SenderState => {
  if (s.srttNs === undefined) return { ...s, srttNs: rttNs, rttvarNs: rttNs / 2, rtoNs: rtoOf(rttNs, rttNs / 2) }
  const rttvarNs = (1 - RTTVAR_GAIN) * s.rttvarNs + RTTVAR_GAIN * Math.abs(s.srttNs - rttNs)
  const srttNs = (1 - SRTT_GAIN) * s.srttNs + SRTT_GAIN * rttNs
  return { ...s, srttNs, rttvarNs, rtoNs: rtoOf(srttNs, rttvarNs) }
}

/** What an ACK makes the sender do. */
export interface AckStep {
  readonly sender: SenderState
  /** Send the segment at `sndUna` again now (recovery begins, or a partial ACK with no SACK names a hole): `sentRun` records it. */
  readonly retransmit: boolean
  /** Restart (true) or stop (false: nothing in flight) the retransmission timer; undefined: leave it. */
  readonly timer: boolean | undefined
}

/** An ACK that echoes no timestamp (`onAck`'s `echoNs`). */
export const NO_ECHO = -1

/**
 * A cumulative ACK up to (not including) segment `ack` arrived at `nowNs`, echoing `echoNs`: the
 * timestamp (TSecr) of the segment it answers, in the sender's clock, or `NO_ECHO`; carrying the SACK
 * blocks `sack` (`TcpSack`, flat). An echo from the future or from before the clock is the peer's
 * error and gives no sample; a block outside what is outstanding is ignored (RFC 2018). `window` is
 * the window it offers beyond `ack` (segments; undefined: as before). A zero window counts as one
 * segment: the model has no persist timer (RFC 9293 3.8.6.1), and its receivers never offer less
 * than four.
 */
export const onAck = (s: SenderState, ack: number, nowNs: number, echoNs: number, sack: ReadonlyArray<number> = Sack.NO_RANGES, window?: number): AckStep => {
  if (ack < s.sndUna) return { sender: s, retransmit: false, timer: undefined } // an old ACK
  if (window !== undefined && window !== s.rwnd) s = { ...s, rwnd: Math.max(window, 1) }
  if (ack > s.sndMax) ack = s.sndMax // never acknowledge what was never sent
  const low = Math.max(ack, s.sndUna)
  const trimmed = Sack.scoreboardTrim(s.sacked, low)
  const sacked = sack.length === 0 ? trimmed : Sack.scoreboardAdd(trimmed, sack, low, s.sndMax)
  if (ack > s.sndUna) {
    const acked = ack - s.sndUna
    const timed = echoNs >= 0 && echoNs <= nowNs ? sampleRtt(s, nowNs - echoNs) : s
    // After a timeout's go-back-N, the receiver may acknowledge past `sndNxt` what it held out of
    // order: the sender goes on from there (past what it SACKed), as Linux's snd_una simply moves past it.
    const sndNxt = Sack.nextUnsacked(sacked, Math.max(s.sndNxt, ack))
    // CUBIC hears of every ACK of new data (its RTT sample, its delayed-ACK ratio), before the window grows.
    const nowJiffies = Cubic.jiffiesOf(nowNs)
    const cc = ccAcked(s, acked, nowNs, nowJiffies, echoNs)
    if (s.inRecovery && ack < s.recover) {
      // A partial ACK: recovery goes on, the pipe deciding what goes; the timer restarts, as on every
      // ACK of new data (Linux's tcp_rearm_rto). With nothing SACKed above the hole it names (a peer
      // that sends no SACK), the hole goes at once, as NewReno's partial ACK (RFC 6582 3.2 step 5).
      const partial = markLostRetransmits({ ...timed, sacked, sndUna: ack, sndNxt, dupAcks: 0, lossAcked: true, cc: cc.cc, ssthresh: cc.ssthresh })
      return { sender: partial, retransmit: sacked.length === 0 && s.highRxt < ack, timer: true }
    }
    const window = s.inRecovery
      ? { ...cc, cwnd: Math.min(cc.cwnd, cc.ssthresh) } // recovery ends (RFC 6675 5; Linux's tcp_complete_cwr)
      : !cwndLimited(s)
      ? cc // the application held the sender back: the window did not prove itself (RFC 2861)
      : Cubic.grow(cc, ack, sndNxt, nowJiffies)
    const next: SenderState = { ...timed, sacked, sndUna: ack, sndNxt, dupAcks: 0, inRecovery: false, lossAcked: true, rxtMarks: NO_MARKS, relost: NO_MARKS, ...window }
    // The SACKed segments may already show the new oldest one lost (RFC 6675 5, IsLost(HighACK + 1)).
    if (!s.inRecovery && lostFirst(next)) return { sender: enterRecovery(next, 0), retransmit: true, timer: true }
    return { sender: next, retransmit: false, timer: next.sndUna < next.sndNxt }
  }
  if (ack === s.sndUna && outstanding(s) > 0) {
    // A duplicate counts when it SACKs something new (RFC 6675 2, DupAck), or, from a peer that does
    // no SACK, always.
    const dupAcks = sacked !== trimmed || !s.sackPermitted ? s.dupAcks + 1 : s.dupAcks
    const dup: SenderState = { ...s, sacked, dupAcks }
    if (s.inRecovery) return { sender: markLostRetransmits(dup), retransmit: false, timer: undefined }
    // After a timeout, duplicates of what the go-back-N resent start no recovery (RFC 6582 3.2 step 2).
    if ((dupAcks >= DUP_ACK_THRESHOLD_ACKS && s.sndUna >= s.recover) || lostFirst(dup)) return { sender: enterRecovery(dup, dupAcks), retransmit: true, timer: true }
    return { sender: dup, retransmit: false, timer: undefined }
  }
  return { sender: sacked === s.sacked ? s : { ...s, sacked }, retransmit: false, timer: undefined } // a window update, or nothing outstanding
}

/**
 * Whether the oldest unacknowledged segment counts as lost (three segments above it SACKed) where
 * recovery may start: not before everything a timeout's go-back-N resends is acknowledged (RFC 6582
 * 3.2 steps 2 and 6: duplicates then answer resends of segments the receiver already had).
 */
const lostFirst = (s: SenderState): boolean =>
  s.sndUna >= s.recover && s.sndUna < s.sndNxt && s.sndUna < Sack.lostBelow(s.sacked, DUP_ACK_THRESHOLD_ACKS)

/**
 * Loss recovery begins (RFC 6675 5, steps 4.1–4.3): `recover` is all sent so far, ssthresh and the
 * window half of what is outstanding, and the oldest segment goes again at once (`AckStep.retransmit`).
 */
const enterRecovery = (s: SenderState, dupAcks: number): SenderState => {
  const { cc, ssthresh } = Cubic.onLoss(s.cc, s.cwnd)
  return {
    ...s, dupAcks, ssthresh, cwnd: ssthresh, cwndCnt: 0, cc, inRecovery: true, recover: s.sndMax, highRxt: s.sndUna - 1, rxtMarks: NO_MARKS, relost: NO_MARKS
  }
}

/**
 * CUBIC's view of an ACK of `acked` new segments at `nowNs` (`Cubic.acked`): the connection is open when
 * neither a recovery, a timeout's aftermath nor SACKed data is outstanding (Linux's `TCP_CA_Open`);
 * its RTT sample is whole jiffies from the echoed segment's send time to now, none when that is zero
 * or when the ACK covers a resent segment (a hole resent in this recovery, or anything below the point
 * a timeout went back from). The echoed segment stands for Linux's newest one the ACK covers; a delayed
 * ACK's two were sent within a segment's time of each other.
 */
const ccAcked = (s: SenderState, acked: number, nowNs: number, nowJiffies: number, echoNs: number): Cubic.Window => {
  const open = !s.inRecovery && s.sndUna >= s.recover && s.sacked.length === 0 && s.dupAcks === 0
  const resentAcked = s.inRecovery ? s.sndUna <= s.highRxt : s.sndUna < s.recover
  const rttJiffies = resentAcked || echoNs < 0 || echoNs > nowNs ? -1 : nowJiffies - Cubic.jiffiesOf(echoNs)
  return Cubic.acked({ cwnd: s.cwnd, cwndCnt: s.cwndCnt, ssthresh: s.ssthresh, cc: s.cc }, acked, rttJiffies, open, nowJiffies)
}

/**
 * The retransmission timer expired at `nowNs`: collapse the window and go back to the oldest
 * unacknowledged segment; what was sent so far is `recover` (RFC 6582 3.2 step 6). The scoreboard
 * stays: the resends skip what the receiver SACKed (Linux's `tcp_enter_loss`; the model's receivers
 * never renege). The threshold falls as after any loss unless it already fell for this window (Linux:
 * in recovery, unless everything before it was acknowledged; after a timeout, unless an ACK of new data
 * came since), and CUBIC starts over (its Loss state).
 */
export const onTimeout = (s: SenderState, nowNs: number): SenderState =>
  outstanding(s) === 0 ? s : {
    ...s,
    ssthresh: (s.inRecovery ? s.sndUna === s.recover : s.sndUna >= s.recover || s.lossAcked) ? Cubic.onLoss(s.cc, s.cwnd).ssthresh : s.ssthresh,
    cc: Cubic.start(Cubic.jiffiesOf(nowNs), s.sndMax),
    lossAcked: false,
    rxtMarks: NO_MARKS,
    relost: NO_MARKS,
    cwnd: 1,
    cwndCnt: 0,
    sndNxt: s.sndUna,
    dupAcks: 0,
    inRecovery: false,
    recover: s.sndMax,
    rtoNs: Math.min(MAX_RTO_NS, s.rtoNs * 2),
    timeouts: s.timeouts + 1
  }
