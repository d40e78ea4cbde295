/**
 * The part of a guest's memory the card (or a device model) reads by DMA: its size, which bounds
 * every DMA address, and the TX descriptor ring the guest driver fills before ringing the doorbell.
 */
import type { TxDescriptor } from "./CardCommand.ts"
import { appendTo, objectArray } from "../kernel/StableShapes.ts"
import { TX_RING_DESCRIPTORS } from "./ModelConstants.ts"

export const PAGE_BYTES = 4096

export class GuestMemory {
  readonly sizeBytes: number
  /**
   * Descriptors written by the driver, oldest first, from `head` to `tail`; those before `head` are
   * read, their slots emptied at once. Read descriptors kept until the next compaction (about 1,024
   * frames later) were mostly promoted to V8's old generation: a fifth of what a run promoted. The
   * array itself is kept when it empties (its length set to 0 would free it, and the next write
   * would grow a new one: once per doorbell in model (a), issue 14).
   */
  private readonly ring: Array<TxDescriptor | undefined> = objectArray()
  private head = 0
  private tail = 0

  constructor(sizeBytes: number) {
    this.sizeBytes = sizeBytes
  }

  /**
   * Driver side: write one descriptor; false, and nothing written, when the ring already holds
   * `TX_RING_DESCRIPTORS` unread ones (a real ring has that many slots: a driver that counts its
   * outstanding frames never meets it, a hostile one cannot grow it).
   */
  write(descriptor: TxDescriptor): boolean {
    if (this.tail - this.head >= TX_RING_DESCRIPTORS) return false
    this.ring[this.tail++] = descriptor
    return true
  }

  /** Card side: read up to `count` unread descriptors (fewer if the driver lied about the count). */
  read(count: number): Array<TxDescriptor> {
    const end = Math.min(this.tail, this.head + count)
    let out: Array<TxDescriptor> | undefined
    for (let i = this.head; i < end; i++) {
      out = appendTo(out, this.ring[i]!)
      this.ring[i] = undefined
    }
    this.head = end
    if (this.head === this.tail) {
      this.head = 0
      this.tail = 0
    } else if (this.head > 1024 && this.head * 2 > this.tail) {
      // The unread ones move to the front; the slots they leave are emptied.
      this.ring.copyWithin(0, this.head, this.tail)
      this.ring.fill(undefined, this.tail - this.head, this.tail)
      this.tail -= this.head
      this.head = 0
    }
    return out ?? []
  }

  /** The VM reset: unread descriptors are gone with the driver that wrote them. */
  clear(): void {
    this.ring.fill(undefined, this.head, this.tail)
    this.head = 0
    this.tail = 0
  }

  /** Pages a buffer at `address` of `length` bytes spans (what software translation walks). */
  static pagesSpanned(address: number, length: number): number {
    return Math.floor((address + length - 1) / PAGE_BYTES) - Math.floor(address / PAGE_BYTES) + 1
  }
}
