/**
 * CUBIC v2.3 with HyStart, Linux 2.6.33's default congestion control (net/ipv4/tcp_cubic.c,
 * `tcp_congestion_control` "cubic"), as pure functions of its per-connection state, counted in
 * segments and in the kernel's clock ticks (jiffies). What it decides:
 *
 * - **Slow start** (`cwnd ≤ ssthresh`): Linux's `tcp_slow_start` with `tcp_abc` 0 (its default): one
 *   segment more per ACK of new data, whatever the ACK covers, so a receiver's delayed ACKs make the
 *   window grow by about half per round trip, not double it.
 * - **HyStart** ends slow start early, once the window has at least `HYSTART_LOW_WINDOW_SEGMENTS`: on
 *   an ACK train as long as half the smallest RTT seen, or on a round's smallest RTT rising above that
 *   smallest by a threshold. Its RTT samples are whole jiffies (`tcp_clean_rtx_queue` gives one only
 *   when the ACK's newest acknowledged segment was sent in an earlier jiffy), so on a LAN whose round
 *   trip is under one jiffy the smallest RTT reads as one jiffy, half of it as none, and the ACK train
 *   is "found" at the first sample: 2.6.33 leaves slow start at 16 segments there (Linux 2.6.39 and
 *   3.0 changed HyStart to a microsecond clock for that reason).
 * - **Congestion avoidance**: the window follows W(t) = C·(t − K)³ + Wmax from the last loss
 *   (C = 0.4 with its RTT term fixed at 100 ms, K the time to climb back to Wmax), never slower than
 *   the window Reno would have (`tcp_friendliness`), one segment per `cnt` ACKs, `cnt` corrected for
 *   the ACKs' average coverage (the delayed-ACK ratio).
 * - **On a loss** the threshold is 717/1024 of the window (`beta`); with `fast_convergence` a window
 *   that fell short of the last Wmax lowers Wmax further. A timeout (the Loss state) resets all of it.
 *
 * Its integer arithmetic is Linux's (u32 divisions floor), but the cube root is exact where Linux's
 * table and one Newton step are within 0.2%, and the cubic term is a double where Linux's u64 product
 * would overflow past about 25 s above K (a window far past any the model's paths allow).
 */

/**
 * One jiffy, ns: HZ 250, the default of Linux 2.6.33's `kernel/Kconfig.hz` (`default HZ_250`). The seed
 * does not give its hosts' HZ; an assumption. Every TCP host's clock ticks in phase with virtual time.
 */
export const JIFFY_NS = 4_000_000
/** Jiffies a second (HZ). */
const HZ = 1e9 / JIFFY_NS

/** `beta`, scaled by 1024 (`BICTCP_BETA_SCALE`): the threshold after a loss is 717/1024 of the window (tcp_cubic.c). */
export const CUBIC_BETA_1024 = 717
const BETA_SCALE = 1024
/** `bic_scale` 41: with the RTT term fixed at 100 ms (`cube_rtt_scale` = 41·10), C = 0.4 segments per s³ (tcp_cubic.c). */
const CUBE_RTT_SCALE = 41 * 10
/** `BICTCP_HZ`: CUBIC's time runs in 1/2^10 s. */
const CUBIC_TIME_SHIFT = 10
/** `cube_factor` = 2^(10 + 3·BICTCP_HZ) / (bic_scale · 10), for K = ∛(cube_factor · (Wmax − cwnd)). */
const CUBE_FACTOR = Math.floor(2 ** (10 + 3 * CUBIC_TIME_SHIFT) / CUBE_RTT_SCALE)
/** `beta_scale` = 8·(1024 + beta) / 3 / (1024 − beta), integer steps: Reno's estimate grows by one every cwnd·15/8 ACKs. */
const FRIENDLY_SCALE = Math.floor(Math.floor((8 * (BETA_SCALE + CUBIC_BETA_1024)) / 3) / (BETA_SCALE - CUBIC_BETA_1024))
/** `cnt` is recomputed at most every HZ/32 jiffies while the window stays the same (`bictcp_update`). */
const CNT_REFRESH_JIFFIES = Math.floor(HZ / 32)
/** `ACK_RATIO_SHIFT`: the delayed-ACK ratio is kept ×16; it starts at 2 segments an ACK. */
const ACK_RATIO_SHIFT = 4
const INITIAL_DELAYED_ACK = 2 << ACK_RATIO_SHIFT

/** `hystart_low_window`: HyStart looks only at windows of at least this many segments. */
export const HYSTART_LOW_WINDOW_SEGMENTS = 16
/** `HYSTART_MIN_SAMPLES`: RTT samples a round takes before its smallest counts. */
const HYSTART_MIN_SAMPLES = 8
/** Linux's `HYSTART_DELAY_MIN` and `_MAX`, in its RTT unit (an eighth of a jiffy): the delay threshold's bounds, 2 and 16 jiffies. */
const HYSTART_DELAY_MIN_EIGHTH_JIFFIES = 2 << 3
const HYSTART_DELAY_MAX_EIGHTH_JIFFIES = 16 << 3
/** `msecs_to_jiffies(2)`: ACKs this close (in jiffies, rounded up) extend an ACK train. */
const ACK_TRAIN_GAP_JIFFIES = Math.ceil(2e6 / JIFFY_NS)

