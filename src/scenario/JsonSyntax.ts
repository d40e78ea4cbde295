/**
 * Where a JSON text goes wrong: the offset, line and column of its first syntax error.
 *
 * `JSON.parse` does not always say (V8 reports "Unexpected token 'b', … is not valid JSON" with no
 * position for some errors, and other engines word it differently), so a scenario file that fails to
 * parse is scanned again by this small validator of the JSON grammar (RFC 8259) to point at the spot.
 */

/** The first syntax error of a JSON text. Line and column count from 1; a tab is one column. */
export interface JsonSyntaxError {
  readonly offset: number
  readonly line: number
  readonly column: number
  readonly reason: string
}

/** 1-based line and column of `offset` in `text`. */
export const lineColumn = (text: string, offset: number): { readonly line: number; readonly column: number } => {
  let line = 1
  let lineStart = 0
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++
      lineStart = i + 1
    }
  }
  return { line, column: offset - lineStart + 1 }
}

class Located {
  readonly offset: number
  readonly reason: string
  constructor(offset: number, reason: string) {
    this.offset = offset
    this.reason = reason
  }
}

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/y
const HEX4 = /[0-9a-fA-F]{4}/y

const describeChar = (c: string): string => (c < " " ? `control character U+${c.charCodeAt(0).toString(16).padStart(4, "0")}` : `'${c}'`)

/**
 * The first syntax error in `text`, or `undefined` when it is valid JSON (or nested too deeply to scan).
 *
 * ```ts
 * locateJsonError('{\n  "a": 1\n  "b": 2\n}') // { offset: 13, line: 3, column: 3, reason: "expected ',' or '}' after a property value" }
 * ```
 */
export const locateJsonError = (text: string): JsonSyntaxError | undefined => {
  let i = 0
  const fail = (reason: string): never => {
    throw new Located(i, reason)
  }
  const unexpected = (): never => fail(i >= text.length ? "unexpected end of input" : `unexpected ${describeChar(text[i]!)}`)
  const skipWhitespace = () => {
    while (i < text.length && (text[i] === " " || text[i] === "\t" || text[i] === "\n" || text[i] === "\r")) i++
  }
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length
    else unexpected()
  }
  const string = () => {
    i++ // opening quote
    for (;;) {
      if (i >= text.length) fail("unterminated string")
      const c = text[i]!
      if (c === "\"") {
        i++
        return
      }
      if (c === "\\") {
        i++
        const e = text[i]
        if (e !== undefined && "\"\\/bfnrt".includes(e)) i++
        else if (e === "u") {
          HEX4.lastIndex = i + 1
          if (!HEX4.test(text)) fail("expected 4 hex digits after \\u")
          i += 5
        } else fail(e === undefined ? "unterminated string" : `invalid escape '\\${e}'`)
      } else if (c < " ") fail(`${describeChar(c)} in a string (write it escaped, e.g. \\n)`)
      else i++
    }
  }
  const number = () => {
    NUMBER.lastIndex = i
    const m = NUMBER.exec(text)
    if (m === null || m[0] === "-") fail("invalid number")
    else i += m[0].length
  }
  const value = (): void => {
    skipWhitespace()
    const c = text[i]
    if (c === "{") return object()
    if (c === "[") return array()
    if (c === "\"") return string()
    if (c === "-" || (c !== undefined && c >= "0" && c <= "9")) return number()
    if (c === "t") return literal("true")
    if (c === "f") return literal("false")
    if (c === "n") return literal("null")
    unexpected()
  }
  const object = () => {
    i++
    skipWhitespace()
    if (text[i] === "}") {
      i++
      return
    }
    for (;;) {
      skipWhitespace()
      if (text[i] !== "\"") fail(i >= text.length ? "unexpected end of input" : "expected a double-quoted property name")
      string()
      skipWhitespace()
      if (text[i] === ":") i++
      else fail("expected ':' after a property name")
      value()
      skipWhitespace()
      if (text[i] === ",") i++
      else if (text[i] === "}") {
        i++
        return
      } else fail(i >= text.length ? "unexpected end of input" : "expected ',' or '}' after a property value")
    }
  }
  const array = () => {
    i++
    skipWhitespace()
    if (text[i] === "]") {
      i++
      return
    }
    for (;;) {
      value()
      skipWhitespace()
      if (text[i] === ",") i++
      else if (text[i] === "]") {
        i++
        return
      } else fail(i >= text.length ? "unexpected end of input" : "expected ',' or ']' after an array element")
    }
  }
  try {
    value()
    skipWhitespace()
    if (i < text.length) fail("unexpected text after the JSON value")
    return undefined
  } catch (e) {
    if (e instanceof Located) return { offset: e.offset, ...lineColumn(text, e.offset), reason: e.reason }
    if (e instanceof RangeError) return undefined // too deep to scan
    throw e
  }
}
