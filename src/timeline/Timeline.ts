/**
 * A timeline of the host for Perfetto (`vwifi run --trace-out`): it observes the core's trace source,
 * the actors' handled messages and the frames' TX path, and writes what falls in a window of virtual
 * time as Chrome trace events (`ChromeTrace.ts`). The model does not know it; the world connects it.
 *
 * ```
 * host CPU (one core)   core            │ guestPacket │cs│ driverCommand │ irq… │   a slice per piece of work:
 *                                                                                 its operation, its Table 1 category
 *                       interrupts      ·······················│ irq… │          one track per thread: its runs on the core
 *                       vcpu-vm1        │ guestPacket … │
 *                       io-vm1                              │ driverCommand … │
 * actors                dm-vm1          ◆   ◆ ◆                                   an instant per handled message
 * TX path               1 guest send    ▮─────╮                                   a frame's stages, linked by
 *                       …                     ╰──▮──╮ … 6 acked ▮                 flow arrows (guest send → acked),
 *                                                                                 a stage's lanes (`TxPathTracks.ts`)
 * ```
 *
 * The core's slices never overlap, and per category they add up to the core's busy time in the
 * window (`CpuCore.snapshot().breakdownNs` at its end minus at its start, to within 0.01 ns per
 * slice: the resolution times are written in). A slice across a bound of the window is cut at it,
 * and a frame's path across one is drawn in part.
 */
import type { CoreSlice } from "../cpu/CoreState.ts"
import { RAW } from "../cpu/Job.ts"
import { categories } from "../cpu/CpuCategory.ts"
import { costNames } from "../cpu/CostTable.ts"
import type { TraceName, TraceObserver } from "../kernel/Trace.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { MAX_FRAME_LIFETIME_NS } from "../vocabulary/ModelConstants.ts"
import { ChromeTraceWriter, encoded, eventTail, instantHead, metadata, spanHead, ticksOf } from "./ChromeTrace.ts"
import { PID_TX, TxPathTracks } from "./TxPathTracks.ts"

export { FRAME_MARKER_NS } from "./TxPathTracks.ts"

/**
 * Events a trace holds at most by default: about 100 bytes each, a file of about 200 MB, which
 * ui.perfetto.dev still opens in a browser tab (its JSON importer holds the whole file). Modelling
 * choice; past it events are counted, not written, and the trace says how many.
 */
export const MAX_TIMELINE_EVENTS = 2_000_000

/**
 * The window a timeline covers unless told: this long, from the end of the warm-up (the steady
 * state), at most to the run's end. One second of model (a) is about 160,000 events, 18 MB, which
 * ui.perfetto.dev opens at once and which costs the run little; the whole default run is ten times
 * that. Modelling choice.
 */
export const TIMELINE_DEFAULT_SPAN_NS = 1e9

/** The default window of a run with this warm-up and duration (ns). */
export const defaultWindow = (warmupNs: number, durationNs: number): { readonly fromNs: number; readonly untilNs: number } => {
  const fromNs = warmupNs < durationNs ? warmupNs : 0
  return { fromNs, untilNs: Math.min(durationNs, fromNs + TIMELINE_DEFAULT_SPAN_NS) }
}

/** The trace's processes (Perfetto's groups of tracks). */
const PID_HOST = 1
const PID_ACTORS = 2
/** The core's own track, and where thread tracks start (thread id + this). */
const TID_CORE = 1
const TID_THREAD_BASE = 10

export interface TimelineOptions {
  /** The window, virtual ns: what happens outside it is left out. `untilNs` may be Infinity (to the run's end). */
  readonly fromNs: number
  readonly untilNs: number
  /** Events written at most (default `MAX_TIMELINE_EVENTS`), besides the tracks' names and the file's own metadata, always written. */
  readonly eventsMax?: number | undefined
  /** Receives the file's bytes (UTF-8), chunk by chunk, in order; a chunk is valid only during the call. */
  readonly write: (chunk: Uint8Array) => void
}

/** What the core tells a timeline besides its slices: its threads, and the work it has run but not yet reported. */
export interface CoreView {
  /** Thread names by thread id (interrupt context first). */
  readonly threadNames: () => ReadonlyArray<string>
  /** Reports (as slices) the work run since the core last accounted: once, at the end. */
  readonly reportRunning: () => void
}

