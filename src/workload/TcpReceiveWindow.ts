/**
 * The window a TCP receiver offers, as Linux 2.6.33 sizes it, in segments of the connection's data
 * size: window scaling (RFC 7323 2) lets it pass 64 KiB, and the receive buffer grows with what the
 * application reads a round trip (dynamic right-sizing, `tcp_rcv_space_adjust` in
 * net/ipv4/tcp_input.c), up to `tcp_rmem[2]`. The offer is the lesser of two bounds that only grow:
 *
 * - `rcv_ssthresh`, from the first SYN's 4 segments (`tcp_select_initial_window`), two segments larger
 *   for each segment that arrives in order (`tcp_grow_window`, for segments whose buffers are not
 *   wasteful: how far it grows with wasteful ones depends on the guest driver's receive buffers,
 *   which the model does not have);
 * - the window clamp, 65,535 bytes from `tcp_rmem[1]`'s 87,380 (`tcp_win_from_space` with
 *   `tcp_adv_win_scale` 2 keeps 3/4), and then, once a round trip (the receiver's own estimate from
 *   the timestamps its segments echo, `tcp_rcv_rtt_measure_ts`), twice what the application read in
 *   it, when that is more.
 *
 * The application reads every segment as it becomes in order (the model's applications do), so the
 * buffer never holds more than what waits beyond a hole, and Linux's free-space bound does not bind
 * before these two. Pure functions; `TcpReceiver` keeps one per connection.
 */

/** `tcp_rmem[1]`, 87,380 bytes, of which `tcp_win_from_space` offers 3/4 (`tcp_adv_win_scale` 2): Linux 2.6.33's defaults. */
export const INITIAL_WINDOW_CLAMP_BYTES = 65_535
/**
 * The largest window: `tcp_rmem[2]`, 4 MiB in Linux 2.6.33 on a host with enough memory (`tcp_init`:
 * max(87,380, min(4 MiB, a share of memory))), of which `tcp_win_from_space` offers 3/4. Dynamic
 * right-sizing stops where the buffer's estimate of per-segment memory (`rcvmem`: the MSS, the headers
 * and the sk_buff, about 2 KB for 1,460 bytes: an estimate) reaches 4 MiB, about 3.06 MB of window:
 * within 3% of this.
 */
export const MAX_WINDOW_BYTES = (4 * 1024 * 1024 * 3) / 4
/**
 * The first SYN's window: 4 segments for an MSS up to 1,460 (`tcp_select_initial_window`, RFC 2414's
 * initial window; `tcp_connect_init` passes it the MSS less the timestamps option, a full segment's data).
 */
export const INITIAL_WINDOW_SEGMENTS = 4
/** `rcv_ssthresh` grows by this many segments for each segment that arrives in order (`tcp_grow_window`: 2 × advmss). */
export const GROWTH_PER_SEGMENT_SEGMENTS = 2
/**
 * The window scale a Linux 2.6.33 host asks for: the smallest shift that brings `tcp_rmem[2]` (4 MiB)
 * under 65,536 (`tcp_select_initial_window`). The capture writes the window field with it.
 */
export const WINDOW_SCALE_SHIFT = 7
/** The receiver's RTT estimate takes this share of each new sample (`tcp_rcv_rtt_update` with timestamps: 1/8). */
const RTT_GAIN = 1 / 8
/** The least RTT sample: one tick of Linux's timestamps (a jiffy at HZ = 1000; `tcp_rcv_rtt_update` takes 0 as 1). */
const MIN_RTT_SAMPLE_NS = 1_000_000

export interface ReceiveWindow {
  /** `rcv_ssthresh`, segments. */
  readonly ssthresh: number
  /** The window clamp, segments. */
  readonly clamp: number
  /** The largest clamp, segments (`MAX_WINDOW_BYTES`). */
  readonly max: number
  /** The receiver's RTT estimate, ns; 0 before any sample. */
  readonly rttNs: number
  /** `rcvq_space.space`: the most read in one measured round trip, doubled, segments. */
  readonly space: number
  /** When the current measurement began (−1 before the first read) and where the reads stood then. */
  readonly measureNs: number
  readonly measureSeq: number
}

/** The window of a new connection whose full segments carry `segmentBytes` of data. */
export const initialWindow = (segmentBytes: number): ReceiveWindow => {
  const ssthresh = INITIAL_WINDOW_SEGMENTS
  return {
    ssthresh,
    clamp: Math.max(ssthresh, Math.floor(INITIAL_WINDOW_CLAMP_BYTES / segmentBytes)),
    max: Math.max(ssthresh, Math.floor(MAX_WINDOW_BYTES / segmentBytes)),
    rttNs: 0,
    space: ssthresh,
    measureNs: -1,
    measureSeq: 0
  }
}

/** The window offered beyond the cumulative ACK, segments. */
export const offered = (w: ReceiveWindow): number => Math.min(w.ssthresh, w.clamp)

/**
 * A segment arrived in order at `nowNs`, echoing `echoNs` (its TSecr, or −1), and the application has
 * now read everything before `rcvNxt`: the RTT estimate takes the sample, `rcv_ssthresh` grows, and
 * once a measured round trip has passed since the last measurement, the clamp grows to twice what
 * was read in it if that is more (`tcp_rcv_space_adjust`).
 */
export const onInOrder = (w: ReceiveWindow, rcvNxt: number, nowNs: number, echoNs: number): ReceiveWindow => {
  let rttNs = w.rttNs
  if (echoNs >= 0 && echoNs <= nowNs) {
    const sample = Math.max(nowNs - echoNs, MIN_RTT_SAMPLE_NS)
    rttNs = rttNs === 0 ? sample : rttNs + RTT_GAIN * (sample - rttNs)
  }
  const ssthresh = Math.min(w.ssthresh + GROWTH_PER_SEGMENT_SEGMENTS, w.clamp)
  if (w.measureNs < 0) return { ...w, rttNs, ssthresh, measureNs: nowNs, measureSeq: rcvNxt }
  if (rttNs === 0 || nowNs - w.measureNs < rttNs) return { ...w, rttNs, ssthresh }
  const space = Math.max(w.space, 2 * (rcvNxt - w.measureSeq))
  const clamp = Math.min(Math.max(w.clamp, space), w.max)
  return { ...w, rttNs, ssthresh: Math.min(w.ssthresh + GROWTH_PER_SEGMENT_SEGMENTS, clamp), clamp, space, measureNs: nowNs, measureSeq: rcvNxt }
}
