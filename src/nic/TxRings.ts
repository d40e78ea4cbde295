/**
 * The card's TX rings, one per vMAC: the descriptors a vMAC has accepted (checked, IOMMU-translated)
 * and the radio has not sent yet. Hardware, as iwlagn's TFD rings are: the radio's scheduler reads
 * them directly, and they outlive a restart of the card's firmware. Each ring is bounded; what does
 * not fit is handed back to be dropped.
 *
 * For the TX scheduler each ring shows the order in which its head arrived (`headSeq`, -1 when
 * empty) and the channel its frames must go out on.
 */
import { burstLength } from "../air/Aggregation.ts"
import type { AggregationLimits, BurstSize } from "../air/Aggregation.ts"
import { psduExchangeNs } from "../air/Airtime.ts"
import { doubleArray, objectArray } from "../kernel/StableShapes.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { RetryChain } from "../air/RetryChain.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import type { OfferView } from "./TxScheduler.ts"

/**
 * Frames a vMAC's ring holds at most; more are dropped (`vmac-queue-full`) and reported completed.
 * iwlagn's TX queues hold 256 descriptors (TFD_QUEUE_SIZE_MAX, Linux 2.6.33 iwl-fh.h).
 */
export const MAX_VMAC_TX_RING_FRAMES = 256

/**
 * Added to a data frame's arrival order, so that the FIFO across rings (`TxScheduler.ts`) serves a
 * management or power-save frame (`urgent`) before any ring's data, in their arrival order among
 * themselves, as a card sends them from a queue of higher priority (mac80211 sends management frames
 * and power-save nulls by AC_VO; iwlwifi's firmware makes PS-Polls itself). Urgent frames had the
 * data's order, and a PS-Poll or a doze null queued behind two saturated rings waited the 0.23 s their
 * heads had waited, past every deadline of its power save: each doze null given up was queued again at
 * the back, and a VM's downlink stopped for good (campaign seed 482, case 111). 2^40: past any count of
 * frames a run queues, well within a double's integers.
 */
const DATA_AFTER_URGENT = 2 ** 40

/** Slots a ring starts with: a full ring's worth, so a ring grows only past it (urgent frames go in even when full). */
const RING_SLOTS_INITIAL = MAX_VMAC_TX_RING_FRAMES

/**
 * One vMAC's ring: a circular buffer of frames and their arrival order, oldest at `head`. Its slots
 * are allocated once (issue 14: the arrays it replaced were sliced and regrown as frames came and
 * went, and with 16 full rings those copies outlived the young generation).
 */
class Ring {
  frames: Array<Frame | undefined> = new Array(RING_SLOTS_INITIAL).fill(undefined)
  /** Arrival order of each frame (for FIFO across rings). */
  seqs = new Float64Array(RING_SLOTS_INITIAL)
  head = 0
  size = 0

  private slot(i: number): number {
    const at = this.head + i
    return at >= this.frames.length ? at - this.frames.length : at
  }

  /** The arrival order of the oldest frame (only when `size > 0`). */
  get headSeq(): number {
    return this.seqs[this.head]!
  }

  pushBack(f: Frame, seq: number): void {
    if (this.size === this.frames.length) this.grow()
    const at = this.slot(this.size)
    this.frames[at] = f
    this.seqs[at] = seq
    this.size++
  }

  /**
   * Queues an urgent frame behind the urgent frames already at the head (in their arrival order), ahead
   * of every data frame: the urgent ones move one slot toward a new head, and it takes the place after
   * them. Until 2026-12-06 it went to the head, ahead of urgent frames queued earlier: a PS-Poll queued
   * while another waited (one for a beacon's TIM, one for a frame with More Data) was passed by every
   * poll after it, each queued before the radio came back to the ring, and stayed in the ring to the end
   * of the run (an unaccounted frame: campaign seed 825, case 163).
   */
  pushUrgent(f: Frame, seq: number): void {
    if (this.size === this.frames.length) this.grow()
    let urgent = 0
    while (urgent < this.size && this.seqs[this.slot(urgent)]! < DATA_AFTER_URGENT) urgent++
    this.head = this.head === 0 ? this.frames.length - 1 : this.head - 1
    for (let i = 0; i < urgent; i++) {
      const from = this.slot(i + 1)
      const to = this.slot(i)
      this.frames[to] = this.frames[from]
      this.seqs[to] = this.seqs[from]!
    }
    const at = this.slot(urgent)
    this.frames[at] = f
    this.seqs[at] = seq
    this.size++
  }

  /** The oldest `n` frames, in order, left in the ring. */
  peek(n: number): Array<Frame> {
    // One frame (a burst without aggregation) in an array of one: `push` would grow it to 17 slots.
    if (n === 1) return [this.frames[this.head]!]
    const out = objectArray<Frame>()
    for (let i = 0; i < n; i++) out.push(this.frames[this.slot(i)]!)
    return out
  }