/**
 * How a timeline lets go of what it observes once past its window's end (events only come later
 * from then on): with no one listening, the core builds no slices and the sources fire nothing, so
 * the rest of the run costs what it would without a timeline. The frames' acks are let go later: a
 * frame sent in the window may be acknowledged long after it (`Timeline.acked`).
 */
export interface TimelineDetach {
  readonly core: () => void
  readonly actors: () => void
  readonly frames: () => void
}

/** What a finished timeline wrote. */
export interface TimelineSummary {
  readonly fromNs: number
  readonly untilNs: number
  readonly events: number
  /** Events past the cap, not written, and the earliest virtual time among them (null: none). */
  readonly cutEvents: number
  readonly cutFromNs: number | null
  readonly coreSlices: number
  readonly actorEvents: number
  /** Frames that passed a point of their TX path in the window (drawn, below the cap), and of them those drawn in part: sent before the window or acknowledged after it. */
  readonly frames: number
  readonly framesInPart: number
}

/** A thread's run on the core not yet written (times in ticks): consecutive pieces of its work are one slice on its track. */
interface Run {
  thread: number
  start: number
  end: number
  op: number
  ops: number
}

export class Timeline implements TraceObserver {
  readonly fromNs: number
  readonly untilNs: number
  private readonly out: ChromeTraceWriter
  private core: CoreView | undefined = undefined
  private detach: TimelineDetach | undefined = undefined
  private finished = false
  /** The end of the last slice on the core's track, ticks (the next starts no earlier). */
  private coreEnd = -Infinity
  private readonly run: Run = { thread: -1, start: 0, end: 0, op: 0, ops: 0 }
  private readonly opNames = costNames.map(encoded)
  private readonly rawName = encoded("cycles")
  private readonly categoryIds = categories.map((c) => encoded(c.id))
  /**
   * The category of a thread's runs: a run spans several operations, often of several Table 1
   * categories, so it takes none of them (with its first's, summing a category over the host's
   * tracks counted the run's other operations in it, and the core's slices twice).
   */
  private readonly runCategory = encoded("thread-run")
  /** Per thread id: the core slices' args (`{"thread": name}`), and a switch's to it (`{"to": name}`). */
  private threadArgs: Array<Uint8Array> = []
  private switchArgs: Array<Uint8Array> = []
  private readonly idleArgs = new TextEncoder().encode(`{"to":"idle"}`)
  private readonly runKeys = [encoded("operations")]
  private readonly counts = new Float64Array(1)
  private readonly actorTracks = new Map<TraceName, number>()
  /** Per actor track id: its instants' head (`instantHead`). */
  private readonly actorHeads: Array<Uint8Array> = []
  /** Per kind of message: its instants' tail (`eventTail`). */
  private readonly kindTails = new Map<TraceName, Uint8Array>()
  private readonly coreHead = spanHead(PID_HOST, TID_CORE)
  /** Per thread id + 1 (0: idle), per operation, category and switch (`tailKey`): the core slices' tails, made when first met. */
  private readonly coreTails: Array<Array<Uint8Array | undefined>> = []
  private readonly actorCat = encoded("actor")
  private readonly tx: TxPathTracks
  private coreSlices = 0
  private actorEvents = 0
  private cutFromNs: number | null = null
  /** Whether a core slice was not written (the cap): from then on the core's slices no longer add up. */
  private coreCut = false

  constructor(options: TimelineOptions) {
    if (!(options.untilNs > options.fromNs) || !(options.fromNs >= 0)) {
      throw new RangeError(`a timeline's window must end after it starts: ${options.fromNs}..${options.untilNs} ns`)
    }
    const max = options.eventsMax
    if (max !== undefined && !(Number.isSafeInteger(max) && max >= 1)) {
      throw new RangeError(`a timeline's eventsMax must be a whole number of events, 1 or more, got ${max}`)
    }
    this.fromNs = options.fromNs
    this.untilNs = options.untilNs
    this.out = new ChromeTraceWriter(options.write, options.eventsMax ?? MAX_TIMELINE_EVENTS)
    this.tx = new TxPathTracks(this.out, this.fromNs, this.untilNs, (atNs) => this.refuse(atNs, 1))
  }

