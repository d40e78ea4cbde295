/**
 * One direction of the Ethernet link between an AP and its wired endpoint: a FIFO that serializes
 * each packet at the link's rate, then the one-way latency (`aps[].endpoint`: `wiredRateMbps`,
 * `wiredLatencyUs`). A batch handed over at once (an A-MPDU's frames, an endpoint's paced burst)
 * arrives as one batch when its last packet has: store-and-forward of the batch, not of each packet.
 * What finds the queue full is dropped (`wired-queue-full`), as a sender's device queue drops.
 */
import type { Frame } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"

/** Preamble (7) and start-of-frame delimiter (1) before each frame (IEEE 802.3-2018, 3.1.1 and 4.2.5). */
const ETHERNET_PREAMBLE_BYTES = 8
/** Destination, source and EtherType/length fields (IEEE 802.3-2018, 3.1.1). */
const ETHERNET_HEADER_BYTES = 14
/** The frame check sequence (IEEE 802.3-2018, 3.2.9). */
const ETHERNET_FCS_BYTES = 4
/** The least MAC client data a frame carries, padded up to it (minFrameSize 64 bytes less header and FCS; IEEE 802.3-2018, 3.2.7, 4.4.2). */
const MIN_ETHERNET_PAYLOAD_BYTES = 46
/** The interpacket gap, 96 bit times (IEEE 802.3-2018, 4.4.2). */
const INTERPACKET_GAP_BYTES = 12

/**
 * Packets the sending side queues for the link at most, whatever their size, the one on the wire
 * included: Linux's default device queue (txqueuelen 1000, DEFAULT_TX_QUEUE_LEN, set by ether_setup
 * for every Ethernet device). An estimate for an AP's and an endpoint's wired side, which the seed
 * does not describe.
 */
export const MAX_WIRED_QUEUE_PACKETS = 1000

/** The bytes an IP packet of `packetBytes` takes on an Ethernet link, gap included. */
export const ethernetWireBytes = (packetBytes: number): number =>
  ETHERNET_PREAMBLE_BYTES + ETHERNET_HEADER_BYTES + Math.max(packetBytes, MIN_ETHERNET_PAYLOAD_BYTES) + ETHERNET_FCS_BYTES +
  INTERPACKET_GAP_BYTES

export class WiredLink {
  private readonly nsPerByte: number
  private readonly latencyNs: number
  private readonly ledger: FrameLedger
  /** When each packet in the queue (the one on the wire first) has left it: a ring of `MAX_WIRED_QUEUE_PACKETS`. */
  private readonly leavesNs = new Float64Array(MAX_WIRED_QUEUE_PACKETS)
  private head = 0
  private queued = 0
  /** When the link has sent what it holds. */
  private freeAtNs = 0

  constructor(rateMbps: number, latencyNs: number, ledger: FrameLedger) {
    this.nsPerByte = 8e3 / rateMbps
    this.latencyNs = latencyNs
    this.ledger = ledger
  }

  /**
   * Queues `frames` at `nowNs`, those that fit: the others (a suffix of the batch) are dropped and
   * taken out of `frames`. Returns when the last one queued reaches the other end (virtual ns).
   */
  send(nowNs: number, frames: Array<Frame>): number {
    const ring = this.leavesNs
    this.drain(nowNs)
    let endNs = this.freeAtNs > nowNs ? this.freeAtNs : nowNs
    let kept = 0
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      if (this.queued === MAX_WIRED_QUEUE_PACKETS) {
        this.ledger.drop(f, "wired-queue-full")
        continue
      }
      endNs += ethernetWireBytes(f.payloadBytes) * this.nsPerByte
      ring[(this.head + this.queued) % MAX_WIRED_QUEUE_PACKETS] = endNs
      this.queued++
      frames[kept++] = f
    }
    frames.length = kept
    this.freeAtNs = endNs
    return endNs + this.latencyNs
  }

  /** When the queue has room for a packet again, from `nowNs` on. */
  roomAtNs(nowNs: number): number {
    this.drain(nowNs)
    return this.queued < MAX_WIRED_QUEUE_PACKETS ? nowNs : this.leavesNs[this.head]!
  }

  /** Takes out of the queue what has left it by `nowNs`. */
  private drain(nowNs: number): void {
    const ring = this.leavesNs
    while (this.queued > 0 && ring[this.head]! <= nowNs) {
      this.head = (this.head + 1) % MAX_WIRED_QUEUE_PACKETS
      this.queued--
    }
  }

  /**
   * When a notice with no bytes of its own, sent at `nowNs`, reaches the other end: behind what the
   * link holds, at the same instant as its last packet at the latest, and a timer set later for the
   * same instant fires later, so it overtakes nothing.
   */
  notice(nowNs: number): number {
    return (this.freeAtNs > nowNs ? this.freeAtNs : nowNs) + this.latencyNs
  }
}