  /** Removes the oldest `n` frames. */
  drop(n: number): void {
    for (let i = 0; i < n; i++) this.frames[this.slot(i)] = undefined
    this.head = this.slot(n)
    this.size -= n
    if (this.size === 0) this.head = 0
  }

  /** Doubles the slots, oldest frame first. */
  private grow(): void {
    const frames: Array<Frame | undefined> = new Array(2 * this.frames.length).fill(undefined)
    const seqs = new Float64Array(2 * this.frames.length)
    for (let i = 0; i < this.size; i++) {
      const at = this.slot(i)
      frames[i] = this.frames[at]
      seqs[i] = this.seqs[at]!
    }
    this.frames = frames
    this.seqs = seqs
    this.head = 0
  }
}

export class TxRings implements OfferView {
  private readonly rings: Array<Ring>
  readonly offerSeq: Array<number>
  readonly offerChannel: Array<number>
  readonly phy: Array<PhyConfig>
  /** Each vMAC's retry chain (its first stage is `phy`). */
  readonly chain: Array<RetryChain>
  private seq = 0
  /** Rings with at least one frame. */
  backlogged = 0

  /** How a burst is built (`Aggregation.ts`): the card's QoS and A-MPDU time limit, and per burst its vMAC's rate and the frames allowed. */
  private readonly limits: { -readonly [K in keyof AggregationLimits]: AggregationLimits[K] }
  private readonly burstSize: BurstSize = { psduBytes: 0 }

  constructor(vmacs: number, phy: PhyConfig, chain: RetryChain, qos: boolean, ampduTimeLimitNs: number) {
    this.limits = { phy, qos, framesMax: 1, timeLimitNs: ampduTimeLimitNs }
    this.rings = Array.from({ length: vmacs }, () => new Ring())
    this.offerSeq = doubleArray(vmacs, -1)
    this.offerChannel = new Array<number>(vmacs).fill(0)
    this.phy = new Array<PhyConfig>(vmacs).fill(phy)
    this.chain = new Array<RetryChain>(vmacs).fill(chain)
  }

  size(v: number): number {
    return this.rings[v]!.size
  }

  /**
   * Queues `frames` of vMAC `v` to go out on `channel` at `phy` by `chain` (`urgent`: ahead of its
   * queued data, as management frames are). Returns the frames that did not fit.
   */
  push(v: number, frames: ReadonlyArray<Frame>, channel: number, phy: PhyConfig, chain: RetryChain, urgent: boolean): Array<Frame> {
    const ring = this.rings[v]!
    const wasEmpty = ring.size === 0
    const seq = ++this.seq
    const overflow: Array<Frame> = []
    if (urgent) {
      // Ahead of the queued data, behind urgent frames queued before, in their own order; across
      // rings, ahead of every ring's data too.
      for (let i = 0; i < frames.length; i++) ring.pushUrgent(frames[i]!, seq)
    } else {
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!
        if (ring.size >= MAX_VMAC_TX_RING_FRAMES) overflow.push(f)
        else ring.pushBack(f, DATA_AFTER_URGENT + seq)
      }
    }
    this.offerChannel[v] = channel
    this.phy[v] = phy
    this.chain[v] = chain
    if (ring.size > 0) {
      this.offerSeq[v] = ring.headSeq
      if (wasEmpty) this.backlogged++
    }
    return overflow
  }

  /** The next burst of vMAC `v`: what one exchange carries (`Aggregation.ts`), `max` frames at most. */
  takeBurst(v: number, max: number): Array<Frame> {
    const burst = this.nextBurst(v, max, undefined)
    const ring = this.rings[v]!
    ring.drop(burst.length)
    this.settle(v, ring)
    return burst
  }

  /**
   * The airtime of the exchange `takeBurst(v, max)` would start now, contention aside: its PPDU, SIFS,
   * and the Ack or BlockAck (`Airtime.psduExchangeNs`). The ring is left as it is.
   */
  burstExchangeNs(v: number, max: number): number {
    const n = this.nextBurst(v, max, this.burstSize).length
    return psduExchangeNs(this.phy[v]!, this.burstSize.psduBytes, n > 1)
  }

  /** The frames at the head of vMAC `v`'s ring that one exchange carries, left in the ring; their PSDU to `size`. */
  private nextBurst(v: number, max: number, size: BurstSize | undefined): Array<Frame> {
    const ring = this.rings[v]!
    const burst = ring.peek(Math.min(max, ring.size))
    const limits = this.limits
    limits.phy = this.phy[v]!
    limits.framesMax = max
    burst.length = burstLength(burst, 0, burst.length, limits, size)
    return burst
  }

  /** Empties vMAC `v`'s ring; returns what it held. */
  drain(v: number): Array<Frame> {
    const ring = this.rings[v]!
    const out = ring.peek(ring.size)
    ring.drop(ring.size)
    this.settle(v, ring)
    return out
  }

  private settle(v: number, ring: Ring): void {
    if (ring.size === 0) {
      if (this.offerSeq[v]! >= 0) this.backlogged--
      this.offerSeq[v] = -1
    } else {
      this.offerSeq[v] = ring.headSeq
    }
  }
}