/** Which of HyStart's tests ended slow start (`found`, a bit set: both are on, `hystart_detect` 3). */
export const HYSTART_ACK_TRAIN = 1
export const HYSTART_DELAY = 2

/** No epoch, or no time yet (Linux's 0). */
const NONE = -1

export interface CubicState {
  /** ACKs per segment of growth in congestion avoidance. */
  readonly cnt: number
  /** Wmax: the window at the last loss (lowered by fast convergence), 0 before any. */
  readonly lastMaxCwnd: number
  /** The window and time (jiffies) `cnt` was last computed for. */
  readonly lastCwnd: number
  readonly lastTimeJiffies: number
  /** The cubic's plateau and the time to reach it from the epoch's start, 1/1024 s. */
  readonly originPoint: number
  readonly k: number
  /** The smallest RTT sample, jiffies × 8 (0: none). */
  readonly delayMin: number
  /** When congestion avoidance's epoch began (jiffies; `NONE` until the first ACK after a loss). */
  readonly epochStartJiffies: number
  /** ACKs in the epoch not yet turned into Reno's estimated window, and that estimate. */
  readonly ackCnt: number
  readonly tcpCwnd: number
  /** Segments an ACK covers, ×16, averaged (`delayed_ack`). */
  readonly delayedAck: number
  /** HyStart: what ended slow start (a bit set, 0 while it goes on), the round's start, end and ACK train, its smallest RTT and samples. */
  readonly found: number
  readonly roundStartJiffies: number
  readonly endSeq: number
  readonly lastJiffies: number
  readonly currRtt: number
  readonly sampleCnt: number
}

/** The state of a connection that starts at `nowJiffies` with `sndNxt` its next segment (`bictcp_init`), or after a timeout (`bictcp_state` on Loss). */
export const start = (nowJiffies: number, sndNxt: number): CubicState => ({
  cnt: 0, lastMaxCwnd: 0, lastCwnd: 0, lastTimeJiffies: NONE, originPoint: 0, k: 0, delayMin: 0, epochStartJiffies: NONE,
  ackCnt: 0, tcpCwnd: 0, delayedAck: INITIAL_DELAYED_ACK, found: 0,
  roundStartJiffies: nowJiffies, endSeq: sndNxt, lastJiffies: nowJiffies, currRtt: 0, sampleCnt: 0
})

/** The jiffy a virtual time falls in. */
export const jiffiesOf = (nowNs: number): number => Math.floor(nowNs / JIFFY_NS)

/** A window and its ACK count towards growth (`snd_cwnd`, `snd_cwnd_cnt`), and the threshold. */
export interface Window {
  readonly cwnd: number
  readonly cwndCnt: number
  readonly ssthresh: number
  readonly cc: CubicState
}

/**
 * An ACK acknowledged `segments` segments (`bictcp_acked`): the delayed-ACK ratio follows it while the
 * connection is `open` (no recovery, no timeout's aftermath); an RTT sample of `rttJiffies` (−1: none,
 * as when the ACK covers a resent segment or came within the jiffy its segment left in) feeds the
 * smallest RTT and, in slow start, HyStart, which may set the threshold to the window.
 */
export const acked = (w: Window, segments: number, rttJiffies: number, open: boolean, nowJiffies: number): Window => {
  let cc = w.cc
  if (open) {
    const ratio = cc.delayedAck - (cc.delayedAck >> ACK_RATIO_SHIFT) + segments
    cc = { ...cc, delayedAck: ratio & 0xffff } // a u16
  }
  if (rttJiffies <= 0) return cc === w.cc ? w : { ...w, cc }
  // Samples right after a loss's epoch began are left out (within one second of it).
  if (cc.epochStartJiffies !== NONE && nowJiffies - cc.epochStartJiffies < HZ) return cc === w.cc ? w : { ...w, cc }
  const delay = rttJiffies << 3
  if (cc.delayMin === 0 || cc.delayMin > delay) cc = { ...cc, delayMin: delay }
  if (w.cwnd <= w.ssthresh && w.cwnd >= HYSTART_LOW_WINDOW_SEGMENTS) return hystartUpdate({ ...w, cc }, delay, nowJiffies)
  return cc === w.cc ? w : { ...w, cc }
}

const hystartUpdate = (w: Window, delay: number, nowJiffies: number): Window => {
  const c = w.cc
  if (c.found !== 0) return w
  let { found, lastJiffies, currRtt, sampleCnt } = c
  // An ACK train: ACKs this close together for as long as half the smallest RTT.
  if (nowJiffies - lastJiffies <= ACK_TRAIN_GAP_JIFFIES) {
    lastJiffies = nowJiffies
    if (nowJiffies - c.roundStartJiffies >= c.delayMin >> 4) found |= HYSTART_ACK_TRAIN
  }
  // The round's smallest RTT over its first samples, then against the smallest ever.
  if (sampleCnt < HYSTART_MIN_SAMPLES) {
    if (currRtt === 0 || currRtt > delay) currRtt = delay
    sampleCnt++
  } else if (currRtt > c.delayMin + Math.min(Math.max(c.delayMin >> 4, HYSTART_DELAY_MIN_EIGHTH_JIFFIES), HYSTART_DELAY_MAX_EIGHTH_JIFFIES)) {
    found |= HYSTART_DELAY
  }
  const cc = { ...c, found, lastJiffies, currRtt, sampleCnt }
  return { ...w, cc, ssthresh: found !== 0 ? w.cwnd : w.ssthresh }
}

