/**
 * The state of the one core, as the actor runtime holds it, and the machinery that moves it: the
 * threads and their queues of jobs, the run queue under the fair policy (`CfsPolicy.ts`, where the
 * decisions are), the thread on the core and a switch under way, and the busy time accounted so far.
 * `CpuCore.ts` is the actor's shell around it. See that file for the picture.
 *
 * Time between events is computed, not stepped: `plan` says what happens until the next event if
 * nothing arrives, `advance` accounts it when something does, and one kernel timer stands for the
 * next event.
 */
import type { Port } from "../actor/Port.ts"
import type { TraceSource } from "../actor/TraceSource.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { Timer } from "../kernel/TimerHeap.ts"
import { CATEGORY_COUNT, Cat, categories } from "./CpuCategory.ts"
import type { CpuCategory } from "./CpuCategory.ts"
import { costNames } from "./CostTable.ts"
import type { CostName } from "./CostTable.ts"
import {
  idealSliceNs,
  NICE_0_WEIGHT,
  nextMinVruntimeNs,
  placeOnWakeupNs,
  runsBefore,
  vruntimeDeltaNs,
  wakeupPreempts
} from "./CfsPolicy.ts"
import { RAW, SEGMENT, MAX_SPARE_JOBS, walk } from "./Job.ts"
import type { Job, ThreadId } from "./Job.ts"
import { doubleArray, DOUBLE_FIELD_SEED, objectArray } from "../kernel/StableShapes.ts"

/** Interrupt context (hard IRQ and the softirqs and tasklets behind it): preempts every thread. */
export const INTERRUPT_CONTEXT: ThreadId = 0

/** `CoreSlice.thread` of a switch to no thread (the core goes idle). */
export const NO_THREAD: ThreadId = -1

/**
 * A piece of work that ran on the core from `startNs` to `endNs`: one operation of one job (or the
 * part of it between two events), or a context switch. `CpuCore.traces.ran` fires one object,
 * refilled for each piece: a listener copies what it keeps.
 */
export class CoreSlice {
  /** The thread it ran for; for a switch, the thread switched to (`NO_THREAD`: idle). */
  thread: ThreadId = 0
  /** Its operation: an index into `costNames`, or `RAW` (cycles no operation stands for). */
  op = 0
  category: CpuCategory = 0
  startNs = 0
  endNs = 0
  /** A context switch: the scheduler's time, not the thread's (thread busy times leave it out). */
  switching = false
}

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


/** A thread as the core keeps it. */
class Thread {
  readonly id: ThreadId
  readonly name: string
  readonly vm: number | undefined
  readonly weight = NICE_0_WEIGHT
  // Times: doubles from the declaration (`DOUBLE_FIELD_SEED`), zero from the constructor.
  vruntimeNs = DOUBLE_FIELD_SEED
  queuedSeq = 0
  /** In the run queue: it has work, or it is the running thread that just ran out of it. */
  runnable = false
  head: Job | undefined = undefined
  tail: Job | undefined = undefined
  /** Time its jobs have run. */
  execNs = DOUBLE_FIELD_SEED
  /** `execNs` when it was last picked (`prev_sum_exec_runtime`). */
  pickedExecNs = DOUBLE_FIELD_SEED

  constructor(id: ThreadId, name: string, vm: number | undefined) {
    this.id = id
    this.name = name
    this.vm = vm
    this.vruntimeNs = 0
    this.execNs = 0
    this.pickedExecNs = 0
  }
}

export interface CoreStateOptions {
  /** A context switch, ns, and the index of its operation (`contextSwitch`) in the counts. */
  readonly switchNs: number
  readonly switchOp: number
  /** Jobs that have run go back here for reuse (the pool `CpuCore.job` takes from). */
  readonly spare: Array<Job>
  /** Fired for each piece of work as the core accounts it (nothing is filled in when no one listens). */
  readonly ran: TraceSource<CoreSlice>
}

export class CoreState {
  private readonly kernel: Kernel
  private readonly startNs: number
  private readonly switchNs: number
  private readonly switchOp: number
  private readonly spare: Array<Job>
  private readonly ran: TraceSource<CoreSlice>
  private readonly slice = new CoreSlice()

  private readonly threads: Array<Thread> = []
  private readonly irq: Thread
  /** Runnable threads, the running one included (the order does not matter: the pick scans them). */
  private readonly runQueue: Array<Thread> = objectArray()
  private totalWeight = 0
  private minVruntimeNs = DOUBLE_FIELD_SEED
  private seq = 0

  /**
   * Accounted up to here. A double from the declaration: declared bare, the field held `undefined`
   * first and then any value, so each of its many writes a frame boxed the time (about 200 bytes a
   * delivered frame in model (a), with the time `advance` handed to `runUntil`).
   */
  private lastNs = DOUBLE_FIELD_SEED
  /** The thread on the core (undefined: idle). */
  private curr: Thread | undefined = undefined
  /** While a switch to `curr` runs: when it ends. */
  private switchEndNs = -Infinity
  /** A preemption is due: the running thread is put back and the best runnable one picked. */
  private needResched = false

