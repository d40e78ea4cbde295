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
 * Cheap by construction: submissions are messages in its mailbox, and one kernel timer, handled in
 * its callback, stands for the next event (the end of a job something waits for, or of a slice),
 * re-armed only when that moves, and everything between events (switches, partial progress, ends of
 * jobs nothing waits for) is computed, not simulated step by step.
 * A scheduling decision that falls due at an instant waits until that instant's arrivals are in (the
 * job that completed usually hands work on), as the kernel decides with the wake-ups an interrupt or
 * a hand-off made.
 *
 * The state (`CoreState.ts`) is held by the actor runtime; this class is what the model holds of the
 * core: thread registration, jobs (from a pool), the mailbox, and the readings.
 */
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Port } from "../actor/Port.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { costNames, estimatedCosts } from "./CostTable.ts"
import type { CostName, CostTable } from "./CostTable.ts"
import { CoreState, INTERRUPT_CONTEXT } from "./CoreState.ts"
import type { CoreSlice, CpuSnapshot } from "./CoreState.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import { Job } from "./Job.ts"
import type { JobOwner, OpCost, Recipe, ThreadId } from "./Job.ts"
import { objectArray } from "../kernel/StableShapes.ts"

/**
 * Messages the core's mailbox holds (a modelling choice, not a hardware figure): it held at most 249 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 14

export { INTERRUPT_CONTEXT, NO_THREAD } from "./CoreState.ts"
export type { CoreSlice, CpuSnapshot } from "./CoreState.ts"
export { Job } from "./Job.ts"
export type { Recipe, ThreadId } from "./Job.ts"
/** Where a job's result goes when it has run: any actor's port. */
export type { Port } from "../actor/Port.ts"

/** The core's mailbox carries jobs only: its own timer is handled in the kernel's callback (`CoreState.fire`). */
type CoreMessage = Job

export interface CpuCoreOptions {
  /** Clock frequency, in cycles per nanosecond (GHz). */
  readonly ghz: number
  /** The operation costs this core charges (default: the first estimates). */
  readonly costs?: CostTable | undefined
}

/** What the core reports as it runs, for whoever connects (a timeline of the host). */
export interface CpuTraces {
  /** A piece of work ran on the core (one operation of a job, or a context switch), as the core accounts it. */
  readonly ran: TraceSource<CoreSlice>
}

/** The core as the model sees it: threads to register, jobs to make and submit, busy time to read. */
export class CpuCore implements JobOwner {
  /** Clock frequency, in cycles per nanosecond (GHz). */
  readonly ghz: number
  /** The operation costs this core charges. */
  readonly costs: CostTable
  /** Each operation's category, time and index, by name (a map: one lookup per operation charged). */
  readonly opCosts: ReadonlyMap<string, OpCost>
  readonly traces: CpuTraces
  private readonly ref: Port<CoreMessage>
  /** The state the actor runtime holds (read here for thread registration and the readings). */
  private readonly state: CoreState
  /** Jobs that have run, kept for reuse: jobs are the hot path's allocation. */
  private readonly spare: Array<Job>

  private constructor(ghz: number, costs: CostTable, opCosts: ReadonlyMap<string, OpCost>, traces: CpuTraces, ref: Port<CoreMessage>, state: CoreState, spare: Array<Job>) {
    this.ghz = ghz
    this.traces = traces
    this.costs = costs
    this.opCosts = opCosts
    this.ref = ref
    this.state = state
    this.spare = spare
  }

  /** Starts the core's actor in the current simulation. */
  static make = Effect.fnUntraced(function*(options: CpuCoreOptions): Effect.fn.Return<CpuCore, never, Simulation | ActorSystem | Scope.Scope> {
    const { kernel } = yield* Simulation
    const ghz = options.ghz
    const costs = options.costs ?? estimatedCosts
    const opCosts = new Map(costNames.map((n, index) => [n, { category: costs[n].category, ns: costs[n].cycles / ghz, index }]))
    const spare: Array<Job> = objectArray()
    const traces: CpuTraces = { ran: new TraceSource<CoreSlice>() }
    // Made now, not when the actor's fiber first runs: the world registers its threads while it builds.
    const state = new CoreState(kernel, {
      switchNs: costs.contextSwitch.cycles / ghz,
      switchOp: opCosts.get("contextSwitch")!.index,
      spare,
      ran: traces.ran
    })
    // Room for what one instant brings: a storm's burst is bounded by the guest's own mailbox (4096).
    const self = yield* ModelActor.makeStateful<CoreMessage, CoreState>({
      name: "cpu",
      capacity: MAILBOX_MESSAGES,
      initial: () => state,
      handle: (s, message) => {
        s.handle(message)
        return s
      },
      // The core is hardware: no fault crashes it, and nothing of it would be lost.
      recover: (crashed) => crashed
    })
    return new CpuCore(ghz, costs, opCosts, traces, self, state, spare)
  })

  /** Registers a thread (once, when the system is built); `vm` is the VM it works for, if any. */
  thread(name: string, vm?: number): ThreadId {
    return this.state.addThread(name, vm)
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
    this.ref.tellUnsafe(job)
  }

  /**
   * Busy and idle time up to now, by category, thread and VM; partial progress of a running or
   * preempted job counts. busy + idle = elapsed, always. Reads the state; changes nothing.
   */
  snapshot(): CpuSnapshot {
    return this.state.snapshot()
  }

  /**
   * Fires `traces.ran` for the work run since the core last accounted, up to now (what `snapshot`
   * counts but the core has not yet reported), without changing anything: for a listener about to
   * stop listening. Called twice, or followed by more listening, it reports that time twice.
   */
  reportRunning(): void {
    this.state.ranSinceLastEvent()
  }
}
