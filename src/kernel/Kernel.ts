/**
 * The deterministic virtual-time kernel: one run queue of ready fiber steps and one heap of timers.
 *
 * Effect fibers run on it unchanged: `KernelScheduler` puts every fiber step on the run queue, and
 * `VirtualClock.sleep` registers a timer in the heap. The loop drains the run queue completely,
 * then jumps virtual time to the earliest timer and fires it, so nothing waits in real time and
 * the order of events depends only on the program and its seed.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Fiber from "effect/Fiber"
import type * as Clock from "effect/Clock"
import type * as Scheduler from "effect/Scheduler"
import { FiberLabel } from "./FiberLabel.ts"
import { RunawayFiber } from "./KernelError.ts"
import type { Timer, TimerTarget } from "./TimerHeap.ts"
import { DELIVER_MESSAGE, TimerHeap } from "./TimerHeap.ts"
import { DOUBLE_FIELD_SEED, objectArray } from "./StableShapes.ts"

/** Why `Kernel.runUntil` returned. */
export type StepOutcome =
  /** nothing is ready and no timer is pending */
  | "idle"
  /** the next timer lies beyond the time limit; virtual time now equals the limit */
  | "limit"
  /** the wall-clock slice ran out; call again to go on */
  | "slice"
  /** the run was aborted (see `Kernel.abortReason`) */
  | "aborted"
  /** `Kernel.stop` was called (the run's program finished) */
  | "stopped"

/** Limits that turn a runaway fiber into an error instead of a hang. */
export interface RunawayLimits {
  /** Fiber steps allowed at one virtual instant. */
  readonly maxStepsPerInstant: number
  /** Forced yields (a fiber ran `MaxOpsBeforeYield` operations in a row) allowed at one instant. */
  readonly maxForcedYieldsPerInstant: number
}

export const defaultRunawayLimits: RunawayLimits = {
  maxStepsPerInstant: 2_000_000,
  maxForcedYieldsPerInstant: 5_000
}

/** Run-queue entries kept allocated between batches (a bigger burst's array is let go): 64 KiB of slots. */
const MAX_KEPT_QUEUE_TASKS = 8192

/** Fiber steps sampled, after a limit trips, to name the fibers that were spinning. */
const SUSPECT_SAMPLES = 256

export class Kernel {
  /** Current virtual time in nanoseconds (a double field from the start: `DOUBLE_FIELD_SEED`; 0 once constructed). */
  nowNs = DOUBLE_FIELD_SEED
  /** Fiber steps and timer firings processed so far. */
  eventsProcessed = 0
  /** Set when the run is aborted; the loop stops at once. */
  abortReason: RunawayFiber | undefined = undefined
  /** Set by `stop`; the loop returns at the next step. */
  stopped = false

  /**
   * The run queue: steps from `head` to `tail`. The array is kept between batches (emptying it with
   * `length = 0` would free its backing store, and every batch, one per timer fired, would allocate
   * and grow a new one); one grown past `MAX_KEPT_QUEUE_TASKS` is let go.
   */
  private queue: Array<(() => void) | undefined> = objectArray()
  private head = 0
  private tail = 0
  private readonly timers = new TimerHeap()
  private readonly limits: RunawayLimits
  private stepsThisInstant = 0
  private forcedYieldsThisInstant = 0
  private suspects: Map<string, number> | undefined = undefined
  private suspectSamples = 0

  readonly scheduler: Scheduler.Scheduler
  readonly clock: Clock.Clock

  constructor(limits: RunawayLimits = defaultRunawayLimits) {
    this.limits = limits
    this.nowNs = 0
    this.scheduler = new KernelScheduler(this)
    this.clock = new VirtualClock(this)
  }

  /**
   * Puts a fiber step at the back of the run queue. `owner` names whose work it is when the caller
   * knows better than the current fiber (a timer callback waking an actor runs in no actor's fiber).
   */
  enqueue(task: () => void, owner?: string): void {
    if (this.suspects !== undefined) this.sampleSuspect(owner ?? labelOf(Fiber.getCurrent()))
    this.queue[this.tail++] = task
  }