  private readonly busyByCategory = new Float64Array(CATEGORY_COUNT)
  private readonly counts: Array<number> = doubleArray(costNames.length, 0)
  private switches = 0
  private switchedNs = DOUBLE_FIELD_SEED

  private armedAtNs = NaN
  /** The core's one timer object, armed or not (`rearm`). */
  private readonly timer: Timer
  // `plan` sets every field before it is read; the times are doubles from the start (`DOUBLE_FIELD_SEED`).
  private readonly ahead: Ahead = {
    switchStartNs: DOUBLE_FIELD_SEED, switchEndNs: DOUBLE_FIELD_SEED, switches: 0, runs: undefined, runEndNs: DOUBLE_FIELD_SEED, handOff: undefined, eventNs: DOUBLE_FIELD_SEED
  }

  constructor(kernel: Kernel, options: CoreStateOptions) {
    this.kernel = kernel
    this.timer = kernel.unsetTimer()
    this.startNs = kernel.nowNs
    this.lastNs = kernel.nowNs
    this.minVruntimeNs = 0
    this.switchedNs = 0
    this.switchNs = options.switchNs
    this.switchOp = options.switchOp
    this.spare = options.spare
    this.ran = options.ran
    this.irq = new Thread(INTERRUPT_CONTEXT, "interrupts", undefined)
    this.threads.push(this.irq)
  }

  /** Registers a thread (once, when the system is built); `vm` is the VM it works for, if any. */
  addThread(name: string, vm: number | undefined): ThreadId {
    const t = new Thread(this.threads.length, name, vm)
    this.threads.push(t)
    return t.id
  }

  // --- the actor ------------------------------------------------------------------------------

  /**
   * The core's own timer: account up to now, arm for the next event. It runs in the kernel's timer
   * callback, not as a message in the core's mailbox: the kernel fires a timer only when its run
   * queue is empty, so the mailbox is empty too and its drain would have run this first, with the
   * same deliveries in the same order; one kernel task and one trace event less per core event.
   */
  private readonly fire = (): void => {
    this.armedAtNs = NaN
    const now = this.kernel.nowNs
    // Armed for this very instant (zero-length work): the decision due now is taken now.
    this.advance(this.lastNs === now)
    this.rearm()
  }

  /** A job submitted: account up to now, queue the job, arm for the next event. */
  handle(job: Job): void {
    this.advance(false)
    this.enqueue(job)
    this.rearm()
  }