  /** Whether a run has used it already: a timeline writes one run's file, and a second run would add nothing to it. */
  get used(): boolean {
    return this.core !== undefined || this.finished
  }

  /** Connects the core (the builder of the world does, once). */
  attachCore(core: CoreView): void {
    this.core = core
  }

  /** How to disconnect each stream of events once past the window (the builder of the world gives them, once). */
  detachWith(detach: TimelineDetach): void {
    this.detach = detach
  }

  /** The args of `thread`'s slices (`switching`: of a switch to it), names read from the core when first needed. */
  private argsOf(thread: number, switching: boolean): Uint8Array {
    if (thread < 0) return this.idleArgs
    if (thread >= this.threadArgs.length) {
      const names = this.core?.threadNames() ?? []
      const encoder = new TextEncoder()
      this.threadArgs = names.map((n) => encoder.encode(`{"thread":${JSON.stringify(n)}}`))
      this.switchArgs = names.map((n) => encoder.encode(`{"to":${JSON.stringify(n)}}`))
    }
    // A thread the core does not list (never so in a built world): named by its id.
    return (switching ? this.switchArgs[thread] : this.threadArgs[thread]) ?? new TextEncoder().encode(`{"thread":${thread}}`)
  }

  // --- the core -------------------------------------------------------------------------------

  /** A piece of work ran on the core (`CpuCore.traces.ran`). */
  ran(s: CoreSlice): void {
    if (this.finished) return
    // The core reports its work in order: past the window's end, nothing more is for it.
    if (s.startNs >= this.untilNs) return this.detach?.core()
    const from = s.startNs > this.fromNs ? s.startNs : this.fromNs
    const to = s.endNs < this.untilNs ? s.endNs : this.untilNs
    if (!(to > from)) return
    // A start rounded before the last end (float rounding of the same instant) is that end.
    const rounded = ticksOf(from)
    const start = rounded > this.coreEnd ? rounded : this.coreEnd
    const end = Math.max(start, ticksOf(to))
    this.coreEnd = end
    this.coreSlices++
    if (!this.out.room()) {
      this.coreCut = true
      return this.refuse(from, 1)
    }
    this.out.completeFrom(this.coreHead, start, end, this.coreTail(s))
    // The thread's own track: its runs (a switch belongs to the scheduler, not to the thread).
    const r = this.run
    if (s.switching) {
      this.endRun()
    } else if (r.thread === s.thread && r.end === start) {
      r.end = end
      r.ops++
    } else {
      this.endRun()
      r.thread = s.thread
      r.start = start
      r.end = end
      r.op = s.op
      r.ops = 1
    }
  }

  /** A core slice's tail: its operation, category and thread (or the switch's next thread), encoded once per combination. */
  private coreTail(s: CoreSlice): Uint8Array {
    const byThread = (this.coreTails[s.thread + 1] ??= [])
    const key = ((s.op + 1) * categories.length + s.category) * 2 + (s.switching ? 1 : 0)
    let tail = byThread[key]
    if (tail === undefined) {
      const name = s.op === RAW ? this.rawName : this.opNames[s.op]!
      tail = eventTail(name, this.categoryIds[s.category]!, this.argsOf(s.thread, s.switching))
      byThread[key] = tail
    }
    return tail
  }

  private endRun(): void {
    const r = this.run
    if (r.thread < 0) return
    const name = r.op === RAW ? this.rawName : this.opNames[r.op]!
    this.counts[0] = r.ops
    this.out.completeCounts(PID_HOST, TID_THREAD_BASE + r.thread, r.start, r.end, name, this.runCategory, this.runKeys, this.counts)
    r.thread = -1
  }

  // --- the actors -----------------------------------------------------------------------------

