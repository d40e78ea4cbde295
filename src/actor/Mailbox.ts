/**
 * An actor's bounded mailbox: a ring buffer, at most one waiting reader (the actor), and, for the
 * `wait` overflow policy, a FIFO of senders waiting for room. Wake-ups go through the kernel's run
 * queue, never by running the woken fiber inside the sender's step, so delivery order is FIFO and
 * deterministic and stacks stay flat.
 */
import * as Effect from "effect/Effect"
import type { Kernel } from "../kernel/Kernel.ts"

/** What a full mailbox does with one more message: make the sender wait, or drop the message. */
export type Overflow = "wait" | "drop"

interface WaitingSender<M> {
  readonly message: M
  resume: ((effect: Effect.Effect<void>) => void) | undefined
}

/**
 * Slots a ring starts with; it doubles when full, up to the capacity. Capacities go up to 65,536
 * messages, which a run rarely queues: allocating them whole cost every run (and every campaign
 * case) megabytes of arrays to clear and collect (issue 14).
 */
export const INITIAL_RING_SLOTS = 16

/**
 * A ring grown past this many slots goes back to `INITIAL_RING_SLOTS` once empty: a flood (a fault,
 * a burst) would otherwise keep its peak allocated for the rest of the run, and a soak meets one
 * for another actor every few hours.
 */
export const MAX_RING_KEPT_SLOTS = 1024

export class Mailbox<M> {
  readonly capacity: number
  /** Largest number of queued messages seen. */
  highWater = 0
  /** Set when the owner stops; offers fail from then on. */
  closed = false

  private buffer: Array<M | undefined>
  private head = 0
  private count = 0
  private readonly kernel: Kernel
  private readonly owner: string
  private reader: ((effect: Effect.Effect<void>) => void) | undefined = undefined
  private wakePending = false
  private readonly senders: Array<WaitingSender<M>> = []

  /** Suspends the reader until a message is queued (reused: effects are descriptions). */
  readonly awaitMessage: Effect.Effect<void>
  /**
   * When set, a message arriving while the reader waits schedules this instead of waking the
   * reader: the owner handles what it can without resuming its fiber (see `Actor.ts`).
   */
  drainer: (() => void) | undefined = undefined

  /** `owner` names the actor: the kernel blames it for wake-ups that never let time advance. */
  constructor(kernel: Kernel, capacity: number, owner: string) {
    // A mailbox of no slot never delivers (its sender waits forever); a fractional one cannot be allocated.
    if (!(Number.isSafeInteger(capacity) && capacity >= 1)) throw new RangeError(`the mailbox of ${owner}: capacity must be a whole number of messages, 1 or more, got ${capacity}`)
    this.kernel = kernel
    this.owner = owner
    this.capacity = capacity
    this.buffer = new Array(Math.min(capacity, INITIAL_RING_SLOTS))
    const forgetReader = Effect.sync(() => {
      this.reader = undefined
    })
    this.awaitMessage = Effect.callback<void>((resume) => {
      if (this.count > 0) return resume(Effect.void)
      this.reader = resume
      return forgetReader
    })
  }

  get size(): number {
    return this.count
  }

  /** Slots the ring has now (it grows to the capacity and shrinks once empty). */
  get ringSlots(): number {
    return this.buffer.length
  }

  /** Queues `message` if there is room; false when full or closed (the caller records the drop). */
  offer(message: M): boolean {
    if (this.closed || this.count >= this.capacity) return false
    this.push(message)
    return true
  }

  /** Queues `message`, waiting for room if the mailbox is full. False if it is or becomes closed. */
  offerWaiting(message: M): Effect.Effect<boolean> {
    if (this.offer(message)) return Effect.succeed(true)
    if (this.closed) return Effect.succeed(false)
    return Effect.callback<boolean>((resume) => {
      const sender: WaitingSender<M> = {
        message,
        resume: resume as (effect: Effect.Effect<void>) => void
      }
      this.senders.push(sender)
      return Effect.sync(() => {
        sender.resume = undefined
      })
    })
  }

  /** Removes and returns the oldest message. Only call when `size > 0`. */
  take(): M {
    if (this.count === 0) throw new Error("Mailbox.take on an empty mailbox")
    const message = this.buffer[this.head]!
    this.buffer[this.head] = undefined
    this.head = this.head + 1 === this.buffer.length ? 0 : this.head + 1
    if (--this.count === 0 && this.buffer.length > MAX_RING_KEPT_SLOTS) {
      this.buffer = new Array(INITIAL_RING_SLOTS)
      this.head = 0
    }
    this.admitWaitingSender()
    return message
  }

  /** Closes the mailbox and returns everything still queued or waiting to be queued. */
  close(): Array<M> {
    this.closed = true
    const left: Array<M> = []
    while (this.count > 0) left.push(this.take())
    for (const sender of this.senders.splice(0)) {
      if (sender.resume === undefined) continue
      left.push(sender.message)
      const resume = sender.resume as unknown as (effect: Effect.Effect<boolean>) => void
      this.kernel.enqueue(() => resume(Effect.succeed(false)))
    }
    return left
  }

  private push(message: M): void {
    if (this.count === this.buffer.length) this.grow()
    let tail = this.head + this.count
    if (tail >= this.buffer.length) tail -= this.buffer.length
    this.buffer[tail] = message
    if (++this.count > this.highWater) this.highWater = this.count
    // One wake-up per wait: a second one would resume the reader's *next* wait on an empty box.
    if (this.reader !== undefined && !this.wakePending) {
      this.wakePending = true
      this.kernel.enqueue(this.drainer ?? this.wakeReader, this.owner)
    }
  }

  /** Doubles the ring (never past the capacity: `offer` refuses first), oldest message first. */
  private grow(): void {
    const old = this.buffer
    const ring: Array<M | undefined> = new Array(Math.min(this.capacity, 2 * old.length))
    for (let i = 0; i < this.count; i++) {
      const at = this.head + i
      ring[i] = old[at >= old.length ? at - old.length : at]
    }
    this.buffer = ring
    this.head = 0
  }

  private readonly wakeReader = (): void => {
    this.wakePending = false
    this.resumeReader()
  }

  /** The drainer has started: a later arrival must schedule it again. */
  drainStarted(): void {
    this.wakePending = false
  }

  /** Resumes the waiting reader now (from a kernel task, never from inside another fiber's step). */
  resumeReader(): void {
    const reader = this.reader
    this.reader = undefined
    if (reader !== undefined) reader(Effect.void)
  }

  private admitWaitingSender(): void {
    while (this.senders.length > 0 && this.count < this.capacity) {
      const sender = this.senders.shift()!
      if (sender.resume === undefined) continue // it gave up (interrupted)
      const resume = sender.resume as unknown as (effect: Effect.Effect<boolean>) => void
      sender.resume = undefined
      this.push(sender.message)
      this.kernel.enqueue(() => resume(Effect.succeed(true)))
    }
  }
}
