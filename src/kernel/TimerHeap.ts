/**
 * The kernel's pending timers: a binary min-heap ordered by (virtual time, insertion sequence), so
 * timers due at the same instant fire in the order they were set. Cancelled timers are removed
 * lazily and the heap is compacted when they outnumber the live ones, so long runs whose timeouts
 * are mostly cancelled (asks, watchdogs) keep a bounded heap.
 */

/** One pending timer. `fire` is cleared when the timer is cancelled. */
export interface Timer {
  readonly atNs: number
  readonly seq: number
  fire: (() => void) | undefined
}

const before = (x: Timer, y: Timer): boolean => x.atNs < y.atNs || (x.atNs === y.atNs && x.seq < y.seq)

export class TimerHeap {
  private items: Array<Timer> = []
  private seq = 0
  private cancelled = 0

  /** Live (not cancelled) timers. */
  get size(): number {
    return this.items.length - this.cancelled
  }

  push(atNs: number, fire: () => void): Timer {
    const timer: Timer = { atNs, seq: this.seq++, fire }
    this.items.push(timer)
    this.siftUp(this.items.length - 1)
    return timer
  }

  cancel(timer: Timer): void {
    if (timer.fire === undefined) return
    timer.fire = undefined
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
    if (top !== undefined && last !== undefined && items.length > 0) {
      items[0] = last
      this.siftDown(0)
    }
    return top
  }

  private compact(): void {
    const live = this.items.filter((t) => t.fire !== undefined)
    live.sort((x, y) => (before(x, y) ? -1 : 1))
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
      index = parent
    }
    items[index] = item
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
      if (!before(items[child]!, item)) break
      items[index] = items[child]!
      index = child
    }
    items[index] = item
  }
}
