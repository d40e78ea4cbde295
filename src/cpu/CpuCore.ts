/**
 * The one CPU core of the host, a scheduler actor. Work runs in named threads (per VM a vCPU thread
 * and an I/O thread, host threads) or in interrupt context. A step of the model submits a job: a
 * thread, the work in order (operations of the cost table, or raw cycles), and what to deliver once
 * it has run. Jobs of one thread run in order; interrupt-context jobs run in order and preempt
 * whatever thread runs; threads share the core by the fair policy of `CfsPolicy.ts`; each change of
 * the running thread (idle counts as one) costs a context switch (`contextSwitch`, Table 1's
 * "Scheduling user/kernel threads"). Interrupt entry and exit are not switches: the interrupt
 * operations already cost them.
 *
 * ```
 *   submit ──▶ mailbox ──▶ thread queue ──wake──▶ run queue (CFS) ──pick──▶ switch ──▶ runs ──▶ delivers
 *                       └▶ interrupt queue ─────────────── preempts the running thread ──▶ runs ──▶ delivers
 * ```
 *
 * Cheap by construction: submissions and the core's own timer are messages in its mailbox, but one
 * kernel timer stands for the next event (the end of a job something waits for, or of a slice),
 * re-armed only when that moves, and everything between events (switches, partial progress, ends of
 * jobs nothing waits for) is computed, not simulated step by step.
 * A scheduling decision that falls due at an instant waits until that instant's arrivals are in (the
 * job that completed usually hands work on), as the kernel decides with the wake-ups an interrupt or
 * a hand-off made.
 */
import type { Port } from "../actor/Port.ts"
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { Timer } from "../kernel/TimerHeap.ts"
import { CATEGORY_COUNT, Cat, categories } from "./CpuCategory.ts"
import type { CpuCategory } from "./CpuCategory.ts"
import { costNames, estimatedCosts } from "./CostTable.ts"
import type { CostName, CostTable } from "./CostTable.ts"
import {
  idealSliceNs,
  NICE_0_WEIGHT,
  nextMinVruntimeNs,
  placeOnWakeupNs,
  runsBefore,
  vruntimeDeltaNs,
  wakeupPreempts
} from "./CfsPolicy.ts"

/** A thread of the core: a small integer from `CpuCore.thread`. */
export type ThreadId = number

/** Interrupt context (hard IRQ and the softirqs and tasklets behind it): preempts every thread. */
export const INTERRUPT_CONTEXT: ThreadId = 0

/** Where a job's result goes when it has run: any actor's port. */
export type { Port } from "../actor/Port.ts"

/** Busy time of the core, by category, thread and VM. */
export interface CpuSnapshot {
  readonly elapsedNs: number
  readonly busyNs: number
  readonly idleNs: number
  /** busy / elapsed, 0..1 */
  readonly utilization: number
  /** Busy nanoseconds per category id (every category present, zeros included). */
  readonly breakdownNs: Readonly<Record<string, number>>
  /** How many times each costed operation ran (what a calibration fits costs to). */
  readonly operationCounts: Readonly<Record<CostName, number>>
  /** Busy time of each thread (interrupt context first), context switches not included. */
  readonly threads: ReadonlyArray<{ readonly name: string; readonly vm: number | undefined; readonly busyNs: number }>
  /** Busy time per VM index: its threads together. */
  readonly vmBusyNs: ReadonlyMap<number, number>
  readonly contextSwitches: number
  /** Time spent switching threads (in `host.scheduling`). */
  readonly switchNs: number
}

// A job's work is a flat list of segments: [category, ns, op index (-1: raw cycles), times].
const SEGMENT = 4
const RAW = -1
/** Jobs kept for reuse at most (a bound on the pool, not on the work: more are simply made). */
const SPARE_JOBS_MAX = 1024

/**
 * One piece of work for one thread: fill it with `op`/`cycles`, say what to deliver with `then` (or
 * which job runs next, on another thread, with `next`), and `submit` it. A job is the message the
 * core's mailbox carries; its fields below the builder are the core's bookkeeping.
 */
