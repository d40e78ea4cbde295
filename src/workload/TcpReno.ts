/**
 * A TCP NewReno sender as a pure state machine (RFC 5681 congestion control, RFC 6582 fast recovery,
 * RFC 6298 timer), counted in segments of MSS bytes: slow start, congestion avoidance, fast
 * retransmit on the third duplicate ACK, fast recovery with window inflation that a partial ACK
 * (one that leaves data sent before the loss unacknowledged) does not end: it retransmits the next
 * hole at once, as Linux does without SACK (the model's TCP has none, where Linux negotiates it);
 * and a retransmission timeout with exponential backoff and go-back-N; as Linux, a window that grows
 * only while it limits the sender and restarts after an idle spell (RFC 2861, RFC 5681 4.1). The
 * actor that owns a flow feeds it ACKs and timer expiries and sends what it says.
 *
 * Its RTT samples come from the timestamps option (RFC 7323 4.1), which Linux uses by default: every
 * ACK that acknowledges new data echoes the send time of the segment that made the receiver send it,
 * a retransmission's included, so a sample follows every such ACK (Linux's tcp_ack_saw_tstamp, which
 * also resets the timer's backoff). Without timestamps Karn's rule (RFC 6298 3) would allow no sample
 * until a segment sent once is acknowledged, and a timer that backed off through a run of losses
 * would stay backed off until then.
 *
 * ```
 *   slow start ──cwnd ≥ ssthresh──▶ congestion avoidance
 *       ▲  ▲                              │ 3 dup ACKs
 *       │  └───── RTO (cwnd = 1) ◀────────┤
 *       │                                 ▼
 *       └────────── RTO ◀────────── fast recovery ──full ACK──▶ congestion avoidance (cwnd = ssthresh)
 *                                        ▲   │ partial ACK: retransmit the next hole
 *                                        └───┘
 * ```
 */

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

export interface RenoSender {
  /** Congestion window and slow-start threshold, in segments (fractional in congestion avoidance). */
  readonly cwnd: number
  readonly ssthresh: number
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
  /** Segments resent in fast recovery: on the third duplicate ACK, and on each partial ACK. */
  readonly retransmits: number
  /** Retransmission timeouts (each one's go-back-N resends are not counted above). */
  readonly timeouts: number
}

export const initialSender: RenoSender = {
  cwnd: INITIAL_CWND_SEGMENTS, ssthresh: Infinity, sndUna: 0, sndNxt: 0, sndMax: 0, dupAcks: 0, inRecovery: false, recover: 0,
  srttNs: undefined, rttvarNs: 0, rtoNs: INITIAL_RTO_NS, retransmits: 0, timeouts: 0
}

/** Segments in flight. */
export const inFlight = (s: RenoSender): number => s.sndNxt - s.sndUna

/** Whether the window limits the sender (`MAX_BURST_SEGMENTS`): only then does an ACK grow it. */
export const cwndLimited = (s: RenoSender): boolean => inFlight(s) >= s.cwnd - MAX_BURST_SEGMENTS

/**
 * Data goes out after the sender sent nothing for `idleNs` with nothing in flight: past one RTO, the
 * window it kept may no longer fit the path (RFC 5681 4.1), and it halves once per RTO of the idle
 * time, down to no less than the initial window, with ssthresh kept at 3/4 of the old window at
 * least, as Linux's `tcp_cwnd_restart` (net/ipv4/tcp_output.c, `tcp_slow_start_after_idle` 1 by
 * default) does. Otherwise the sender as it is.
 */
export const afterIdle = (s: RenoSender, idleNs: number): RenoSender => {
  if (inFlight(s) > 0 || idleNs <= s.rtoNs) return s
  const restart = Math.min(INITIAL_CWND_SEGMENTS, s.cwnd)
  const ssthresh = Math.max(s.ssthresh, Math.floor(s.cwnd / 2) + Math.floor(s.cwnd / 4))
  let cwnd = s.cwnd
  for (let left = idleNs - s.rtoNs; left > 0 && cwnd > restart; left -= s.rtoNs) cwnd = Math.floor(cwnd / 2)
  return { ...s, ssthresh, cwnd: Math.max(cwnd, restart) }
}

/** New segments the window allows now, given the receiver's window `rwnd` (segments). */
export const sendable = (s: RenoSender, rwnd: number): number =>
  Math.max(0, Math.floor(Math.min(s.cwnd, rwnd)) - inFlight(s))

