import { assert, describe, it } from "@effect/vitest"
import { CliError } from "effect/cli"
import { invocationLines } from "../../src/cli/InvocationErrors.ts"
import { vwifi } from "./vwifi.ts"

describe("cli: the words of a mistake in the invocation", () => {
  it("a flag given twice, a word that is not a number, and one mistake made twice", () => {
    const twice = new CliError.InvalidValue({ option: "seed", value: "2 occurrences", expected: "at most 1 value", kind: "flag" })
    const word = new CliError.InvalidValue({ option: "faults", value: "abc", expected: "Expected a string representing a finite number", kind: "flag" })
    const fraction = new CliError.InvalidValue({ option: "seed", value: "1.5", expected: "Expected an integer", kind: "flag" })
    // A count outside a flag's other occurrence limits keeps the parser's words.
    const tooFew = new CliError.InvalidValue({ option: "vm", value: "1 occurrences", expected: "at least 2 values", kind: "flag" })
    const unknown = new CliError.UnrecognizedOption({ option: "--vms", command: ["vwifi", "run"], suggestions: [] })
    assert.deepStrictEqual(invocationLines([twice, word, fraction, tooFew, unknown, unknown]), [
      "vwifi: --seed is given 2 times; give it once.",
      "vwifi: --faults takes a number, not \"abc\".",
      `vwifi: ${fraction.message}`,
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
  })
})