export class Job {
  declare readonly _tag: "Job"
  /** The thread it runs on (set when the job is made; jobs are reused once they have run). */
  thread: ThreadId
  /** The work, in order: [category, ns, op index or -1, times] per segment, in the first `size` entries. */
  readonly work: Array<number> = []
  /** Entries of `work` in use (the array is kept when a job is reused). */
  size = 0
  /** Work not yet run, ns. */
  remainingNs = 0
  /** The segment running, and how much of it has run. */
  segment = 0
  segmentDoneNs = 0
  port: Port<unknown> | undefined = undefined
  message: unknown = undefined
  /** Further deliveries, as port, message, port, message… (rare: a step with two outputs). */
  more: Array<unknown> | undefined = undefined
  /** A job the core submits itself when this one has run (the next stage, on another thread). */
  following: Job | undefined = undefined
  /** The next job in its thread's queue. */
  queued: Job | undefined = undefined
  private readonly core: CpuCore

  constructor(core: CpuCore, thread: ThreadId) {
    this.core = core
    this.thread = thread
  }

  /** Runs operation `name` of the cost table `times` times. */
  op(name: CostName, times = 1): this {
    const op = this.core.opCosts.get(name)!
    const ns = op.ns * times
    const w = this.work
    const n = this.size
    this.size = n + SEGMENT
    w[n] = op.category
    w[n + 1] = ns
    w[n + 2] = op.index
    w[n + 3] = times
    this.remainingNs += ns
    return this
  }

  /** Runs a fixed sequence of operations (`CpuCore.recipe`), each once. */
  run(recipe: Recipe): this {
    const w = this.work
    const from = recipe.work
    const n = this.size
    for (let i = 0; i < from.length; i++) w[n + i] = from[i]!
    this.size = n + from.length
    this.remainingNs += recipe.ns
    return this
  }

  /** Runs `cycles` of work in `category` that no operation stands for. */
  cycles(category: CpuCategory, cycles: number): this {
    const ns = cycles / this.core.ghz
    const w = this.work
    const n = this.size
    this.size = n + SEGMENT
    w[n] = category
    w[n + 1] = ns
    w[n + 2] = RAW
    w[n + 3] = 0
    this.remainingNs += ns
    return this
  }

  /** Delivers `message` to `port` once the work has run (several calls deliver in order). */
  then<M>(port: Port<M>, message: M): this {
    if (this.port === undefined) {
      this.port = port as Port<unknown>
      this.message = message
    } else {
      ;(this.more ??= []).push(port, message)
    }
    return this
  }

  /** Submits `job` (another thread's stage) once this one has run. */
  next(job: Job): this {
    this.following = job
    return this
  }

  /** Hands the job to the core. */
  submit(): void {
    this.core.submit(this)
  }

  /** Whether anything waits for this job's end. */
  delivers(): boolean {
    return this.port !== undefined || this.following !== undefined
  }

  /** Empties the job for reuse. */
  clear(): void {
    this.size = 0
    this.remainingNs = 0
    this.segment = 0
    this.segmentDoneNs = 0
    this.port = undefined
    this.message = undefined
    this.more = undefined
    this.following = undefined
    this.queued = undefined
  }
}

// The tag lives on the prototype: one field less per job.
Object.defineProperty(Job.prototype, "_tag", { value: "Job" })

/** A fixed sequence of operations, resolved once (`CpuCore.recipe`), for a hot path to run as a whole. */
export interface Recipe {
  readonly work: ReadonlyArray<number>
  readonly ns: number
}

/** An operation as a job charges it: its category, its time per run, its index in `costNames`. */
interface OpCost {
  readonly category: CpuCategory
  readonly ns: number
  readonly index: number
}

type CoreMessage = Job | { readonly _tag: "Tick" }

/** `CpuCore.plan`'s answer (one object, reused). */
interface Ahead {
  /** When a switch the plan makes starts (after any in progress), and when switching ends. */
  switchStartNs: number
  switchEndNs: number
  /** Switches the plan makes (0 or 1), besides any in progress. */
  switches: number
  /** Who runs after the switching (undefined: idle), until `runEndNs`. */
  runs: Thread | undefined
  runEndNs: number
  /** A job handed at `runEndNs` to an idle thread, which then runs it after one switch. */
  handOff: Job | undefined
  /** The next event. */
  eventNs: number
}

