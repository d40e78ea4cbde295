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
 * Full-sized packets the sending side queues for the link at most: Linux's default device queue
 * (txqueuelen 1000, DEFAULT_TX_QUEUE_LEN, set by ether_setup for every Ethernet device). An estimate
 * for an AP's and an endpoint's wired side, which the seed does not describe.
 */
export const MAX_WIRED_QUEUE_PACKETS = 1000
/** The largest IPv4 packet on Ethernet (its MTU, IEEE 802.3-2018 3.2.7: 1500 bytes of MAC client data). */
const ETHERNET_MTU_BYTES = 1500

/** The bytes an IP packet of `packetBytes` takes on an Ethernet link, gap included. */
export const ethernetWireBytes = (packetBytes: number): number =>
  ETHERNET_PREAMBLE_BYTES + ETHERNET_HEADER_BYTES + Math.max(packetBytes, MIN_ETHERNET_PAYLOAD_BYTES) + ETHERNET_FCS_BYTES +
  INTERPACKET_GAP_BYTES

export class WiredLink {
  private readonly nsPerByte: number
  private readonly latencyNs: number
  /** The most time's worth of bytes the queue holds (`MAX_WIRED_QUEUE_PACKETS` full-sized packets). */
  private readonly maxBacklogNs: number
  private readonly ledger: FrameLedger
  /** When the link has sent what it holds. */
  private freeAtNs = 0

  constructor(rateMbps: number, latencyNs: number, ledger: FrameLedger) {
    this.nsPerByte = 8e3 / rateMbps
    this.latencyNs = latencyNs
    this.maxBacklogNs = MAX_WIRED_QUEUE_PACKETS * ethernetWireBytes(ETHERNET_MTU_BYTES) * this.nsPerByte
    this.ledger = ledger
  }

  /**
   * Queues `frames` at `nowNs`, those that fit: the others are dropped and taken out of `frames`.
   * Returns how long until the last one queued reaches the other end.
   */
  send(nowNs: number, frames: Array<Frame>): number {
    let endNs = this.freeAtNs > nowNs ? this.freeAtNs : nowNs
    let kept = 0
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      if (endNs - nowNs >= this.maxBacklogNs) {
        this.ledger.drop(f, "wired-queue-full")
        continue
      }
      endNs += ethernetWireBytes(f.payloadBytes) * this.nsPerByte
      frames[kept++] = f
    }
    frames.length = kept
    this.freeAtNs = endNs
    return endNs - nowNs + this.latencyNs
  }

  /** How long a notice with no bytes of its own takes at `nowNs`: behind what the link holds, so it overtakes nothing. */
  notice(nowNs: number): number {
    return (this.freeAtNs > nowNs ? this.freeAtNs - nowNs : 0) + this.latencyNs
  }
}
