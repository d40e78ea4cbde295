import { assert, describe, it } from "@effect/vitest"
import { CliError } from "effect/cli"
import { invocationLines } from "../../src/cli/InvocationErrors.ts"
import { vwifi } from "./vwifi.ts"

describe("cli: the words of a mistake in the invocation", () => {
  it("a flag given twice, a word that is not a number, a fraction, a flag's own range, and one mistake made twice", () => {
    const twice = new CliError.InvalidValue({ option: "seed", value: "2 occurrences", expected: "at most 1 value", kind: "flag" })
    const word = new CliError.InvalidValue({ option: "faults", value: "abc", expected: "Expected a string representing a finite number", kind: "flag" })
    const fraction = new CliError.InvalidValue({ option: "seed", value: "1.5", expected: "Expected an integer", kind: "flag" })
    const range = new CliError.InvalidValue({ option: "vms", value: "17", expected: "--vms must be a whole number from 1 to 16, got 17", kind: "flag" })
    // A whole number past what a double holds exactly is too large, not a fraction.
    const huge = new CliError.InvalidValue({ option: "cases", value: "1e20", expected: "Expected an integer", kind: "flag" })
    // A count outside a flag's other occurrence limits keeps the parser's words.
    const tooFew = new CliError.InvalidValue({ option: "vm", value: "1 occurrences", expected: "at least 2 values", kind: "flag" })
    const unknown = new CliError.UnrecognizedOption({ option: "--vms", command: ["vwifi", "run"], suggestions: [] })
    assert.deepStrictEqual(invocationLines([twice, word, fraction, range, huge, tooFew, unknown, unknown]), [
      "vwifi: --seed is given 2 times; give it once.",
      "vwifi: --faults takes a number, not \"abc\".",
      "vwifi: --seed takes a whole number, not \"1.5\".",
      "vwifi: --vms must be a whole number from 1 to 16, got 17",
      "vwifi: --cases is too large: \"1e20\" is past 9007199254740991, the largest whole number taken.",
      `vwifi: ${tooFew.message}`,
      `vwifi: ${unknown.message}`
    ])
  })

  it("as the command line prints them", () => {
    const seed = vwifi("run", "--seed", "abc")
    assert.strictEqual(seed.code, 2)
    assert.strictEqual(seed.stderr.split("\n")[0], "vwifi: --seed takes a number, not \"abc\".")
    const twice = vwifi("run", "--seed", "1", "--seed", "2")
    assert.strictEqual(twice.code, 2)
    assert.strictEqual(twice.stderr.split("\n")[0], "vwifi: --seed is given 2 times; give it once.")
    const repeated = vwifi("run", "--vms", "2", "--vms", "3")
    assert.strictEqual(repeated.code, 2)
    assert.lengthOf(repeated.stderr.match(/Unrecognized flag/g) ?? [], 1)
    const range = vwifi("soak", "--hours", "0")
    assert.strictEqual(range.code, 2)
    assert.strictEqual(range.stderr.split("\n")[0], "vwifi: --hours must be a whole number from 1 to 2400 (100 days), got 0")
  })
})
