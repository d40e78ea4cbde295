/**
 * The Chrome Trace Event Format, JSON Object form (`{"traceEvents": [...], "displayTimeUnit": "ns"}`),
 * which ui.perfetto.dev and chrome://tracing open, streamed: events are encoded straight into one
 * reused byte buffer from numbers and pre-encoded names (`encoded`), and the buffer goes to the sink
 * whenever it fills, so a long trace is never held whole and an event makes no string.
 *
 * Times are ticks of 1/100 ns (`ticksOf`), written in microseconds (the format's unit, fractions
 * allowed): `ts` 2000000.12345 is 2 s 123.45 ns. Costs are cycles of a 2.53 GHz core, fractions of
 * a nanosecond: whole nanoseconds would bias a category's sum by up to 0.5 ns per slice. Ticks are
 * exact integers up to 2^53 (about 25 h of virtual time); past that, as fine as the clock itself.
 *
 * @example
 * ```ts
 * const out = new ChromeTraceWriter((chunk) => writeSync(fd, chunk), 1_000_000)
 * out.complete(1, 1, ticksOf(2e9), ticksOf(2e9 + 395.26), encoded("guestPacket"), encoded("guest"))
 * out.finish({ cutEvents: out.cut })
 * ```
 */

/** The writer's buffer, bytes: what it holds at most before handing it to the sink. Modelling choice. */
export const CHUNK_BYTES = 1 << 20

/** Room kept for an event's numbers and fixed text, besides its names. */
const MAX_EVENT_FIXED_BYTES = 512

/** Ticks per nanosecond: the resolution of the times written. */
export const TICKS_PER_NS = 100
const TICKS_PER_US = 1000 * TICKS_PER_NS
/** Decimals of a microsecond the ticks fill. */
const FRACTION_DIGITS = Math.round(Math.log10(TICKS_PER_US))
/** Pieces longer than this are copied with `set` (an event's pre-encoded tail), shorter ones byte by byte. Tuned on model (a). */
const MAX_PUT_LOOP_BYTES = 32
/** Below this, whole numbers divide in 32-bit integer arithmetic. */
const MAX_SMALL_INT = 2 ** 31

/** `ns` (virtual time) in ticks, rounded. */
export const ticksOf = (ns: number): number => Math.round(ns * TICKS_PER_NS)

/** `text` as a JSON string's bytes, quotes included: made once per name, not per event. */
export const encoded = (text: string): Uint8Array => new TextEncoder().encode(JSON.stringify(text))

const bytes = (text: string): Uint8Array => new TextEncoder().encode(text)
const COMMA_NEWLINE = bytes(",\n")
const X_PID = bytes(`{"ph":"X","pid":`)
const I_PID = bytes(`{"ph":"i","s":"t","pid":`)
const TID = bytes(`,"tid":`)
const TS = bytes(`,"ts":`)
const DUR = bytes(`,"dur":`)
const NAME = bytes(`,"name":`)
const CAT = bytes(`,"cat":`)
const ARGS = bytes(`,"args":`)
const FLOW_PH = { s: bytes(`{"ph":"s","id":`), t: bytes(`{"ph":"t","id":`), f: bytes(`{"ph":"f","id":`) }
const PID = bytes(`,"pid":`)
const BIND_ENCLOSING = bytes(`,"bp":"e"`)
const COLON = 58
const COMMA = 44
const OPEN = 123
const CLOSE = 125
const DOT = 46
const MINUS = 45
const ZERO = 48

/** The start of a complete event (`ph: "X"`) on track `pid`/`tid`, up to its `ts` value: made once per track, not per event. */
export const spanHead = (pid: number, tid: number): Uint8Array => bytes(`{"ph":"X","pid":${pid},"tid":${tid},"ts":`)

/** The start of an instant event (`ph: "i"`, on its thread's track) on `pid`/`tid`, up to its `ts` value: once per track. */
export const instantHead = (pid: number, tid: number): Uint8Array => bytes(`{"ph":"i","s":"t","pid":${pid},"tid":${tid},"ts":`)

/** What follows an event's times: its pre-encoded name, category and args (a JSON object, optional), and the closing brace: once per kind of event. */
export const eventTail = (name: Uint8Array, cat: Uint8Array, args?: Uint8Array): Uint8Array => {
  const parts = args === undefined ? [NAME, name, CAT, cat] : [NAME, name, CAT, cat, ARGS, args]
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 1))
  let at = 0
  for (const p of parts) {
    out.set(p, at)
    at += p.length
  }
  out[at] = CLOSE
  return out
}

/** Where a flow event stands in its chain: its start, a step, or its end. */
export type FlowPhase = "s" | "t" | "f"