  /** Fires `fire` at absolute virtual time `atNs` (never earlier than now). */
  setTimer(atNs: number, fire: () => void): Timer {
    return this.timers.push(atNs < this.nowNs ? this.nowNs : atNs, fire)
  }

  /** Delivers `message` to `target` at absolute virtual time `atNs` (never earlier than now), with no closure. */
  tellAt<M>(atNs: number, target: { readonly tellUnsafe: (message: M) => boolean }, message: M): Timer {
    return this.timers.pushMessage(atNs < this.nowNs ? this.nowNs : atNs, target as TimerTarget, message)
  }

  /**
   * A timer object not set yet, for an owner that keeps one and moves it (`rescheduleTimer`): its
   * first setting takes the same path as the later ones, so code optimised in one world does not meet
   * the first-time path in the next.
   */
  unsetTimer(): Timer {
    return this.timers.unset()
  }

  /** Moves `timer` (unset, live, cancelled or fired) to fire `fire` at `atNs`: as `cancelTimer` then `setTimer`, in place. */
  rescheduleTimer(timer: Timer, atNs: number, fire: () => void): void {
    this.timers.reschedule(timer, atNs < this.nowNs ? this.nowNs : atNs, fire)
  }

  cancelTimer(timer: Timer): void {
    this.timers.cancel(timer)
  }

  /** Pending live timers. */
  get pendingTimers(): number {
    return this.timers.size
  }

  /** Ready fiber steps not yet run. */
  get readyTasks(): number {
    return this.tail - this.head
  }

  /** Makes `runUntil` return after the current step (used when the run's program has finished). */
  stop(): void {
    this.stopped = true
  }

  /** Called by the scheduler when a fiber is forced to yield after a long synchronous stretch. */
  noteForcedYield(fiber: Fiber.Fiber<unknown, unknown>): void {
    if (++this.forcedYieldsThisInstant > this.limits.maxForcedYieldsPerInstant && this.abortReason === undefined) {
      this.abortReason = new RunawayFiber({
        actors: [fiber.getRef(FiberLabel)],
        virtualTimeNs: this.nowNs,
        steps: this.stepsThisInstant
      })
    }
  }

  /** Runs fiber steps and timers until idle, past `untilNs`, the wall slice ends, or an abort. */
  runUntil(untilNs: number, sliceEndWallMs: number = Infinity): StepOutcome {
    if (this.stopped) return "stopped"
    let queue = this.queue
    while (true) {
      while (this.head < this.tail) {
        const task = queue[this.head]!
        queue[this.head++] = undefined
        task()
        this.eventsProcessed++
        if (++this.stepsThisInstant > this.limits.maxStepsPerInstant) this.onTooManySteps()
        if (this.abortReason !== undefined) return "aborted"
        if (this.stopped) return "stopped"
        if ((this.eventsProcessed & 0xfff) === 0 && performance.now() > sliceEndWallMs) return "slice"
      }
      if (queue.length > MAX_KEPT_QUEUE_TASKS) queue = this.queue = objectArray()
      this.head = 0
      this.tail = 0
      const next = this.timers.peek()
      if (next === undefined) return "idle"
      if (next.atNs > untilNs) {
        if (untilNs > this.nowNs) this.advanceTo(untilNs)
        return "limit"
      }
      this.timers.pop()
      if (next.atNs > this.nowNs) this.advanceTo(next.atNs)
      const fire = next.fire!
      next.fire = undefined
      if (fire === DELIVER_MESSAGE) {
        const target = next.target as { readonly tellUnsafe: (message: unknown) => boolean }
        const message = next.message
        next.target = undefined
        next.message = undefined
        target.tellUnsafe(message)
      } else fire()
      this.eventsProcessed++
      if (this.abortReason !== undefined) return "aborted"
      if (this.stopped) return "stopped"
      if ((this.eventsProcessed & 0xfff) === 0 && performance.now() > sliceEndWallMs) return "slice"
    }
  }

  private advanceTo(ns: number): void {
    this.nowNs = ns
    this.stepsThisInstant = 0
    this.forcedYieldsThisInstant = 0
    this.suspects = undefined
  }