const TICK: CoreMessage = { _tag: "Tick" }

/** A thread as the core keeps it. */
class Thread {
  readonly id: ThreadId
  readonly name: string
  readonly vm: number | undefined
  readonly weight = NICE_0_WEIGHT
  vruntimeNs = 0
  queuedSeq = 0
  /** In the run queue: it has work, or it is the running thread that just ran out of it. */
  runnable = false
  head: Job | undefined = undefined
  tail: Job | undefined = undefined
  /** Time its jobs have run. */
  execNs = 0
  /** `execNs` when it was last picked (`prev_sum_exec_runtime`). */
  pickedExecNs = 0

  constructor(id: ThreadId, name: string, vm: number | undefined) {
    this.id = id
    this.name = name
    this.vm = vm
  }
}

export interface CpuCoreOptions {
  /** Clock frequency, in cycles per nanosecond (GHz). */
  readonly ghz: number
  /** The operation costs this core charges (default: the first estimates). */
  readonly costs?: CostTable | undefined
}

export class CpuCore {
  /** Clock frequency, in cycles per nanosecond (GHz). */
  readonly ghz: number
  /** The operation costs this core charges. */
  readonly costs: CostTable
  /** Each operation's category, time and index, by name (a map: one lookup per operation charged). */
  readonly opCosts: ReadonlyMap<string, OpCost>
  private readonly kernel: Kernel
  private readonly startNs: number
  private readonly switchNs: number
  private readonly switchOp: number
  private ref: Port<CoreMessage> | undefined

  private readonly threads: Array<Thread> = []
  /** Jobs that have run, kept for reuse: jobs are the hot path's allocation. */
  private readonly spare: Array<Job> = []
  private readonly irq: Thread
  /** Runnable threads, the running one included (the order does not matter: the pick scans them). */
  private readonly runQueue: Array<Thread> = []
  private totalWeight = 0
  private minVruntimeNs = 0
  private seq = 0

  /** Accounted up to here. */
  private lastNs: number
  /** The thread on the core (undefined: idle). */
  private curr: Thread | undefined = undefined
  /** While a switch to `curr` runs: when it ends. */
  private switchEndNs = -Infinity
  /** A preemption is due: the running thread is put back and the best runnable one picked. */
  private needResched = false

  private readonly busyByCategory = new Float64Array(CATEGORY_COUNT)
  private readonly counts: Array<number>
  private switches = 0
  private switchedNs = 0

  private armedAtNs = NaN
  private armed: Timer | undefined = undefined
  private readonly ahead: Ahead = { switchStartNs: 0, switchEndNs: 0, switches: 0, runs: undefined, runEndNs: 0, handOff: undefined, eventNs: 0 }

  constructor(kernel: Kernel, options: CpuCoreOptions) {
    this.kernel = kernel
    this.ghz = options.ghz
    this.costs = options.costs ?? estimatedCosts
    this.opCosts = new Map(costNames.map((n, index) => [n, { category: this.costs[n].category, ns: this.costs[n].cycles / this.ghz, index }]))
    this.counts = costNames.map(() => 0)
    this.startNs = kernel.nowNs
    this.lastNs = kernel.nowNs
    this.switchNs = this.costs.contextSwitch.cycles / this.ghz
    this.switchOp = this.opCosts.get("contextSwitch")!.index
    this.irq = new Thread(INTERRUPT_CONTEXT, "interrupts", undefined)
    this.threads.push(this.irq)
  }

  /** Starts the core's actor in the current simulation. */
  static make = Effect.fnUntraced(function*(options: CpuCoreOptions): Effect.fn.Return<CpuCore, never, Simulation | ActorSystem | Scope.Scope> {
    const { kernel } = yield* Simulation
    const core = new CpuCore(kernel, options)
    // Room for what one instant brings: a storm's burst is bounded by the guest's own mailbox (4096).
    core.ref = yield* ModelActor.make<CoreMessage>("cpu", 1 << 14, (message) => core.handle(message))
    return core
  })

  /** Registers a thread (once, when the system is built); `vm` is the VM it works for, if any. */
  thread(name: string, vm?: number): ThreadId {
    const t = new Thread(this.threads.length, name, vm)
    this.threads.push(t)
    return t.id
  }