/**
 * Streams one trace: the header at once, events as they come (in any order: viewers sort them), the
 * footer with `otherData` at `finish`. At most `eventsMax` events are written; the rest are counted
 * in `cut`, and the caller says so (in `otherData` and to the user). The sink gets a view of the
 * buffer, valid only during the call (write it out or copy it).
 */
export class ChromeTraceWriter {
  /** Events written. */
  written = 0
  /** Events refused past `eventsMax`. */
  cut = 0
  private readonly write: (chunk: Uint8Array) => void
  private readonly eventsMax: number
  private readonly buf = new Uint8Array(CHUNK_BYTES)
  private pos = 0
  private finished = false

  constructor(write: (chunk: Uint8Array) => void, eventsMax: number) {
    this.write = write
    this.eventsMax = eventsMax
    this.put(bytes(`{"displayTimeUnit":"ns","traceEvents":[\n`))
  }

  /** Whether another event would still be written (past the cap, callers skip it and call `refuse`). */
  room(): boolean {
    return this.written < this.eventsMax
  }

  /** Counts an event not written because the cap was reached. */
  refuse(): void {
    this.cut++
  }

  /**
   * A complete event (`ph: "X"`) on track `pid`/`tid` from `start` to `end` (ticks); `name`, `cat`
   * and `args` (a JSON object, optional) pre-encoded. Past the cap it is counted in `cut`.
   */
  complete(pid: number, tid: number, start: number, end: number, name: Uint8Array, cat: Uint8Array, args?: Uint8Array): void {
    if (!this.begin(name.length + cat.length + (args?.length ?? 0))) return
    this.head(X_PID, pid, tid, start)
    this.put(DUR)
    this.time(end - start)
    this.names(name, cat)
    if (args !== undefined) {
      this.put(ARGS)
      this.put(args)
    }
    this.buf[this.pos++] = CLOSE
  }

  /**
   * `complete` from pre-encoded pieces: `head` (`spanHead`), the times (ticks), `tail` (`eventTail`).
   * The same bytes, in three copies rather than eight.
   */
  completeFrom(head: Uint8Array, start: number, end: number, tail: Uint8Array): void {
    if (!this.begin(head.length + tail.length)) return
    this.put(head)
    this.time(start)
    this.put(DUR)
    this.time(end - start)
    this.put(tail)
  }

  /** `instant` from pre-encoded pieces: `head` (`instantHead`), the time (ticks), `tail` (`eventTail`, no args). */
  instantFrom(head: Uint8Array, at: number, tail: Uint8Array): void {
    if (!this.begin(head.length + tail.length)) return
    this.put(head)
    this.time(at)
    this.put(tail)
  }

  /** A complete event whose args are whole numbers: `keys[i]` (pre-encoded) is `values[i]`. */
  completeCounts(pid: number, tid: number, start: number, end: number, name: Uint8Array, cat: Uint8Array, keys: ReadonlyArray<Uint8Array>, values: ArrayLike<number>): void {
    let keyBytes = 0
    for (const k of keys) keyBytes += k.length + 24
    if (!this.begin(name.length + cat.length + keyBytes)) return
    this.head(X_PID, pid, tid, start)
    this.put(DUR)
    this.time(end - start)
    this.names(name, cat)
    this.put(ARGS)
    const b = this.buf
    b[this.pos++] = OPEN
    for (let i = 0; i < keys.length; i++) {
      if (i > 0) b[this.pos++] = COMMA
      this.put(keys[i]!)
      b[this.pos++] = COLON
      this.int(values[i]!)
    }
    b[this.pos++] = CLOSE
    b[this.pos++] = CLOSE
  }

  /** An instant event (`ph: "i"`) at `at` (ticks) on its thread's track (`s: "t"`). */
  instant(pid: number, tid: number, at: number, name: Uint8Array, cat: Uint8Array): void {
    if (!this.begin(name.length + cat.length)) return
    this.head(I_PID, pid, tid, at)
    this.names(name, cat)
    this.buf[this.pos++] = CLOSE
  }

  /**
   * A flow event (arrows from one slice to the next with the same `id`): it binds to the slice on its
   * track that encloses `at` (ticks); the end binds to the enclosing slice too (`bp: "e"`), not the next one.
   */
  flow(phase: FlowPhase, id: number, pid: number, tid: number, at: number, name: Uint8Array, cat: Uint8Array): void {
    if (!this.begin(name.length + cat.length)) return
    this.put(FLOW_PH[phase])
    this.int(id)
    this.put(PID)
    this.int(pid)
    this.put(TID)
    this.int(tid)
    this.put(TS)
    this.time(at)
    this.names(name, cat)
    if (phase === "f") this.put(BIND_ENCLOSING)
    this.buf[this.pos++] = CLOSE
  }

  /** An event given as JSON text, written whatever the cap (the tracks' names: a handful). */
  always(json: string): void {
    const text = bytes(json)
    this.separate(text.length)
    this.put(text)
  }