  // After the step limit trips, sample who keeps scheduling work for a while, then abort naming them.
  private onTooManySteps(): void {
    if (this.suspects === undefined) {
      this.suspects = new Map()
      this.suspectSamples = 0
    } else if (this.suspectSamples >= SUSPECT_SAMPLES && this.abortReason === undefined) {
      const actors = [...this.suspects.entries()].sort((x, y) => y[1] - x[1] || (x[0] < y[0] ? -1 : 1)).map(([name]) => name)
      this.abortReason = new RunawayFiber({ actors, virtualTimeNs: this.nowNs, steps: this.stepsThisInstant })
    }
  }

  private sampleSuspect(label: string): void {
    this.suspects!.set(label, (this.suspects!.get(label) ?? 0) + 1)
    this.suspectSamples++
  }
}

const labelOf = (fiber: Fiber.Fiber<unknown, unknown> | undefined): string =>
  fiber === undefined ? "(kernel timer)" : fiber.getRef(FiberLabel)

/** Runs every fiber step on the kernel's run queue, in FIFO order. */
class KernelScheduler implements Scheduler.Scheduler {
  readonly executionMode = "sync" as const
  private readonly kernel: Kernel
  private readonly dispatcher: Scheduler.SchedulerDispatcher

  constructor(kernel: Kernel) {
    this.kernel = kernel
    this.dispatcher = {
      scheduleTask: (task) => kernel.enqueue(task),
      // Draining happens in the kernel loop; a flush from inside the run has nothing more to do.
      flush: () => {}
    }
  }

  shouldYield(fiber: Fiber.Fiber<unknown, unknown>): boolean {
    if (fiber.currentOpCount < fiber.cache.maxOpsBeforeYield) return false
    this.kernel.noteForcedYield(fiber)
    return true
  }

  makeDispatcher(): Scheduler.SchedulerDispatcher {
    return this.dispatcher
  }
}

/** Converts an Effect duration to whole nanoseconds as a number (exact up to ~104 days). */
export const durationToNs = (duration: Duration.Duration): number => {
  const value = duration.value
  switch (value._tag) {
    case "Nanos":
      return Number(value.nanos)
    case "Millis":
      return Math.round(value.millis * 1e6)
    case "Infinity":
      return Infinity
    case "NegativeInfinity":
      return 0
  }
}

/** Virtual time: reads the kernel's clock; `sleep` is a timer in the kernel's heap. */
class VirtualClock implements Clock.Clock {
  private readonly kernel: Kernel
  readonly currentTimeMillis: Effect.Effect<number>
  readonly currentTimeNanos: Effect.Effect<bigint>
  readonly monotonicTimeNanos: Effect.Effect<bigint>

  constructor(kernel: Kernel) {
    this.kernel = kernel
    this.currentTimeMillis = Effect.sync(() => this.currentTimeMillisUnsafe())
    this.currentTimeNanos = Effect.sync(() => this.currentTimeNanosUnsafe())
    this.monotonicTimeNanos = this.currentTimeNanos
  }

  currentTimeMillisUnsafe(): number {
    return this.kernel.nowNs / 1e6
  }

  currentTimeNanosUnsafe(): bigint {
    return BigInt(this.kernel.nowNs)
  }

  monotonicTimeNanosUnsafe(): bigint {
    return BigInt(this.kernel.nowNs)
  }

  sleep(duration: Duration.Duration): Effect.Effect<void> {
    return sleepNs(this.kernel, durationToNs(duration))
  }
}

/** Suspends the calling fiber for `ns` nanoseconds of virtual time. */
export const sleepNs = (kernel: Kernel, ns: number): Effect.Effect<void> => {
  // NaN is a computation gone wrong (a wait of 0 would hide it); 0 or less is "now", after what is queued.
  if (Number.isNaN(ns)) return Effect.die(new RangeError("a sleep of NaN nanoseconds"))
  if (!(ns > 0)) return Effect.yieldNow
  if (ns === Infinity) return Effect.never
  return Effect.callback<void>((resume) => {
    const timer = kernel.setTimer(kernel.nowNs + ns, () => resume(Effect.void))
    return Effect.sync(() => kernel.cancelTimer(timer))
  })
}