  /** Resolves a fixed sequence of operations once, for `Job.run`. */
  recipe(...names: ReadonlyArray<CostName>): Recipe {
    const job = new Job(this, INTERRUPT_CONTEXT)
    for (const name of names) job.op(name)
    return { work: job.work.slice(0, job.size), ns: job.remainingNs }
  }

  /** An empty job for `thread`; once submitted the caller lets go of it (it is reused after it has run). */
  job(thread: ThreadId): Job {
    const job = this.spare.pop()
    if (job === undefined) return new Job(this, thread)
    job.thread = thread
    return job
  }

  /** Hands `job` to the core's mailbox. */
  submit(job: Job): void {
    this.ref!.tellUnsafe(job)
  }

  // --- the actor ------------------------------------------------------------------------------

  private readonly fire = (): void => {
    this.armed = undefined
    this.armedAtNs = NaN
    this.ref!.tellUnsafe(TICK)
  }

  private handle(message: CoreMessage): void {
    const now = this.kernel.nowNs
    if (message._tag === "Tick") {
      // Armed for this very instant (zero-length work): the decision due now is taken now.
      this.advance(now, this.lastNs === now)
    } else {
      this.advance(now, false)
      this.enqueue(message)
    }
    this.rearm()
  }

  /** One kernel timer for the next event; a stale one is cancelled (lazily, by the heap). */
  private rearm(): void {
    const at = this.nextEventNs()
    if (at === this.armedAtNs) return
    if (this.armed !== undefined) this.kernel.cancelTimer(this.armed)
    this.armedAtNs = at
    this.armed = at === Infinity ? undefined : this.kernel.setTimer(at, this.fire)
  }

  // --- queues and wake-ups --------------------------------------------------------------------

  private enqueue(job: Job): void {
    const t = this.threads[job.thread]!
    const tail = t.tail
    if (tail === undefined) t.head = job
    else tail.queued = job
    t.tail = job
    if (t === this.irq || t.runnable) return
    this.wake(t)
  }

  private wake(t: Thread): void {
    this.updateMinVruntime()
    t.vruntimeNs = placeOnWakeupNs(t.vruntimeNs, this.minVruntimeNs)
    t.queuedSeq = ++this.seq
    t.runnable = true
    this.runQueue.push(t)
    this.totalWeight += t.weight
    const curr = this.curr
    if (curr === undefined || wakeupPreempts(curr.vruntimeNs, t.vruntimeNs, t.weight)) this.needResched = true
  }

  private dequeue(t: Thread): void {
    t.runnable = false
    // The order of the run queue does not matter (the pick compares virtual runtimes and queue order).
    const q = this.runQueue
    const last = q.pop()!
    if (last !== t) q[q.indexOf(t)] = last
    this.totalWeight -= t.weight
  }

  private updateMinVruntime(): void {
    const q = this.runQueue
    let smallest: number | undefined
    for (let i = 0; i < q.length; i++) {
      const v = q[i]!.vruntimeNs
      if (smallest === undefined || v < smallest) smallest = v
    }
    this.minVruntimeNs = nextMinVruntimeNs(this.minVruntimeNs, smallest)
  }

  /** A scheduling decision is due: a preemption, or the running thread ran out of work. */
  private decisionDue(): boolean {
    return this.needResched || (this.curr !== undefined && this.curr.head === undefined)
  }

  /**
   * Whom `schedule` would put on the core: the running thread if it has work and nothing preempts
   * it, else the runnable thread that runs first (the running one, put back, goes after its equals).
   */
  private choose(): Thread | undefined {
    const prev = this.curr
    if (prev !== undefined && prev.head !== undefined && !this.needResched) return prev
    let best: Thread | undefined
    let bestSeq = 0
    const q = this.runQueue
    for (let i = 0; i < q.length; i++) {
      const t = q[i]!
      if (t.head === undefined) continue // the running thread that ran out of work leaves the queue
      const seq = t === prev ? Infinity : t.queuedSeq
      if (best === undefined || runsBefore(t.vruntimeNs, seq, best.vruntimeNs, bestSeq)) {
        best = t
        bestSeq = seq
      }
    }
    return best
  }

