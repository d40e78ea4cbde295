/**
 * An application that writes into a TCP socket at a fixed rate (Chariot's paced TCP streams), as a
 * pure state machine counted in segments. The socket's send buffer is bounded: while it is full the
 * writer blocks, and the time it spends blocked is not made up later (a blocking `write` loop does
 * not burst to catch up). The sender may send segments below `written`; segments above it do not
 * exist yet.
 */

export interface PacedWriter {
  /** Segments the application has written so far (segment numbers 0..written−1). */
  readonly written: number
  /** A fraction of a segment written but not yet whole. */
  readonly partial: number
  /** When `written` and `partial` were last brought up to date. */
  readonly atNs: number
}

/** A writer that starts at `nowNs` with nothing written. */
export const start = (nowNs: number): PacedWriter => ({ written: 0, partial: 0, atNs: nowNs })

/**
 * Brings the writer up to `nowNs` at `segmentsPerNs`; it never gets more than `bufferSegments` ahead
 * of `sndUna` (the oldest segment not yet acknowledged: what the send buffer still holds).
 */
export const advance = (w: PacedWriter, segmentsPerNs: number, nowNs: number, sndUna: number, bufferSegments: number): PacedWriter => {
  if (nowNs <= w.atNs) return w
  const limit = sndUna + bufferSegments
  if (w.written >= limit) return { written: w.written, partial: 0, atNs: nowNs } // blocked all along
  const total = w.partial + (nowNs - w.atNs) * segmentsPerNs
  const whole = Math.floor(total)
  return w.written + whole >= limit
    ? { written: limit, partial: 0, atNs: nowNs } // it filled the buffer and blocked
    : { written: w.written + whole, partial: total - whole, atNs: nowNs }
}

/** When the next whole segment is written, if the buffer has room for it by then. */
export const nextWriteNs = (w: PacedWriter, segmentsPerNs: number): number =>
  w.atNs + Math.ceil((1 - w.partial) / segmentsPerNs)

/** Segments per nanosecond of an application writing `offeredMbps` in segments of `mssBytes` payload. */
export const segmentsPerNs = (offeredMbps: number, mssBytes: number): number => (offeredMbps * 1e6) / (8 * mssBytes) / 1e9
