/**
 * The ordered log of model events and its digest. Every event (virtual time, actor, kind, two key
 * fields) is folded into a 64-bit digest as it happens; the log itself is only written when a sink
 * is given, line by line, so a long run never keeps its trace in memory.
 *
 * Names are hashed once (`TraceLog.name`) and events carry the hashes, so recording an event costs
 * a few integer multiplications and no allocation.
 */

const TWO_POW_32 = 4294967296

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

/** Receives each trace line when the full trace is requested. */
export type TraceSink = (line: string) => void

/** Told of each event as it is recorded, with the interned names (no line is made for it). */
export interface TraceObserver {
  recorded(timeNs: number, actor: TraceName, kind: TraceName, a: number, b: number): void
}

/** Murmur3-style mixing step of one 32-bit word into a lane. */
const mixWord = (h: number, k: number, c1: number, c2: number): number => {
  k = Math.imul(k, c1)
  k = (k << 15) | (k >>> 17)
  k = Math.imul(k, c2)
  h ^= k
  h = (h << 13) | (h >>> 19)
  return (Math.imul(h, 5) + 0xe6546b64) | 0
}

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
  private observer: TraceObserver | undefined = undefined

  constructor(sink?: TraceSink) {
    this.sink = sink
  }

  /** Tells `observer` of every event recorded from now on (one observer: a later call replaces it). It changes nothing recorded. */
  observe(observer: TraceObserver): void {
    this.observer = observer
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
   */
  record(timeNs: number, actor: TraceName, kind: TraceName, a: number, b: number): void {
    this.events++
    this.fold(timeNs)
    this.fold2(actor.hash, kind.hash)
    this.fold(a)
    this.fold(b)
    if (this.sink !== undefined) {
      this.sink(`{"t":${timeNs},"actor":${JSON.stringify(actor.text)},"kind":${JSON.stringify(kind.text)},"a":${a},"b":${b}}`)
    }
    if (this.observer !== undefined) this.observer.recorded(timeNs, actor, kind, a, b)
  }

  /** The digest of everything recorded so far, as 16 hex digits. */
  digest(): string {
    const lo = fmix(this.lo ^ this.events)
    const hi = fmix(this.hi ^ lo)
    return hi.toString(16).padStart(8, "0") + lo.toString(16).padStart(8, "0")
  }

  private fold(n: number): void {
    const lowWord = n | 0
    const highWord = Math.floor(n / TWO_POW_32) | 0
    this.fold2(lowWord, highWord)
  }

  private fold2(x: number, y: number): void {
    this.lo = mixWord(this.lo, x, 0xcc9e2d51, 0x1b873593)
    this.lo = mixWord(this.lo, y, 0xcc9e2d51, 0x1b873593)
    this.hi = mixWord(this.hi, y, 0x85ebca6b, 0xc2b2ae35)
    this.hi = mixWord(this.hi, x ^ this.lo, 0x85ebca6b, 0xc2b2ae35)
  }
}