  /** `schedule()`: puts the chosen thread on the core, paying a switch if it is another one. */
  private schedule(): void {
    const prev = this.curr
    const next = this.choose()
    this.needResched = false
    if (prev !== undefined) {
      if (prev.head === undefined) this.dequeue(prev)
      else if (next !== prev) prev.queuedSeq = ++this.seq
    }
    this.updateMinVruntime()
    if (next === prev) {
      if (next !== undefined) next.pickedExecNs = next.execNs
      return
    }
    this.curr = next
    if (next !== undefined) next.pickedExecNs = next.execNs
    this.switches++
    this.counts[this.switchOp]!++
    this.switchEndNs = this.lastNs + this.switchNs
  }

  private sliceNs(t: Thread): number {
    return idealSliceNs(this.runQueue.length, t.weight, this.totalWeight)
  }

  // --- time ---------------------------------------------------------------------------------

  /**
   * Accounts everything up to `target`: switches, interrupt jobs, the running thread's job, slice
   * ends, decisions. Jobs that end by `target` deliver. A decision due at `target` itself waits
   * (more work may arrive at this instant) unless `decideAtTarget`.
   */
  private advance(target: number, decideAtTarget: boolean): void {
    while (true) {
      const t = this.lastNs
      if (this.switchEndNs > t) {
        // A switch cannot be interrupted (the kernel switches with interrupts off).
        this.switchEndNs = snap(this.switchEndNs, target)
        const end = this.switchEndNs < target ? this.switchEndNs : target
        this.busyByCategory[Cat.scheduling]! += end - t
        this.switchedNs += end - t
        this.lastNs = end
        if (end < this.switchEndNs) return
        continue
      }
      const irqJob = this.irq.head
      if (irqJob !== undefined) {
        if (!this.runUntil(this.irq, irqJob, target)) return
        continue
      }
      if (this.decisionDue()) {
        if (t >= target && !decideAtTarget) return
        this.schedule()
        continue
      }
      const curr = this.curr
      if (curr === undefined) {
        this.lastNs = target
        return
      }
      const job = curr.head!
      if (this.runQueue.length > 1) {
        const sliceLeftNs = this.sliceNs(curr) - (curr.execNs - curr.pickedExecNs)
        if (sliceLeftNs <= 0) {
          this.needResched = true
          continue
        }
        const sliceEndNs = snap(t + sliceLeftNs, target)
        if (sliceLeftNs < job.remainingNs && sliceEndNs <= target) {
          this.progress(curr, job, sliceLeftNs)
          this.lastNs = sliceEndNs
          this.needResched = true
          continue
        }
      }
      if (!this.runUntil(curr, job, target)) return
    }
  }

  /** Runs `job` of `t` from `lastNs`: to its end if that is by `target` (true), else to `target`. */
  private runUntil(t: Thread, job: Job, target: number): boolean {
    const start = this.lastNs
    const end = snap(start + job.remainingNs, target)
    if (end > target) {
      this.progress(t, job, target - start)
      this.lastNs = target
      return false
    }
    this.finish(t, job)
    this.lastNs = end
    this.complete(t, job)
    return true
  }

  /** Accounts `ns` of `job`'s work, segment by segment. */
  private progress(t: Thread, job: Job, ns: number): void {
    if (ns <= 0) return
    job.remainingNs -= ns
    this.ran(t, ns)
    const w = job.work
    let left = ns
    while (left > 0 && job.segment * SEGMENT < job.size) {
      const i = job.segment * SEGMENT
      const segLeft = w[i + 1]! - job.segmentDoneNs
      if (left < segLeft) {
        this.busyByCategory[w[i]!]! += left
        job.segmentDoneNs += left
        return
      }
      this.busyByCategory[w[i]!]! += segLeft
      left -= segLeft
      this.endSegment(job, i)
    }
  }

  /** Accounts the rest of `job` exactly as submitted (no rounding left behind). */
  private finish(t: Thread, job: Job): void {
    this.ran(t, job.remainingNs)
    job.remainingNs = 0
    const w = job.work
    while (job.segment * SEGMENT < job.size) {
      const i = job.segment * SEGMENT
      this.busyByCategory[w[i]!]! += w[i + 1]! - job.segmentDoneNs
      this.endSegment(job, i)
    }
  }

