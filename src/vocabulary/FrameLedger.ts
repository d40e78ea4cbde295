/**
 * Conservation accounting: every frame the model creates is, at any moment, delivered, dropped
 * with a recorded reason, or in flight. Who accounts for a frame: its final receiver for a unicast
 * frame (application, AP management, endpoint), its sender for a broadcast frame once on the air.
 *
 * A frame's time in flight is bounded by the model (bounded queues, retry limits, timeouts), so a
 * frame still live long after it was created has been lost without a record: it is unaccounted.
 */
import type { Frame } from "./Frame.ts"

export class FrameLedger {
  private nextId = 1
  private readonly live = new Map<number, Frame>()
  created = 0
  delivered = 0
  readonly droppedByReason = new Map<string, number>()

  /** A fresh frame id; registers the frame as live. */
  register(frame: Frame): void {
    this.created++
    this.live.set(frame.id, frame)
  }

  nextFrameId(): number {
    return this.nextId++
  }

  /** The frame reached its final receiver (an application, an AP's management logic). */
  deliver(frame: Frame): void {
    if (this.live.delete(frame.id)) this.delivered++
  }

  /** The frame was discarded on purpose, for `reason`. */
  drop(frame: Frame, reason: string): void {
    if (this.live.delete(frame.id)) this.droppedByReason.set(reason, (this.droppedByReason.get(reason) ?? 0) + 1)
  }

  get dropped(): number {
    let n = 0
    for (const v of this.droppedByReason.values()) n += v
    return n
  }

  /** Live frames created more than `maxAgeNs` before `nowNs`: lost without a record. */
  unaccounted(nowNs: number, maxAgeNs: number): ReadonlyArray<Frame> {
    const stuck: Array<Frame> = []
    for (const frame of this.live.values()) if (nowNs - frame.createdNs > maxAgeNs) stuck.push(frame)
    return stuck
  }

  get inFlight(): number {
    return this.live.size
  }
}