  /** An actor handled a message (or crashed, or restarted): the kernel's trace observer. */
  recorded(timeNs: number, actor: TraceName, kind: TraceName): void {
    if (this.finished || timeNs < this.fromNs) return
    // Virtual time only moves on: past the window's end, no event is for it.
    if (timeNs > this.untilNs) return this.detach?.actors()
    this.actorEvents++
    if (!this.out.room()) return this.refuse(timeNs, 1)
    let tid = this.actorTracks.get(actor)
    if (tid === undefined) {
      tid = this.actorTracks.size + 1
      this.actorTracks.set(actor, tid)
      this.actorHeads[tid] = instantHead(PID_ACTORS, tid)
    }
    let tail = this.kindTails.get(kind)
    if (tail === undefined) {
      tail = eventTail(encoded(kind.text), this.actorCat)
      this.kindTails.set(kind, tail)
    }
    this.out.instantFrom(this.actorHeads[tid]!, ticksOf(timeNs), tail)
  }

  // --- frames ---------------------------------------------------------------------------------

  /**
   * A frame's exchange was acknowledged at `nowNs` (`Air.traces.txPathDone`): its points on the TX
   * path that fall in the window (`TxPathTracks`). A frame sent in the window may be acknowledged
   * long after it, but not later than a frame lives (`MAX_FRAME_LIFETIME_NS`: past it the run counts
   * the frame unaccounted): past that, no ack is for the window.
   */
  acked(f: Frame, nowNs: number): void {
    if (nowNs > this.untilNs + MAX_FRAME_LIFETIME_NS) return this.detach?.frames()
    if (!this.finished) this.tx.acked(f, nowNs)
  }

  /** `n` events at `atNs` not written: the cap is reached. */
  private refuse(atNs: number, n: number): void {
    // Frames come at their acks, after their points: the earliest, not the first.
    if (this.cutFromNs === null || atNs < this.cutFromNs) this.cutFromNs = atNs
    for (let i = 0; i < n; i++) this.out.refuse()
  }

  // --- the end --------------------------------------------------------------------------------

  /** Ends the trace: the core's work up to now, the tracks' names, the footer. Once. */
  finish(): TimelineSummary {
    if (!this.finished) {
      this.core?.reportRunning()
      this.endRun()
      this.finished = true
      // Past the cap too: a track without its name is no use.
      for (const text of this.trackNames()) this.out.always(text)
    }
    const summary: TimelineSummary = {
      fromNs: this.fromNs,
      untilNs: this.untilNs,
      events: this.out.written,
      cutEvents: this.out.cut,
      cutFromNs: this.cutFromNs,
      coreSlices: this.coreSlices,
      actorEvents: this.actorEvents,
      frames: this.tx.frames,
      framesInPart: this.tx.framesInPart
    }
    this.out.finish({
      source: "vwifi run --trace-out",
      windowNs: [this.fromNs, Number.isFinite(this.untilNs) ? this.untilNs : null],
      cutEvents: summary.cutEvents,
      cutFromNs: summary.cutFromNs,
      note: summary.cutEvents === 0
        ? "complete within the window"
        : `${summary.cutEvents} events past the cap were not written, from ${summary.cutFromNs} ns on` +
          (this.coreCut ? ": past it the core's slices no longer add up to its busy time" : ": the core's slices are all written")
    })
    return summary
  }

  private trackNames(): Array<string> {
    const names = [
      metadata("process_name", PID_HOST, 0, "host CPU (one core)"),
      metadata("process_sort_index", PID_HOST, 0, 1),
      metadata("thread_name", PID_HOST, TID_CORE, "core"),
      metadata("thread_sort_index", PID_HOST, TID_CORE, 0),
      metadata("process_name", PID_ACTORS, 0, "actors (messages handled)"),
      metadata("process_sort_index", PID_ACTORS, 0, 2),
      metadata("process_name", PID_TX, 0, "TX path (frames, guest send to ack)"),
      metadata("process_sort_index", PID_TX, 0, 3)
    ]
    const threads = this.core?.threadNames() ?? []
    threads.forEach((name, id) => {
      names.push(metadata("thread_name", PID_HOST, TID_THREAD_BASE + id, id === 0 ? `${name} (IRQ context)` : name))
      names.push(metadata("thread_sort_index", PID_HOST, TID_THREAD_BASE + id, id + 1))
    })
    for (const [actor, tid] of this.actorTracks) names.push(metadata("thread_name", PID_ACTORS, tid, actor.text))
    names.push(...this.tx.trackNames())
    return names
  }
}
