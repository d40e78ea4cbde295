/**
 * Parses the durations users type on the command line ("10s", "1.5h", "250ms", "90 minutes") into
 * nanoseconds of virtual time.
 */

const UNIT_NS: Record<string, number> = {
  ns: 1, nanos: 1, nanosecond: 1, nanoseconds: 1,
  us: 1e3, µs: 1e3, micros: 1e3, microsecond: 1e3, microseconds: 1e3,
  ms: 1e6, millis: 1e6, millisecond: 1e6, milliseconds: 1e6,
  s: 1e9, sec: 1e9, secs: 1e9, second: 1e9, seconds: 1e9,
  m: 60e9, min: 60e9, mins: 60e9, minute: 60e9, minutes: 60e9,
  h: 3600e9, hour: 3600e9, hours: 3600e9,
  d: 86400e9, day: 86400e9, days: 86400e9
}

/** Nanoseconds for `text`, or an error message saying what is accepted. */
export const parseDurationNs = (text: string): { readonly ns: number } | { readonly error: string } => {
  if (/^\s*-/.test(text)) return { error: `"${text}": a duration cannot be negative` }
  const match = /^\s*(\d+(?:\.\d+)?)(e[+-]?\d+)?\s*([a-zµ]*)\s*$/i.exec(text)
  // An exponent is refused with its own reason: 1e99s is a number and a unit, just not one written plainly.
  if (match?.[2] !== undefined) return { error: `"${text}": write the number without an exponent, e.g. 1000s, 17m, 250ms` }
  const unit = match?.[3]?.toLowerCase() || "s"
  const scale = UNIT_NS[unit]
  if (match === null || scale === undefined) {
    return { error: `"${text}" is not a duration: write a number and a unit, e.g. 10s, 250ms, 1.5h (units: ns, us, ms, s, m, h, d)` }
  }
  const exactNs = Number(match[1]) * scale
  const ns = Math.round(exactNs)
  if (ns === 0 && exactNs > 0) return { error: `"${text}" is less than a nanosecond, the simulation's finest step` }
  // A fraction of a nanosecond is not rounded away in silence (0.5ns would run 1 ns); a decimal's own
  // rounding error (1.1s is 1100000000.0000002 ns) is far below it.
  if (Math.abs(exactNs - ns) > 1e-3 && Number.isSafeInteger(ns)) {
    return { error: `"${text}" is not a whole number of nanoseconds, the simulation's finest step` }
  }
  if (!(ns > 0) || !Number.isSafeInteger(ns)) return { error: `"${text}" must be more than 0 and at most about 104 days` }
  return { ns }
}

/** A window of virtual time, ns: from `fromNs` until `untilNs` (Infinity: the run's end). */
export interface WindowNs {
  readonly fromNs: number
  readonly untilNs: number
}

/**
 * Parses a window "2s..3s" (either side may be left out: "..3s" starts at 0, "2s.." runs to the end;
 * the start may be 0), or an error message that names what is wrong.
 */
export const parseWindowNs = (text: string): WindowNs | { readonly error: string } => {
  const parts = text.split("..")
  if (parts.length !== 2) return { error: `"${text}" is not a window: write start..end, e.g. 2s..3s, ..500ms, 9s..` }
  const side = (part: string, empty: number): { readonly ns: number } | { readonly error: string } => {
    if (part.trim() === "") return { ns: empty }
    const zero = /^\s*0+(?:\.0+)?\s*([a-zµ]*)\s*$/i.exec(part)
    if (zero !== null && (zero[1] === "" || UNIT_NS[zero[1]!.toLowerCase()] !== undefined)) return { ns: 0 }
    return parseDurationNs(part)
  }
  const from = side(parts[0]!, 0)
  if ("error" in from) return { error: `the window's start: ${from.error}` }
  const until = side(parts[1]!, Infinity)
  if ("error" in until) return { error: `the window's end: ${until.error}` }
  if (until.ns === from.ns) return { error: `the window "${text}" is empty: write start..end with the end later` }
  if (!(until.ns > from.ns)) return { error: `the window "${text}" ends before it starts: write start..end with the end later` }
  return { fromNs: from.ns, untilNs: until.ns }
}
