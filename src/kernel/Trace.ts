/**
 * The ordered log of model events and its digest. Every event (virtual time, actor, kind, two key
 * fields) is folded into a 64-bit digest as it happens; the log itself is only written when a sink
 * is given, line by line, so a long run never keeps its trace in memory.
 *
 * Names are hashed once (`TraceLog.name`) and events carry the hashes, so recording an event costs
 * a few integer multiplications and no allocation.
 */

/** A 32-bit FNV-1a hash of a string: the stable id of an actor or event kind in the digest. */
export const hashName = (name: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) {
    h ^= name.charCodeAt(i)
    h = Math.imul(h, 0x01000193)
  }
  return h >>> 0
}

/** A name as the trace uses it: its text for the streamed log, its hash for the digest. */
export interface TraceName {
  readonly text: string
  readonly hash: number
}

/** Where `recordNow` reads the time: the kernel. */
export interface TraceClock {
  readonly nowNs: number
}

/** Receives each trace line when the full trace is requested. */
export type TraceSink = (line: string) => void

/** Told of each event as it is recorded, with the interned names (no line is made for it). */
export interface TraceObserver {
  recorded(timeNs: number, actor: TraceName, kind: TraceName, a: number, b: number): void
}

/** 2^-32: a number's high 32-bit word is `Math.floor(n * TWO_POW_MINUS_32)` (exact: a power of two). */
const TWO_POW_MINUS_32 = 1 / 4294967296

// Odd 32-bit multipliers: multiplying by one is a bijection of 32-bit words, so a field that
// changes always changes the word it enters. The first four are Murmur3's and xxHash's constants.
const M1 = 0xcc9e2d51 | 0
const M2 = 0x1b873593 | 0
const M3 = 0x85ebca6b | 0
const M4 = 0xc2b2ae35 | 0
const M5 = 0x9e3779b1 | 0
const M6 = 0x27d4eb2f | 0

/** Murmur3's finaliser (`fmix32`): full avalanche of one 32-bit word, applied only when the digest is read. */
const fmix = (h: number): number => {
  h ^= h >>> 16
  h = Math.imul(h, 0x85ebca6b)
  h ^= h >>> 13
  h = Math.imul(h, 0xc2b2ae35)
  return (h ^ (h >>> 16)) >>> 0
}

export class TraceLog {
  private lo = 0x9747b28c
  private hi = 0x5bd1e995
  /** Events recorded so far. */
  events = 0
  private readonly names = new Map<string, TraceName>()
  private readonly sink: TraceSink | undefined
  private readonly clock: TraceClock | undefined
  private observer: TraceObserver | undefined = undefined

  constructor(sink?: TraceSink, clock?: TraceClock) {
    this.sink = sink
    this.clock = clock
  }

  /** Tells `observer` of every event recorded from now on (one observer: a later call replaces it). It changes nothing recorded. */
  observe(observer: TraceObserver): void {
    this.observer = observer
  }

  /** Stops telling `observer` (if it is still the one observing). */
  unobserve(observer: TraceObserver): void {
    if (this.observer === observer) this.observer = undefined
  }

  /** The interned trace name for `text` (call once per actor or kind, not per event). */
  name(text: string): TraceName {
    let n = this.names.get(text)
    if (n === undefined) {
      n = { text, hash: hashName(text) }
      this.names.set(text, n)
    }
    return n
  }

  /**
   * Records one event. `a` and `b` are key fields: integers (up to 2^53) such as a frame sequence
   * number, a VM index or a byte count; pass 0 when unused.
   *
   * The fold: the event's eight 32-bit words (time, a and b as low and high words, the two name
   * hashes) are combined into one word per lane, each lane pairing them differently, with
   * multiplications that do not depend on the lanes (they run in parallel); then each lane takes
   * one step, `lane = xorshift(imul(lane ^ word, odd))`. That step is a bijection of the lane for a
   * given word, so an event whose words differ in one place (one field changed, but for time, a or b
   * crossing a multiple of 2^32) always leaves the digest different, and swapping two events changes them but for a chance collision.
   * The full mixing happens once, when the digest is read.
   */
  record(timeNs: number, actor: TraceName, kind: TraceName, a: number, b: number): void {
    this.fold(timeNs | 0, Math.floor(timeNs * TWO_POW_MINUS_32) | 0, actor.hash | 0, kind.hash | 0, a, b)
    if (this.sink !== undefined || this.observer !== undefined) this.tell(timeNs, actor, kind, a, b)
  }

  // The time reaches `fold` as two 32-bit words: a double passed to a call that is not inlined is
  // boxed, 16 bytes each time.
  private fold(tLo: number, tHi: number, who: number, what: number, a: number, b: number): void {
    this.events++
    const aLo = a | 0
    const aHi = Math.floor(a * TWO_POW_MINUS_32) | 0
    const bLo = b | 0
    const bHi = Math.floor(b * TWO_POW_MINUS_32) | 0
    const u = (Math.imul(tLo ^ what, M1) + Math.imul(aLo ^ bHi, M2) + Math.imul(who ^ tHi, M3) + (bLo ^ aHi)) | 0
    const v = (Math.imul(tLo ^ bLo, M4) + Math.imul(who ^ aHi, M5) + Math.imul(what ^ aLo, M6) + (tHi ^ bHi)) | 0
    let lo = Math.imul(this.lo ^ u, M5)
    lo ^= lo >>> 15
    this.lo = lo
    let hi = Math.imul(this.hi ^ v, M3)
    hi ^= hi >>> 13
    this.hi = hi
  }

  private tell(timeNs: number, actor: TraceName, kind: TraceName, a: number, b: number): void {
    if (this.sink !== undefined) {
      this.sink(`{"t":${timeNs},"actor":${JSON.stringify(actor.text)},"kind":${JSON.stringify(kind.text)},"a":${a},"b":${b}}`)
    }
    if (this.observer !== undefined) this.observer.recorded(timeNs, actor, kind, a, b)
  }

  /**
   * Records one event at the clock's time (the kernel's, in a simulation): as `record`, for an
   * actor's message loop, which then passes no time to box (17 boxes per frame in model (a) before).
   * It folds the time itself rather than hand it to `record`, which V8 did not always inline here:
   * handing it over boxed 0.28 KB per delivered frame in model (c), sixteen VMs on one card (8% of what
   * (c) allocated), and 0.14 KB in (a) (5%), measured with V8's sampling heap profiler, 2026-12-06.
   */
  recordNow(actor: TraceName, kind: TraceName, a: number, b: number): void {
    const timeNs = this.clock!.nowNs
    this.fold(timeNs | 0, Math.floor(timeNs * TWO_POW_MINUS_32) | 0, actor.hash | 0, kind.hash | 0, a, b)
    if (this.sink !== undefined || this.observer !== undefined) this.tell(timeNs, actor, kind, a, b)
  }

  /** The digest of everything recorded so far, as 16 hex digits. */
  digest(): string {
    const lo = fmix(this.lo ^ this.events)
    const hi = fmix(this.hi ^ lo)
    return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0")
  }
}