  /**
   * One kernel timer for the next event, moved in place as the next event moves (the same order as
   * cancelling it and setting another, without a dead heap entry per move); kept once fired, for reuse.
   */
  private rearm(): void {
    const at = this.nextEventNs()
    if (at === this.armedAtNs) return
    this.armedAtNs = at
    if (at === Infinity) this.kernel.cancelTimer(this.timer) // nothing if it has fired or was never set
    else this.kernel.rescheduleTimer(this.timer, at, this.fire)
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
    let smallest = Infinity
    for (let i = 0; i < q.length; i++) {
      const v = q[i]!.vruntimeNs
      if (v < smallest) smallest = v
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
   * Accounts everything up to now (`target`): switches, interrupt jobs, the running thread's job, slice
   * ends, decisions. Jobs that end by `target` deliver. A decision due at `target` itself waits
   * (more work may arrive at this instant) unless `decideAtTarget`. It reads the time itself: a double
   * handed to a call V8 does not inline is boxed.
   */
  private advance(decideAtTarget: boolean): void {
    const target = this.kernel.nowNs
    while (true) {
      const t = this.lastNs
      if (this.switchEndNs > t) {
        // A switch cannot be interrupted (the kernel switches with interrupts off).
        this.switchEndNs = snap(this.switchEndNs, target)
        const end = this.switchEndNs < target ? this.switchEndNs : target
        this.busyByCategory[Cat.scheduling]! += end - t
        this.switchedNs += end - t
        if (this.ran.listening()) this.emit(this.curr?.id ?? NO_THREAD, this.switchOp, Cat.scheduling, t, end, true)
        this.lastNs = end
        if (end < this.switchEndNs) return
        continue
      }
      const irqJob = this.irq.head
      if (irqJob !== undefined) {
        if (!this.runUntil(this.irq, irqJob)) return
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
      if (!this.runUntil(curr, job)) return
    }
  }

  /**
   * Runs `job` of `t` from `lastNs`: to its end if that is by now (true), else to now. It reads the
   * time itself, as `advance` does: a double handed to a call V8 does not inline is boxed.
   */
  private runUntil(t: Thread, job: Job): boolean {
    const target = this.kernel.nowNs
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
    this.exec(t, ns)
    const w = job.work
    const tracing = this.ran.listening()
    let at = this.lastNs
    let left = ns
    while (left > 0 && job.segment * SEGMENT < job.size) {
      const i = job.segment * SEGMENT
      const segLeft = w[i + 1]! - job.segmentDoneNs
      if (left < segLeft) {
        this.busyByCategory[w[i]!]! += left
        if (tracing) this.emit(t.id, w[i + 2]!, w[i]!, at, at + left, false)
        job.segmentDoneNs += left
        return
      }
      this.busyByCategory[w[i]!]! += segLeft
      if (tracing) this.emit(t.id, w[i + 2]!, w[i]!, at, at + segLeft, false)
      at += segLeft
      left -= segLeft
      this.endSegment(job, i)
    }
  }

  /** Accounts the rest of `job` exactly as submitted (no rounding left behind). */
  private finish(t: Thread, job: Job): void {
    this.exec(t, job.remainingNs)
    job.remainingNs = 0
    const w = job.work
    const tracing = this.ran.listening()
    let at = this.lastNs
    while (job.segment * SEGMENT < job.size) {
      const i = job.segment * SEGMENT
      const ns = w[i + 1]! - job.segmentDoneNs
      this.busyByCategory[w[i]!]! += ns
      if (tracing) {
        this.emit(t.id, w[i + 2]!, w[i]!, at, at + ns, false)
        at += ns
      }
      this.endSegment(job, i)
    }
  }

  /** Fires `ran` for one piece of work (an empty one is no piece). */
  private emit(thread: ThreadId, op: number, category: CpuCategory, startNs: number, endNs: number, switching: boolean): void {
    if (!(endNs > startNs)) return
    const s = this.slice
    s.thread = thread
    s.op = op
    s.category = category
    s.startNs = startNs
    s.endNs = endNs
    s.switching = switching
    this.ran.fire(s, undefined)
  }

  private endSegment(job: Job, i: number): void {
    const op = job.work[i + 2]!
    if (op !== RAW) this.counts[op]! += job.work[i + 3]!
    job.segment++
    job.segmentDoneNs = 0
  }

  private exec(t: Thread, ns: number): void {
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
    if (this.spare.length < MAX_SPARE_JOBS) this.spare.push(job)
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

  /**
   * Fires `ran` for what has run since the core last accounted (what `snapshot` adds from the plan),
   * up to now, without moving the state: for a listener that stops listening now (the end of a
   * trace). Firing it and then letting the core advance would report that time twice.
   */
  ranSinceLastEvent(): void {
    if (!this.ran.listening()) return
    const now = this.kernel.nowNs
    const a = this.plan()
    if (this.switchEndNs > this.lastNs) {
      this.emit(this.curr?.id ?? NO_THREAD, this.switchOp, Cat.scheduling, this.lastNs, Math.min(this.switchEndNs, now), true)
    }
    if (a.switches > 0) this.emit(a.runs?.id ?? NO_THREAD, this.switchOp, Cat.scheduling, a.switchStartNs, Math.min(a.switchEndNs, now), true)
    if (a.runs !== undefined) {
      let at = a.switchEndNs
      const until = Math.min(now, a.runEndNs)
      for (let job = a.runs.head; job !== undefined && at < until; job = job.queued) at = this.emitWalk(a.runs.id, job, at, until)
    }
    if (a.handOff !== undefined && now > a.runEndNs) {
      const switchEndNs = a.runEndNs + this.switchNs
      this.emit(a.handOff.thread, this.switchOp, Cat.scheduling, a.runEndNs, Math.min(switchEndNs, now), true)
      if (now > switchEndNs) this.emitWalk(a.handOff.thread, a.handOff, switchEndNs, now)
    }
  }

  /** Fires `ran` for `job`'s work not yet accounted, from `startNs` until `untilNs` at most; returns where it stopped. */
  private emitWalk(thread: ThreadId, job: Job, startNs: number, untilNs: number): number {
    const w = job.work
    let done = job.segmentDoneNs
    let at = startNs
    for (let segment = job.segment; segment * SEGMENT < job.size && at < untilNs; segment++) {
      const i = segment * SEGMENT
      const end = Math.min(untilNs, at + w[i + 1]! - done)
      this.emit(thread, w[i + 2]!, w[i]!, at, end, false)
      at = end
      done = 0
    }
    return at
  }
}

/**
 * `ns` if it is not `target` give or take rounding, else `target`: an event the core planned for
 * `target` by another sum of the same times happens at `target` (so a decision due then waits for
 * that instant's arrivals, as it would have without the rounding).
 */
const snap = (ns: number, target: number): number => (Math.abs(ns - target) <= 1e-9 + Math.abs(target) * 1e-14 ? target : ns)
