/**
 * The bounds on what a scenario may ask for, so that reading a hostile or mistaken one takes bounded
 * time and memory and never overflows the stack. The Schema states the per-field limits (each with
 * its reason, in `Scenario.ts` and `FaultSchedule.ts`); this module holds the limits on the input's
 * shape, which must be checked before a recursive decoder walks it. docs/scenario.md lists them all.
 */

/** A scenario file is at most 1 MiB: the largest real one (64 VMs, a fault schedule) is a few tens of KiB. */
export const MAX_SCENARIO_FILE_BYTES = 1024 * 1024

/** Objects and arrays nest at most 16 deep; the deepest field of a scenario (`vms[].traffic[].kind`) is 5 levels down. */
export const MAX_NESTING_DEPTH = 16

/** A list in a scenario file holds at most 10,000 entries (the longest, `faults`, needs a few hundred). */
export const MAX_FILE_LIST_ENTRIES = 10_000

/** An object in a scenario has at most 100 keys; the largest struct (an AP) has 14 fields. */
export const MAX_OBJECT_KEYS = 100

/**
 * The longest run, in simulated seconds: 100 days. Virtual time counts nanoseconds in a double,
 * whole nanoseconds exact up to 2^53 ns (about 104 days); times derived from airtimes carry fractions.
 */
export const MAX_DURATION_SECONDS = 100 * 86_400

/** The problems one error shows at most; the rest are counted. */
export const MAX_PROBLEMS_SHOWN = 20

/** Objects and lists in one scenario at most (a 1 MiB file holds fewer; an object graph that shares parts could hold far more). */
export const MAX_VALUES = 1_000_000

export interface ShapeLimits {
  readonly depth: number
  readonly listEntries: number
  readonly objectKeys: number
}

/** A decoded JSON file: nesting, list and object sizes bounded. */
export const FILE_SHAPE: ShapeLimits = { depth: MAX_NESTING_DEPTH, listEntries: MAX_FILE_LIST_ENTRIES, objectKeys: MAX_OBJECT_KEYS }

/** An object given to `decodeScenario`: nesting bounded (a generated soak schedule may be a long list). */
export const OBJECT_SHAPE: ShapeLimits = { depth: MAX_NESTING_DEPTH, listEntries: Number.POSITIVE_INFINITY, objectKeys: MAX_OBJECT_KEYS }

export interface ShapeProblem {
  /** Where, as path segments (`["vms", 0]`). */
  readonly path: ReadonlyArray<PropertyKey>
  readonly message: string
}

/**
 * The first way `value` breaks `limits`, found without recursion (an explicit stack), so that a
 * value nested 100,000 deep, or one that contains itself, is refused in time linear in what is read
 * before the limit. `undefined` when the shape is within bounds.
 */
export const checkShape = (value: unknown, limits: ShapeLimits): ShapeProblem | undefined => {
  let budget = MAX_VALUES
  const stack: Array<{ readonly value: unknown; readonly path: ReadonlyArray<PropertyKey> }> = [{ value, path: [] }]
  while (stack.length > 0) {
    const { value: v, path } = stack.pop()!
    if (typeof v !== "object" || v === null) continue
    if (--budget < 0) return { path: [], message: `more than ${MAX_VALUES} objects and lists in all` }
    if (path.length >= limits.depth) {
      return { path, message: `nested more than ${limits.depth} levels deep (a scenario nests at most ${limits.depth}; its deepest field is 5 levels down)` }
    }
    if (Array.isArray(v)) {
      if (v.length > limits.listEntries) {
        return { path, message: `a list of ${v.length} entries; a list in a scenario file holds at most ${limits.listEntries}` }
      }
      for (let i = v.length - 1; i >= 0; i--) stack.push({ value: v[i], path: [...path, i] })
    } else {
      // A Map, a Date or a class's instance has no fields a scenario reads: taken as `{}`, it ran on defaults.
      const proto = Object.getPrototypeOf(v)
      if (proto !== Object.prototype && proto !== null) {
        return { path, message: `expected a plain object (as JSON gives), got ${(proto as { constructor?: { name?: string } }).constructor?.name || "an object of another kind"}` }
      }
      const keys = Object.keys(v)
      if (keys.length > limits.objectKeys) {
        return { path, message: `an object with ${keys.length} keys; an object in a scenario has at most ${limits.objectKeys}` }
      }
      for (let i = keys.length - 1; i >= 0; i--) stack.push({ value: (v as Record<string, unknown>)[keys[i]!], path: [...path, keys[i]!] })
    }
  }
  return undefined
}

/**
 * How deep the JSON text nests at its deepest, scanning at most until `limit` is passed: arrays and
 * objects outside strings. Run before `JSON.parse`, so a text nested 10^6 deep costs one linear scan.
 * Returns the offset where the depth first exceeds `limit`, or `undefined`.
 */
export const jsonTooDeepAt = (text: string, limit: number): number | undefined => {
  let depth = 0
  let inString = false
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i)
    if (inString) {
      if (c === 92) i++ // a backslash escapes the next character
      else if (c === 34) inString = false
    } else if (c === 34) inString = true
    else if (c === 91 || c === 123) {
      if (++depth > limit) return i
    } else if (c === 93 || c === 125) depth--
  }
  return undefined
}
