/**
 * One piece of work for one thread of the core, and the fixed sequences (recipes) hot paths run: what
 * a step of the model hands the core (`CpuCore.job`, fill it, `submit`). A job's work is a flat array
 * kept across reuses, since jobs are the hot path's allocation.
 */
import type { Port } from "../actor/Port.ts"
import type { CpuCategory } from "./CpuCategory.ts"
import type { CostName } from "./CostTable.ts"
import { DOUBLE_FIELD_SEED, objectArray } from "../kernel/StableShapes.ts"

/** A thread of the core: a small integer from `CpuCore.thread`. */
export type ThreadId = number

/** An operation as a job charges it: its category, its time per run, its index in `costNames`. */
export interface OpCost {
  readonly category: CpuCategory
  readonly ns: number
  readonly index: number
}

/** What a job needs of its core: the operations' costs, the clock, and the way into its mailbox. */
export interface JobOwner {
  readonly opCosts: ReadonlyMap<string, OpCost>
  readonly ghz: number
  submit(job: Job): void
}

// A job's work is a flat list of segments: [category, ns, op index (-1: raw cycles), times].
export const SEGMENT = 4
export const RAW = -1
/** Jobs kept for reuse at most (a bound on the pool, not on the work: more are simply made). */
export const MAX_SPARE_JOBS = 1024

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
  /** Work not yet run, ns (a double from the start, 0 from the constructor). */
  remainingNs = DOUBLE_FIELD_SEED
  /** The segment running, and how much of it has run. */
  segment = 0
  segmentDoneNs = DOUBLE_FIELD_SEED // a double from the start, 0 from the constructor
  port: Port<unknown> | undefined = undefined
  message: unknown = undefined
  /** Further deliveries, as port, message, port, message… (rare: a step with two outputs). */
  more: Array<unknown> | undefined = undefined
  /** A job the core submits itself when this one has run (the next stage, on another thread). */
  following: Job | undefined = undefined
  /** The next job in its thread's queue. */
  queued: Job | undefined = undefined
  private readonly core: JobOwner

  constructor(core: JobOwner, thread: ThreadId) {
    this.core = core
    this.thread = thread
    this.remainingNs = 0
    this.segmentDoneNs = 0
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
      ;(this.more ??= objectArray()).push(port, message)
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

/**
 * Adds the next `ns` of `job`'s work to `byCategory`, and the operations it finishes to `counts`
 * (all of them when `ns` reaches the job's end), without moving the job.
 */
export const walk = (job: Job, ns: number, byCategory: Float64Array, counts: Array<number>): void => {
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