  /** Writes the footer: `otherData` (a JSON-able object) describes the trace. Once. */
  finish(otherData: Readonly<Record<string, unknown>>): void {
    if (this.finished) return
    this.finished = true
    const footer = bytes(`\n],"otherData":${JSON.stringify(otherData)}}\n`)
    if (this.pos + footer.length > this.buf.length) this.flush()
    if (footer.length > this.buf.length) this.write(footer)
    else this.put(footer)
    this.flush()
  }

  // --- encoding -------------------------------------------------------------------------------

  /** Starts an event of about `namesBytes` + fixed bytes: false (and counted) past the cap. */
  private begin(namesBytes: number): boolean {
    if (this.written >= this.eventsMax) {
      this.cut++
      return false
    }
    this.separate(namesBytes + MAX_EVENT_FIXED_BYTES)
    return true
  }

  private separate(need: number): void {
    if (this.pos + need + COMMA_NEWLINE.length > this.buf.length) this.flush()
    if (this.written > 0) this.put(COMMA_NEWLINE)
    this.written++
  }

  private head(ph: Uint8Array, pid: number, tid: number, at: number): void {
    this.put(ph)
    this.int(pid)
    this.put(TID)
    this.int(tid)
    this.put(TS)
    this.time(at)
  }

  private names(name: Uint8Array, cat: Uint8Array): void {
    this.put(NAME)
    this.put(name)
    this.put(CAT)
    this.put(cat)
  }

  private put(b: Uint8Array): void {
    const n = b.length
    if (this.pos + n > this.buf.length) {
      // Only an event larger than the whole buffer gets here: it goes out by itself.
      this.flush()
      this.write(b)
      return
    }
    const buf = this.buf
    let pos = this.pos
    if (n > MAX_PUT_LOOP_BYTES) {
      buf.set(b, pos)
      this.pos = pos + n
      return
    }
    // Byte by byte: the pieces are a few bytes long, where `set` costs more than the copy.
    for (let i = 0; i < n; i++) buf[pos++] = b[i]!
    this.pos = pos
  }

  /** A whole number in decimal, written from its last digit back. */
  private int(n: number): void {
    const b = this.buf
    if (n < 0) {
      b[this.pos++] = MINUS
      n = -n
    }
    if (n < 10) {
      b[this.pos++] = ZERO + n
      return
    }
    let digits = 1
    for (let p = 10; p <= n; p *= 10) digits++
    let i = this.pos + digits
    this.pos = i
    if (n < MAX_SMALL_INT) {
      do {
        const q = (n / 10) | 0
        b[--i] = ZERO + n - q * 10
        n = q
      } while (n > 0)
    } else {
      do {
        const q = Math.floor(n / 10)
        b[--i] = ZERO + n - q * 10
        n = q
      } while (n > 0)
    }
  }

  /** Ticks in microseconds: the whole part, then up to five decimals without trailing zeros. */
  private time(ticks: number): void {
    const us = Math.floor(ticks / TICKS_PER_US)
    let frac = ticks - us * TICKS_PER_US
    this.int(us)
    if (frac <= 0) return
    if ((frac | 0) === frac) {
      // Whole ticks (always, from `ticksOf`): all the decimals in 32-bit arithmetic, then the trailing zeros taken back.
      const b = this.buf
      b[this.pos++] = DOT
      const end = this.pos + FRACTION_DIGITS
      let i = end
      for (let k = 0; k < FRACTION_DIGITS; k++) {
        const q = (frac / 10) | 0
        b[--i] = ZERO + frac - q * 10
        frac = q
      }
      let pos = end
      while (b[pos - 1] === ZERO) pos--
      this.pos = pos
      return
    }
    let digits = FRACTION_DIGITS
    while (frac % 10 === 0) {
      frac /= 10
      digits--
    }
    const b = this.buf
    b[this.pos++] = DOT
    let i = this.pos + digits
    this.pos = i
    for (let k = 0; k < digits; k++) {
      const q = (frac / 10) | 0
      b[--i] = ZERO + frac - q * 10
      frac = q
    }
  }

  private flush(): void {
    if (this.pos === 0) return
    this.write(this.buf.subarray(0, this.pos))
    this.pos = 0
  }
}

/** A metadata event's JSON text naming a process or a thread, or ordering them (`process_sort_index`, `thread_sort_index`). */
export const metadata = (
  what: "process_name" | "thread_name" | "process_sort_index" | "thread_sort_index",
  pid: number,
  tid: number,
  value: string | number
): string =>
  `{"ph":"M","pid":${pid},"tid":${tid},"name":"${what}","args":{"${what.endsWith("name") ? "name" : "sort_index"}":${typeof value === "string" ? JSON.stringify(value) : value}}}`
