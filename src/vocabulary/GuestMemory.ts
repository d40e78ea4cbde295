/**
 * The part of a guest's memory the card (or a device model) reads by DMA: its size, which bounds
 * every DMA address, and the TX descriptor ring the guest driver fills before ringing the doorbell.
 */
import type { TxDescriptor } from "./CardCommand.ts"

export const PAGE_BYTES = 4096

export class GuestMemory {
  readonly sizeBytes: number
  /** Descriptors written by the driver and not yet read by the card, oldest first. */
  private readonly ring: Array<TxDescriptor> = []
  private head = 0

  constructor(sizeBytes: number) {
    this.sizeBytes = sizeBytes
  }

  /** Driver side: write one descriptor. */
  write(descriptor: TxDescriptor): void {
    this.ring.push(descriptor)
  }

  /** Card side: read up to `count` unread descriptors (fewer if the driver lied about the count). */
  read(count: number): Array<TxDescriptor> {
    const end = Math.min(this.ring.length, this.head + count)
    const out = this.ring.slice(this.head, end)
    this.head = end
    if (this.head > 1024 && this.head * 2 > this.ring.length) {
      this.ring.splice(0, this.head)
      this.head = 0
    }
    return out
  }

  /** The VM reset: unread descriptors are gone with the driver that wrote them. */
  clear(): void {
    this.ring.length = 0
    this.head = 0
  }

  /** Pages a buffer at `address` of `length` bytes spans (what software translation walks). */
  static pagesSpanned(address: number, length: number): number {
    return Math.floor((address + length - 1) / PAGE_BYTES) - Math.floor(address / PAGE_BYTES) + 1
  }
}