/**
 * The window grows on an ACK of new data (`bictcp_cong_avoid`; the caller has checked that the window
 * limits the sender): in slow start one segment, a new HyStart round beginning once `ack` passes the
 * last round's end; in congestion avoidance one segment per `cnt` ACKs (`tcp_cong_avoid_ai`).
 */
export const grow = (w: Window, ack: number, sndNxt: number, nowJiffies: number): Window => {
  if (w.cwnd <= w.ssthresh) {
    let cc = w.cc
    if (ack > cc.endSeq) cc = { ...cc, roundStartJiffies: nowJiffies, lastJiffies: nowJiffies, endSeq: sndNxt, currRtt: 0, sampleCnt: 0 }
    // tcp_slow_start: cnt = cwnd, so one segment per ACK.
    let cwnd = w.cwnd
    let cwndCnt = w.cwndCnt + cwnd
    while (cwndCnt >= cwnd) {
      cwndCnt -= cwnd
      cwnd++
    }
    return { ...w, cwnd, cwndCnt, cc }
  }
  const cc = update(w.cc, w.cwnd, nowJiffies)
  if (w.cwndCnt >= cc.cnt) return { ...w, cc, cwnd: w.cwnd + 1, cwndCnt: 0 }
  return { ...w, cc, cwndCnt: w.cwndCnt + 1 }
}

/** `bictcp_update`: the ACKs per segment of growth, from the cubic and from Reno's estimate. */
const update = (c: CubicState, cwnd: number, nowJiffies: number): CubicState => {
  const ackCnt = c.ackCnt + 1
  if (c.lastCwnd === cwnd && c.lastTimeJiffies !== NONE && nowJiffies - c.lastTimeJiffies <= CNT_REFRESH_JIFFIES) return { ...c, ackCnt }
  let s = { ...c, ackCnt, lastCwnd: cwnd, lastTimeJiffies: nowJiffies }
  if (s.epochStartJiffies === NONE) {
    // A new epoch: the cubic's plateau is Wmax, reached K from now (at once when the window is there).
    const below = s.lastMaxCwnd > cwnd
    s = {
      ...s,
      epochStartJiffies: nowJiffies,
      ackCnt: 1,
      tcpCwnd: cwnd,
      k: below ? Math.floor(Math.cbrt(CUBE_FACTOR * (s.lastMaxCwnd - cwnd))) : 0,
      originPoint: below ? s.lastMaxCwnd : cwnd
    }
  }
  // Time since the epoch, one smallest RTT ahead, in 1/1024 s.
  const t = Math.floor(((nowJiffies + (s.delayMin >> 3) - s.epochStartJiffies) * 2 ** CUBIC_TIME_SHIFT) / HZ)
  const offs = t < s.k ? s.k - t : t - s.k
  const delta = Math.floor((CUBE_RTT_SCALE * offs * offs * offs) / 2 ** (10 + 3 * CUBIC_TIME_SHIFT))
  const target = t < s.k ? s.originPoint - delta : s.originPoint + delta
  let cnt = target > cwnd ? Math.floor(cwnd / (target - cwnd)) : 100 * cwnd
  // Never slower than Reno: its window, estimated from the ACKs of the epoch.
  let tcpCwnd = s.tcpCwnd
  let left = s.ackCnt
  const perSegment = (cwnd * FRIENDLY_SCALE) >> 3
  while (left > perSegment) {
    left -= perSegment
    tcpCwnd++
  }
  if (tcpCwnd > cwnd) cnt = Math.min(cnt, Math.floor(cwnd / (tcpCwnd - cwnd)))
  cnt = Math.floor((cnt << ACK_RATIO_SHIFT) / s.delayedAck)
  return { ...s, ackCnt: left, tcpCwnd, cnt: cnt === 0 ? 1 : cnt }
}

/**
 * A loss was detected with the window at `cwnd` (`bictcp_recalc_ssthresh`): the epoch ends, Wmax is
 * the window (less, with fast convergence, when it fell short of the last Wmax), and the threshold is
 * 717/1024 of the window, two segments at least.
 */
export const onLoss = (c: CubicState, cwnd: number): { readonly cc: CubicState; readonly ssthresh: number } => ({
  cc: {
    ...c,
    epochStartJiffies: NONE,
    lastMaxCwnd: cwnd < c.lastMaxCwnd ? Math.floor((cwnd * (BETA_SCALE + CUBIC_BETA_1024)) / (2 * BETA_SCALE)) : cwnd
  },
  ssthresh: Math.max(Math.floor((cwnd * CUBIC_BETA_1024) / BETA_SCALE), 2)
})
