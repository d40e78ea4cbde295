/**
 * The lines a mistake in the invocation prints: the parser's messages, with its wording for a flag
 * given twice, for a word that is not a number and for a fraction replaced by plain words, a refusal in vwifi's own
 * words (a flag's range, which names the flag and the value) without the parser's preamble, and each line once (a
 * flag given twice that the command does not know is one mistake, not two).
 */

/** What the parser says of a mistake: its tag, message, and the fields of an invalid value. */
export interface InvocationError {
  readonly _tag: string
  readonly message: string
  readonly option?: string | undefined
  readonly value?: string | undefined
  readonly kind?: string | undefined
}

/** The parser's `value` and expectation for a flag given more often than once. */
const REPEATED = /^(\d+) occurrences$/
const AT_MOST_ONCE = "at most 1 value"

/** The parser's expectation for a word that does not read as a number (Schema's `NumberFromString`). */
const NOT_A_NUMBER = "a string representing a finite number"

/** The parser's expectation for a number with a fraction where a whole one is asked for (`Flag.Int`). */
const NOT_WHOLE = "Expected an integer"

/** How the parser introduces the message of a flag's own check (`Flag.filter`). */
const EXPECTED = "Expected: "

const line = (e: InvocationError): string => {
  if (e._tag === "InvalidValue" && e.kind === "flag" && e.option !== undefined && e.value !== undefined) {
    const own = e.message.indexOf(`${EXPECTED}--${e.option} `)
    if (own >= 0) return e.message.slice(own + EXPECTED.length)
    const repeated = REPEATED.exec(e.value)
    if (repeated !== null && e.message.includes(AT_MOST_ONCE)) return `--${e.option} is given ${repeated[1]} times; give it once.`
    if (e.message.includes(NOT_A_NUMBER)) return `--${e.option} takes a number, not "${e.value}".`
    if (e.message.endsWith(NOT_WHOLE)) {
      // A whole number the parser cannot hold exactly (past 2^53 − 1, or written 1e20) is too large, not fractional.
      const n = Number(e.value)
      if (Number.isInteger(n) && !Number.isSafeInteger(n)) {
        return `--${e.option} is ${n < 0 ? "too small" : "too large"}: "${e.value}" is past ${n < 0 ? "-" : ""}${Number.MAX_SAFE_INTEGER}, the ${n < 0 ? "smallest" : "largest"} whole number taken.`
      }
      return `--${e.option} takes a whole number, not "${e.value}".`
    }
  }
  return e.message
}

/** One line per distinct mistake, in the order the parser found them. */
export const invocationLines = (errors: ReadonlyArray<InvocationError>): ReadonlyArray<string> => [
  ...new Set(errors.map((e) => `vwifi: ${line(e)}`))
]
