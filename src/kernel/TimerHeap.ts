/**
 * The kernel's pending timers: a binary min-heap ordered by (virtual time, insertion sequence), so
 * timers due at the same instant fire in the order they were set. Cancelled timers are removed
 * lazily and the heap is compacted when they outnumber the live ones, so long runs whose timeouts
 * are mostly cancelled (asks, watchdogs) keep a bounded heap. A timer set again and again (the
 * core's next event) can instead be moved in place (`reschedule`): the same order as cancelling it
 * and setting a new one, without a dead entry or a new object each time. A timer that only delivers a
 * message (`pushMessage`: an actor's self-timer, a frame arriving down a wire) keeps the target and the
 * message in its entry instead of a closure over them: no closure per packet on the hot paths.
 */
import { objectArray } from "./StableShapes.ts"

/** Where a message timer delivers: an actor's address, as `actor/Port.ts`'s `Port` is. */
export interface TimerTarget {
  readonly tellUnsafe: (message: never) => boolean
}

/** The `fire` of a message timer: the kernel delivers its `message` to its `target` instead of calling it. */
export const DELIVER_MESSAGE = (): void => {
  throw new Error("a message timer is delivered by the kernel, not called")
}

/** One pending timer. `fire` is cleared when the timer is cancelled or has fired. */
export interface Timer {
  readonly atNs: number
  readonly seq: number
  fire: (() => void) | undefined
  /** A message timer's target and message (`fire` is `DELIVER_MESSAGE`); undefined otherwise. */
  target: TimerTarget | undefined
  message: unknown
}

/** The heap's own view of a timer: its key is rewritten by `reschedule`, and it knows its place. */
interface Entry {
  atNs: number
  seq: number
  fire: (() => void) | undefined
  target: TimerTarget | undefined
  message: unknown
  /** Its index in the heap's array, -1 once out of it. */
  at: number
}

const before = (x: Entry, y: Entry): boolean => x.atNs < y.atNs || (x.atNs === y.atNs && x.seq < y.seq)

export class TimerHeap {
  private items: Array<Entry> = objectArray()
  private seq = 0
  private cancelled = 0

  /** Live (not cancelled) timers. */
  get size(): number {
    return this.items.length - this.cancelled
  }

  push(atNs: number, fire: () => void): Timer {
    const entry: Entry = { atNs, seq: this.seq++, fire, target: undefined, message: undefined, at: this.items.length }
    this.items.push(entry)
    this.siftUp(entry.at)
    return entry
  }

  /** A timer that delivers `message` to `target` at `atNs` (in the same order as `push`). */
  pushMessage(atNs: number, target: TimerTarget, message: unknown): Timer {
    const entry: Entry = { atNs, seq: this.seq++, fire: DELIVER_MESSAGE, target, message, at: this.items.length }
    this.items.push(entry)
    this.siftUp(entry.at)
    return entry
  }

  /**
   * A timer that is not pending, for an owner that keeps one timer and moves it (`reschedule` sets it,
   * `cancel` leaves it be): its first setting then takes the same path as every later one.
   */
  unset(): Timer {
    const entry: Entry = { atNs: Infinity, seq: -1, fire: undefined, target: undefined, message: undefined, at: -1 }
    return entry
  }

  /**
   * `timer` (from `push` or `unset`, live, cancelled or fired) to fire `fire` at `atNs` instead: the same
   * order as `cancel(timer)` then `push(atNs, fire)`, since it takes the next sequence number too.
   */
  reschedule(timer: Timer, atNs: number, fire: () => void): void {
    const entry = timer as Entry
    if (entry.fire === undefined && entry.at >= 0) this.cancelled-- // a cancelled entry comes back to life
    entry.atNs = atNs
    entry.seq = this.seq++
    entry.fire = fire
    entry.target = undefined
    entry.message = undefined
    if (entry.at < 0) {
      entry.at = this.items.length
      this.items.push(entry)
      this.siftUp(entry.at)
    } else {
      // Its key changed either way: up if it now comes earlier than its parent, else down.
      this.siftUp(entry.at)
      this.siftDown(entry.at)
    }
  }

  cancel(timer: Timer): void {
    if (timer.fire === undefined) return
    timer.fire = undefined
    timer.target = undefined
    timer.message = undefined
    this.cancelled++
    if (this.cancelled > 1024 && this.cancelled * 2 > this.items.length) this.compact()
  }

  /** The earliest live timer, without removing it. */
  peek(): Timer | undefined {
    this.dropCancelledTop()
    return this.items[0]
  }

  /** Removes and returns the earliest live timer. */
  pop(): Timer | undefined {
    this.dropCancelledTop()
    return this.removeTop()
  }

  private dropCancelledTop(): void {
    while (this.items.length > 0 && this.items[0]!.fire === undefined) {
      this.removeTop()
      this.cancelled--
    }
  }

  private removeTop(): Timer | undefined {
    const items = this.items
    const top = items[0]
    const last = items.pop()
    if (top !== undefined) top.at = -1
    if (top !== undefined && last !== undefined && items.length > 0) {
      items[0] = last
      last.at = 0
      this.siftDown(0)
    }
    return top
  }

  private compact(): void {
    const live: Array<Entry> = []
    for (const t of this.items) {
      if (t.fire !== undefined) live.push(t)
      else t.at = -1
    }
    live.sort((x, y) => (before(x, y) ? -1 : 1))
    for (let i = 0; i < live.length; i++) live[i]!.at = i
    this.items = live // a sorted array is a valid heap
    this.cancelled = 0
  }

  private siftUp(index: number): void {
    const items = this.items
    const item = items[index]!
    while (index > 0) {
      const parent = (index - 1) >> 1
      const p = items[parent]!
      if (!before(item, p)) break
      items[index] = p
      p.at = index
      index = parent
    }
    items[index] = item
    item.at = index
  }

  private siftDown(index: number): void {
    const items = this.items
    const n = items.length
    const item = items[index]!
    while (true) {
      const left = 2 * index + 1
      if (left >= n) break
      const right = left + 1
      let child = left
      if (right < n && before(items[right]!, items[left]!)) child = right
      const c = items[child]!
      if (!before(c, item)) break
      items[index] = c
      c.at = index
      index = child
    }
    items[index] = item
    item.at = index
  }
}