/** Records that `count` segments were sent from `sndNxt`. */
export const sent = (s: RenoSender, count: number): RenoSender => {
  if (count <= 0) return s
  const sndNxt = s.sndNxt + count
  return { ...s, sndNxt, sndMax: Math.max(s.sndMax, sndNxt) }
}

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
const sampleRtt = (s: RenoSender, rttNs: number): RenoSender => {
  if (s.srttNs === undefined) return { ...s, srttNs: rttNs, rttvarNs: rttNs / 2, rtoNs: rtoOf(rttNs, rttNs / 2) }
  const rttvarNs = (1 - RTTVAR_GAIN) * s.rttvarNs + RTTVAR_GAIN * Math.abs(s.srttNs - rttNs)
  const srttNs = (1 - SRTT_GAIN) * s.srttNs + SRTT_GAIN * rttNs
  return { ...s, srttNs, rttvarNs, rtoNs: rtoOf(srttNs, rttvarNs) }
}

/** What an ACK makes the sender do. */
export interface AckStep {
  readonly sender: RenoSender
  /** Retransmit the segment at `sndUna` now (fast retransmit). */
  readonly retransmit: boolean
  /** Restart (true) or stop (false: nothing in flight) the retransmission timer; undefined: leave it. */
  readonly timer: boolean | undefined
}

/** An ACK that echoes no timestamp (`onAck`'s `echoNs`). */
export const NO_ECHO = -1

/**
 * A cumulative ACK up to (not including) segment `ack` arrived at `nowNs`, echoing `echoNs`: the
 * timestamp (TSecr) of the segment it answers, in the sender's clock, or `NO_ECHO`. An echo from the
 * future or from before the clock is the peer's error and gives no sample.
 */
export const onAck = (s: RenoSender, ack: number, nowNs: number, echoNs: number): AckStep => {
  if (ack > s.sndMax) ack = s.sndMax // never acknowledge what was never sent
  if (ack > s.sndUna) {
    const acked = ack - s.sndUna
    const timed = echoNs >= 0 && echoNs <= nowNs ? sampleRtt(s, nowNs - echoNs) : s
    if (s.inRecovery && ack < s.recover) {
      // A partial ACK (RFC 6582 3.2 step 5): the segment it now asks for was lost too. Retransmit it,
      // deflate the window by what was acknowledged and add back the one segment that left, and stay
      // in recovery; the timer restarts, as on every ACK of new data (Linux's tcp_rearm_rto).
      const partial: RenoSender = {
        ...timed, sndUna: ack, sndNxt: Math.max(s.sndNxt, ack), dupAcks: 0, cwnd: Math.max(s.cwnd - acked + 1, 1), retransmits: s.retransmits + 1
      }
      return { sender: partial, retransmit: true, timer: true }
    }
    const cwnd = s.inRecovery
      ? s.ssthresh // a full ACK ends recovery and deflates the window to ssthresh (RFC 6582 3.2 step 5, option 2)
      : !cwndLimited(s)
      ? s.cwnd // the application held the sender back: the window did not prove itself (RFC 2861)
      : s.cwnd < s.ssthresh
      ? s.cwnd + acked // slow start (RFC 5681 3.1, byte counting)
      : s.cwnd + acked / s.cwnd // congestion avoidance: about +1 per RTT
    // After a timeout's go-back-N, the receiver may acknowledge past `sndNxt` what it held out of
    // order: the sender goes on from there, as Linux's snd_una simply moves past it.
    const next: RenoSender = { ...timed, sndUna: ack, sndNxt: Math.max(s.sndNxt, ack), dupAcks: 0, inRecovery: false, cwnd }
    return { sender: next, retransmit: false, timer: next.sndUna < next.sndNxt }
  }
  if (ack === s.sndUna && inFlight(s) > 0) {
    const dupAcks = s.dupAcks + 1
    if (s.inRecovery) return { sender: { ...s, dupAcks, cwnd: s.cwnd + 1 }, retransmit: false, timer: undefined }
    // After a timeout, duplicates of what the go-back-N resent start no recovery (RFC 6582 3.2 step 2).
    if (dupAcks === DUP_ACK_THRESHOLD_ACKS && s.sndUna >= s.recover) {
      const ssthresh = Math.max(inFlight(s) / 2, 2)
      return {
        sender: { ...s, dupAcks, ssthresh, cwnd: ssthresh + DUP_ACK_THRESHOLD_ACKS, inRecovery: true, recover: s.sndMax, retransmits: s.retransmits + 1 },
        retransmit: true,
        timer: true
      }
    }
    return { sender: { ...s, dupAcks }, retransmit: false, timer: undefined }
  }
  return { sender: s, retransmit: false, timer: undefined } // an old ACK
}

/**
 * The retransmission timer expired: collapse the window and go back to the oldest unacknowledged
 * segment; what was sent so far is `recover` (RFC 6582 3.2 step 6).
 */
export const onTimeout = (s: RenoSender): RenoSender =>
  inFlight(s) === 0 ? s : {
    ...s,
    ssthresh: Math.max(inFlight(s) / 2, 2),
    cwnd: 1,
    sndNxt: s.sndUna,
    dupAcks: 0,
    inRecovery: false,
    recover: s.sndMax,
    rtoNs: Math.min(MAX_RTO_NS, s.rtoNs * 2),
    timeouts: s.timeouts + 1
  }