  private endSegment(job: Job, i: number): void {
    const op = job.work[i + 2]!
    if (op !== RAW) this.counts[op]! += job.work[i + 3]!
    job.segment++
    job.segmentDoneNs = 0
  }

  private ran(t: Thread, ns: number): void {
    t.execNs += ns
    if (t !== this.irq) t.vruntimeNs += vruntimeDeltaNs(ns, t.weight)
  }

  /** A job has run: out of its thread's queue, and its results delivered. */
  private complete(t: Thread, job: Job): void {
    t.head = job.queued
    if (t.head === undefined) t.tail = undefined
    job.queued = undefined
    if (job.following !== undefined) this.enqueue(job.following)
    if (job.port !== undefined) job.port.tellUnsafe(job.message)
    const more = job.more
    if (more !== undefined) for (let i = 0; i < more.length; i += 2) (more[i] as Port<unknown>).tellUnsafe(more[i + 1])
    job.clear()
    if (this.spare.length < SPARE_JOBS_MAX) this.spare.push(job)
  }

  /**
   * What happens from `lastNs` until the next event if nothing arrives (filled into `ahead`): a
   * switch (the rest of one in progress, and one a due decision makes), then one thread's jobs up to
   * the first something waits for (or its slice's end), and, when those end by handing work to an
   * idle thread while no other wants the core, the switch to it and that work. Ends of jobs nothing
   * waits for, and such a hand-off, are not events: the core computes them when it next advances.
   */
  private plan(): Ahead {
    const a = this.ahead
    let base = this.switchEndNs > this.lastNs ? this.switchEndNs : this.lastNs
    a.switchStartNs = base
    a.switches = 0
    a.handOff = undefined
    let who: Thread | undefined
    let sliceNs = Infinity
    if (this.irq.head !== undefined) {
      who = this.irq
    } else {
      who = this.curr
      let nrRunning = this.runQueue.length
      let totalWeight = this.totalWeight
      if (this.decisionDue()) {
        const next = this.choose()
        if (who !== undefined && who.head === undefined) {
          // The running thread that ran out of work leaves the queue.
          nrRunning--
          totalWeight -= who.weight
        }
        if (next !== who) {
          base += this.switchNs
          a.switches = 1
        }
        who = next
        // A new pick starts a new slice.
        if (who !== undefined && nrRunning > 1) sliceNs = idealSliceNs(nrRunning, who.weight, totalWeight)
      } else if (who !== undefined && nrRunning > 1) {
        sliceNs = Math.max(0, this.sliceNs(who) - (who.execNs - who.pickedExecNs))
      }
    }
    a.switchEndNs = base
    a.runs = who
    a.runEndNs = base
    // Going idle needs no event of its own: the next arrival accounts the switch from when it was due.
    a.eventNs = Infinity
    if (who === undefined) return a
    let ns = 0
    let last = who.head!
    for (let job: Job | undefined = who.head; job !== undefined; job = job.queued) {
      ns += job.remainingNs
      last = job
      if (job.port !== undefined || job.following !== undefined || job.queued === undefined) break
    }
    if (sliceNs < ns) {
      a.runEndNs = a.eventNs = base + sliceNs
      return a
    }
    a.runEndNs = a.eventNs = base + ns
    const f = last.following
    if (
      f !== undefined && last.port === undefined && last.queued === undefined && who !== this.irq &&
      f.thread !== INTERRUPT_CONTEXT && f.thread !== who.id && this.onlyRunnable(who)
    ) {
      const to = this.threads[f.thread]!
      if (to.head === undefined && !to.runnable) {
        // `who` runs out of work and hands `f` to a sleeping thread, the only one then runnable.
        a.handOff = f
        a.eventNs = a.runEndNs + this.switchNs + f.remainingNs
      }
    }
    return a
  }

  /** Whether no thread but `t` has work in the run queue. */
  private onlyRunnable(t: Thread): boolean {
    const q = this.runQueue
    for (let i = 0; i < q.length; i++) if (q[i] !== t && q[i]!.head !== undefined) return false
    return true
  }

  /** When the next event happens, with no more arrivals. */
  private nextEventNs(): number {
    return this.plan().eventNs
  }

