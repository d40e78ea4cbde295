/**
 * A bounded set of receive buffers between a producer of received frames and the consumer that frees
 * them: a card's receive ring (the buffers its driver keeps posted), a guest's own ring behind its
 * device model, a socket's receive queue. A frame takes a buffer when the producer writes it and
 * gives it back once the consumer has handled it; a frame that finds none free is dropped where it
 * is. They bound what a host that falls behind (a receive livelock: interrupts taking the whole core)
 * can owe, as the hardware and the kernel bound it.
 */
import type { Frame } from "./Frame.ts"
import type { FrameLedger } from "./FrameLedger.ts"

/**
 * Receive buffers of a card, and of a guest's ring: iwlwifi's RX_QUEUE_SIZE, 256 (iwl-fh.h): the
 * receive buffer descriptors the driver keeps posted, one frame each.
 */
export const RX_RING_BUFFERS = 256

/**
 * Packets a socket's receive queue holds, natively: 256, the packets Linux sizes a socket's default
 * receive buffer for (net.core.rmem_default = SK_RMEM_MAX = 256 × the overhead of a 256-byte packet,
 * net/core/sock.c). An estimate in packets: the kernel counts bytes (each buffer's true size), so
 * packets larger than 256 bytes fill it sooner than this count does.
 */
export const SOCKET_RX_QUEUE_PACKETS = 256

export class RxBuffers {
  readonly capacity: number
  /** Buffers holding a frame now. */
  used = 0
  /** Frames that found none free. */
  refused = 0

  constructor(capacity: number) {
    if (!(Number.isSafeInteger(capacity) && capacity >= 1)) throw new RangeError(`receive buffers: a whole number, 1 or more, got ${capacity}`)
    this.capacity = capacity
  }

  /**
   * `frames` as far as buffers are free (each takes one), in order; the rest are dropped with `reason`.
   * The same array when all fit (the usual case: nothing is allocated).
   */
  take(frames: ReadonlyArray<Frame>, ledger: FrameLedger, reason: string): ReadonlyArray<Frame> {
    const fit = this.reserve(frames.length)
    if (fit === frames.length) return frames
    for (let i = fit; i < frames.length; i++) ledger.drop(frames[i]!, reason)
    return frames.slice(0, fit)
  }

  /** Takes buffers for as many of `n` frames as fit, and says how many; the others count as refused. */
  reserve(n: number): number {
    const fit = Math.min(n, this.capacity - this.used)
    this.used += fit
    this.refused += n - fit
    return fit
  }

  /**
   * `n` buffers free again. Never below none: buffers a reset posted afresh (a card whose firmware
   * restarted) are not given back twice.
   */
  give(n: number): void {
    this.used = n >= this.used ? 0 : this.used - n
  }
}
