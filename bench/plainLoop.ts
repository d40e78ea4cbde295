/**
 * The same workload as a plain TypeScript discrete-event loop, with no Effect at all: the baseline
 * the kernel is measured against. It has the kernel's shape, so the two process events in the same
 * order and draw the same PRNG sequence:
 *
 * - a binary min-heap of timers ordered by (time, insertion sequence), like `TimerHeap`;
 * - a FIFO ready queue of actors that have mail, like the kernel's run queue of fiber steps;
 * - per-actor array mailboxes, drained completely each time an actor runs, like the actor loop;
 * - the loop drains the ready queue, then jumps to the earliest timer and fires it, like `runUntil`.
 *
 * Nothing here allocates per event except the message itself (as on the kernel side): each actor
 * has one timer record that is re-armed in place, and actors are queued by index.
 */
import { Prng } from "../src/kernel/Prng.ts"
import { figuresOf, Ledger, phaseOf, pickPeer } from "./workload.ts"
import type { Hop, RunFigures, WorkloadConfig } from "./workload.ts"

/** An actor's periodic timer; one per actor, re-armed in place after each firing. */
interface PlainTimer {
  atNs: number
  seq: number
  readonly actor: number
}

const before = (x: PlainTimer, y: PlainTimer): boolean => x.atNs < y.atNs || (x.atNs === y.atNs && x.seq < y.seq)

/** Binary min-heap of timers; ties fire in insertion order, as in the kernel. */
class PlainTimerHeap {
  private readonly items: Array<PlainTimer> = []
  private seq = 0

  push(timer: PlainTimer, atNs: number): void {
    timer.atNs = atNs
    timer.seq = this.seq++
    const items = this.items
    let index = items.length
    items.push(timer)
    while (index > 0) {
      const parent = (index - 1) >> 1
      const p = items[parent]!
      if (!before(timer, p)) break
      items[index] = p
      index = parent
    }
    items[index] = timer
  }

  peek(): PlainTimer | undefined {
    return this.items[0]
  }

  pop(): void {
    const items = this.items
    const last = items.pop()!
    const n = items.length
    if (n === 0) return
    let index = 0
    while (true) {
      const left = 2 * index + 1
      if (left >= n) break
      const right = left + 1
      const child = right < n && before(items[right]!, items[left]!) ? right : left
      if (!before(items[child]!, last)) break
      items[index] = items[child]!
      index = child
    }
    items[index] = last
  }
}

class PlainLoop {
  nowNs = 0
  /** Dispatches: actor runs from the ready queue plus timer firings (the kernel's "events"). */
  events = 0
  drops = 0

  private readonly config: WorkloadConfig
  private readonly ledger: Ledger
  readonly random: Prng
  private readonly timers = new PlainTimerHeap()
  private readonly ready: Array<number> = []
  private readyHead = 0
  /** Whether each actor is already in the ready queue (one entry per actor, like one wake-up). */
  private readonly queued: Array<boolean>
  private readonly mailboxes: Array<Array<Hop>>
  private readonly mailboxHeads: Array<number>

  constructor(config: WorkloadConfig, ledger: Ledger) {
    this.config = config
    this.ledger = ledger
    this.random = new Prng(config.seed)
    const n = config.actors
    this.queued = new Array<boolean>(n).fill(false)
    this.mailboxes = Array.from({ length: n }, () => [])
    this.mailboxHeads = new Array<number>(n).fill(0)
    for (let i = 0; i < n; i++) this.timers.push({ atNs: 0, seq: 0, actor: i }, phaseOf(config, i))
  }

  /** Runs every event due before `untilNs`. */
  run(untilNs: number): void {
    const ready = this.ready
    while (true) {
      while (this.readyHead < ready.length) {
        const actor = ready[this.readyHead++]!
        this.queued[actor] = false
        this.runActor(actor)
        this.events++
      }
      ready.length = 0
      this.readyHead = 0
      const timer = this.timers.peek()
      if (timer === undefined || timer.atNs >= untilNs) return
      this.timers.pop()
      this.nowNs = timer.atNs
      this.fire(timer)
      this.events++
    }
  }

  /** A timer firing: inject a fresh message into the actor's own mailbox and re-arm. */
  private fire(timer: PlainTimer): void {
    this.ledger.timerFired(timer.actor)
    this.deliver(timer.actor, { _tag: "Hop", hopsLeft: this.config.chainLength - 1 })
    this.timers.push(timer, timer.atNs + this.config.periodNs)
  }

  /** Handles everything in the actor's mailbox, as the actor loop does in one fiber step. */
  private runActor(actor: number): void {
    const box = this.mailboxes[actor]!
    let head = this.mailboxHeads[actor]!
    while (head < box.length) {
      const message = box[head]!
      head++
      this.mailboxHeads[actor] = head
      this.ledger.message(actor, message.hopsLeft)
      if (message.hopsLeft > 0) {
        this.deliver(pickPeer(this.random, actor, this.config.actors), { _tag: "Hop", hopsLeft: message.hopsLeft - 1 })
      }
    }
    box.length = 0
    this.mailboxHeads[actor] = 0
  }

  /** Queues a message (dropping it when the mailbox is full) and makes the actor ready. */
  private deliver(actor: number, message: Hop): void {
    const box = this.mailboxes[actor]!
    if (box.length - this.mailboxHeads[actor]! >= this.config.mailboxCapacity) {
      this.drops++
      return
    }
    box.push(message)
    if (!this.queued[actor]) {
      this.queued[actor] = true
      this.ready.push(actor)
    }
  }
}

/** Runs the workload once on the plain loop and returns its figures. */
export const runPlainLoop = (config: WorkloadConfig): RunFigures => {
  const start = performance.now()
  const ledger = new Ledger()
  const loop = new PlainLoop(config, ledger)
  loop.run(config.durationNs)
  return figuresOf(ledger, {
    events: loop.events,
    wallMs: performance.now() - start,
    randomDraws: loop.random.draws,
    drops: loop.drops
  })
}
