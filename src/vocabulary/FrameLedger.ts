/**
 * Conservation accounting: every frame the model creates is, at any moment, delivered, dropped
 * with a recorded reason, or in flight. Who accounts for a frame: its final receiver for a unicast
 * frame (application, AP management, endpoint), its sender for a broadcast frame once on the air.
 *
 * A frame's time in flight is bounded by the model (bounded queues, retry limits, timeouts), so a
 * frame still live long after it was created has been lost without a record: it is unaccounted.
 */
import type { Frame } from "./Frame.ts"
import { objectArray } from "../kernel/StableShapes.ts"

export class FrameLedger {
  private nextId = 1
  /**
   * The live frames, each in the slot its `ledgerSlot` names; a settled frame's slot is cleared and
   * reused. A map keyed by id rebuilt its table every few hundred frames, and a table that had
   * outlived two scavenges, dead in the old generation, kept the frames it still named alive until
   * a full collection: in some runs every frame of model (a) was promoted (docs/benchmark.md).
   */
  private readonly slots: Array<Frame | undefined> = objectArray()
  /** Free slots, last freed first. */
  private readonly free: Array<number> = []
  private liveCount = 0
  created = 0
  delivered = 0
  readonly droppedByReason = new Map<string, number>()

  /** Registers the frame as live (a frame registered twice is live once). */
  register(frame: Frame): void {
    this.created++
    if (this.isLive(frame)) return
    const slot = this.free.length > 0 ? this.free.pop()! : this.slots.length
    this.slots[slot] = frame
    frame.ledgerSlot = slot
    this.liveCount++
  }

  nextFrameId(): number {
    return this.nextId++
  }

  /** The least id a frame made from now on can have: every frame made so far has a smaller one. */
  get idsFrom(): number {
    return this.nextId
  }

  /** The frame reached its final receiver (an application, an AP's management logic). */
  deliver(frame: Frame): void {
    if (this.settle(frame)) this.delivered++
  }

  /** The frame was discarded on purpose, for `reason`. */
  drop(frame: Frame, reason: string): void {
    if (this.settle(frame)) this.droppedByReason.set(reason, (this.droppedByReason.get(reason) ?? 0) + 1)
  }

  private isLive(frame: Frame): boolean {
    return frame.ledgerSlot >= 0 && this.slots[frame.ledgerSlot] === frame
  }

  /** Takes a live frame out of its slot; false if it was not live here. */
  private settle(frame: Frame): boolean {
    if (!this.isLive(frame)) return false
    this.slots[frame.ledgerSlot] = undefined
    this.free.push(frame.ledgerSlot)
    frame.ledgerSlot = -1
    this.liveCount--
    return true
  }

  get dropped(): number {
    let n = 0
    for (const v of this.droppedByReason.values()) n += v
    return n
  }

  /** Live frames created more than `maxAgeNs` before `nowNs`: lost without a record. Oldest (lowest id) first. */
  unaccounted(nowNs: number, maxAgeNs: number): ReadonlyArray<Frame> {
    const stuck: Array<Frame> = []
    for (const frame of this.slots) if (frame !== undefined && nowNs - frame.createdNs > maxAgeNs) stuck.push(frame)
    return stuck.sort((a, b) => a.id - b.id)
  }

  get inFlight(): number {
    return this.liveCount
  }
}
