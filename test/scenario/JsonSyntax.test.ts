import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { lineColumn, locateJsonError } from "../../src/scenario/JsonSyntax.ts"

const parses = (text: string): boolean => {
  try {
    JSON.parse(text)
    return true
  } catch {
    return false
  }
}

/** Strings built from JSON's punctuation and a few letters: mostly invalid, sometimes valid. */
const Fragments = Schema.Array(
  Schema.Literals(["{", "}", "[", "]", "\"", ":", ",", "0", "1", "-", ".", "e", "true", "null", "x", " ", "\n", "\\", "\\u00e9", "\t", "\"a\""])
)

describe("scenario: JSON syntax errors", () => {
  it("points at the first error, with 1-based line and column", () => {
    assert.deepStrictEqual(locateJsonError("{\n  \"a\": 1\n  \"b\": 2\n}"), {
      offset: 13,
      line: 3,
      column: 3,
      reason: "expected ',' or '}' after a property value"
    })
    assert.deepStrictEqual(locateJsonError("{\"a\": b}"), { offset: 6, line: 1, column: 7, reason: "unexpected 'b'" })
    assert.strictEqual(locateJsonError("[1, 2")?.reason, "unexpected end of input")
    assert.strictEqual(locateJsonError("\"a\nb\"")?.reason.startsWith("control character U+000a"), true)
    assert.strictEqual(locateJsonError("{} {}")?.reason, "unexpected text after the JSON value")
    assert.strictEqual(locateJsonError("-")?.reason, "invalid number")
    assert.isUndefined(locateJsonError(" {\"a\": [1, -2.5e3, true, false, null, \"\\u00e9\\n\"]} "))
    assert.deepStrictEqual(lineColumn("ab\ncd", 4), { line: 2, column: 2 })
  })

  it.prop("finds no error in any JSON.stringify output", [Schema.Json], ([value]) => {
    assert.isUndefined(locateJsonError(JSON.stringify(value, null, 2)))
  })

  it.prop("finds an error exactly when JSON.parse rejects the text", [Fragments], ([parts]) => {
    const text = parts.join("")
    assert.strictEqual(locateJsonError(text) === undefined, parses(text), JSON.stringify(text))
  }, { arbitrary: { runs: 2000 } })
})
