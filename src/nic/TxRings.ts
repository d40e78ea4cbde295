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
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { RetryChain } from "../air/RetryChain.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import type { OfferView } from "./TxScheduler.ts"
import { objectArray } from "../kernel/StableShapes.ts"

/**
 * Frames a vMAC's ring holds at most; more are dropped (`vmac-queue-full`) and reported completed.
 * iwlagn's TX queues hold 256 descriptors (TFD_QUEUE_SIZE_MAX, Linux 2.6.33 iwl-fh.h).
 */
export const VMAC_TX_RING_FRAMES_MAX = 256

class Ring {
  frames: Array<Frame> = objectArray()
  /** Arrival order of each frame (for FIFO across rings). */
  seqs: Array<number> = []
  head = 0
  get size(): number {
    return this.frames.length - this.head
  }
  compact(): void {
    if (this.head > 64 && this.head * 2 > this.frames.length) {
      this.frames = this.frames.slice(this.head)
      this.seqs = this.seqs.slice(this.head)
      this.head = 0
    }
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

  /** The card's data frames are QoS data frames, and its A-MPDUs' airtime limit (how a burst is built). */
  private readonly qos: boolean
  private readonly ampduTimeLimitNs: number

  constructor(vmacs: number, phy: PhyConfig, chain: RetryChain, qos: boolean, ampduTimeLimitNs: number) {
    this.qos = qos
    this.ampduTimeLimitNs = ampduTimeLimitNs
    this.rings = Array.from({ length: vmacs }, () => new Ring())
    this.offerSeq = new Array<number>(vmacs).fill(-1)
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
      ring.frames.splice(ring.head, 0, ...frames)
      ring.seqs.splice(ring.head, 0, ...frames.map(() => seq))
    } else {
      for (let i = 0; i < frames.length; i++) {
        const f = frames[i]!
        if (ring.size >= VMAC_TX_RING_FRAMES_MAX) overflow.push(f)
        else {
          ring.frames.push(f)
          ring.seqs.push(seq)
        }
      }
    }
    this.offerChannel[v] = channel
    this.phy[v] = phy
    this.chain[v] = chain
    if (ring.size > 0) {
      this.offerSeq[v] = ring.seqs[ring.head]!
      if (wasEmpty) this.backlogged++
    }
    return overflow
  }

  /** The next burst of vMAC `v`: what one exchange carries (`Aggregation.ts`), `max` frames at most. */
  takeBurst(v: number, max: number): Array<Frame> {
    const ring = this.rings[v]!
    const q = ring.frames
    const first = ring.head
    const end = first + burstLength(q, first, q.length, { phy: this.phy[v]!, qos: this.qos, framesMax: max, timeLimitNs: this.ampduTimeLimitNs })
    const burst = q.slice(first, end)
    ring.head = end
    this.settle(v, ring)
    return burst
  }

  /** Empties vMAC `v`'s ring; returns what it held. */
  drain(v: number): Array<Frame> {
    const ring = this.rings[v]!
    const out = ring.frames.slice(ring.head)
    ring.head = ring.frames.length
    this.settle(v, ring)
    return out
  }

  private settle(v: number, ring: Ring): void {
    if (ring.size === 0) {
      if (this.offerSeq[v]! >= 0) this.backlogged--
      this.offerSeq[v] = -1
      ring.frames = objectArray()
      ring.seqs = []
      ring.head = 0
    } else {
      this.offerSeq[v] = ring.seqs[ring.head]!
      ring.compact()
    }
  }
}