  // --- reading it -----------------------------------------------------------------------------

  /**
   * Busy and idle time up to now, by category, thread and VM; partial progress of a running or
   * preempted job counts. busy + idle = elapsed, always. Reads the state; changes nothing.
   */
  snapshot(): CpuSnapshot {
    const now = this.kernel.nowNs
    const byCategory = Float64Array.from(this.busyByCategory)
    const byThread = this.threads.map((t) => t.execNs)
    const counts = [...this.counts]
    let switchedNs = this.switchedNs
    let switches = this.switches
    // What ran since the last event (no event lies between): the plan's switches and work.
    const a = this.plan()
    const switchFor = (from: number, to: number): void => {
      const ns = Math.min(to, now) - from
      if (ns <= 0) return
      byCategory[Cat.scheduling]! += ns
      switchedNs += ns
    }
    switchFor(this.lastNs, a.switchEndNs)
    if (a.switches > 0 && now > a.switchStartNs) switches++
    if (a.runs !== undefined) {
      let left = Math.min(now, a.runEndNs) - a.switchEndNs
      for (let job = a.runs.head; job !== undefined && left > 0; job = job.queued) {
        const ns = Math.min(left, job.remainingNs)
        byThread[a.runs.id]! += ns
        walk(job, ns, byCategory, counts)
        left -= ns
      }
    }
    if (a.handOff !== undefined && now > a.runEndNs) {
      switches++
      switchFor(a.runEndNs, a.runEndNs + this.switchNs)
      const ns = Math.min(now - a.runEndNs - this.switchNs, a.handOff.remainingNs)
      if (ns > 0) {
        byThread[a.handOff.thread]! += ns
        walk(a.handOff, ns, byCategory, counts)
      }
    }
    const elapsedNs = now - this.startNs
    let acceptedNs = 0
    for (const ns of byCategory) acceptedNs += ns
    const busyNs = Math.min(elapsedNs, acceptedNs)
    const breakdownNs: Record<string, number> = {}
    categories.forEach((c, i) => {
      breakdownNs[c.id] = byCategory[i]!
    })
    const operationCounts = Object.fromEntries(costNames.map((n, i) => [n, counts[i]!])) as Record<CostName, number>
    operationCounts.contextSwitch = switches
    const vmBusyNs = new Map<number, number>()
    for (const th of this.threads) if (th.vm !== undefined) vmBusyNs.set(th.vm, (vmBusyNs.get(th.vm) ?? 0) + byThread[th.id]!)
    return {
      elapsedNs,
      busyNs,
      idleNs: elapsedNs - busyNs,
      utilization: elapsedNs > 0 ? busyNs / elapsedNs : 0,
      breakdownNs,
      operationCounts,
      threads: this.threads.map((th) => ({ name: th.name, vm: th.vm, busyNs: byThread[th.id]! })),
      vmBusyNs,
      contextSwitches: switches,
      switchNs: switchedNs
    }
  }
}

/**
 * `ns` if it is not `target` give or take rounding, else `target`: an event the core planned for
 * `target` by another sum of the same times happens at `target` (so a decision due then waits for
 * that instant's arrivals, as it would have without the rounding).
 */
const snap = (ns: number, target: number): number => (Math.abs(ns - target) <= 1e-9 + Math.abs(target) * 1e-14 ? target : ns)

/**
 * Adds the next `ns` of `job`'s work to `byCategory`, and the operations it finishes to `counts`
 * (all of them when `ns` reaches the job's end), without moving the job.
 */
const walk = (job: Job, ns: number, byCategory: Float64Array, counts: Array<number>): void => {
  const w = job.work
  const whole = ns >= job.remainingNs
  let done = job.segmentDoneNs
  let left = ns
  for (let segment = job.segment; segment * SEGMENT < job.size; segment++) {
    const i = segment * SEGMENT
    const segLeft = w[i + 1]! - done
    const take = whole ? segLeft : Math.min(left, segLeft)
    if (take <= 0 && !whole) return
    byCategory[w[i]!]! += take
    left -= take
    if ((whole || take >= segLeft) && w[i + 2]! !== RAW) counts[w[i + 2]!]! += w[i + 3]!
    done = 0
  }
}
