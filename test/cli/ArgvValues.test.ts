import { assert, describe, it } from "@effect/vitest"
import { attachNegativeValues } from "../../src/cli/ArgvValues.ts"

describe("cli: a negative value as its own word", () => {
  it("is joined to the flag before it", () => {
    assert.deepStrictEqual(attachNegativeValues(["run", "--duration", "-1s"]), ["run", "--duration=-1s"])
    assert.deepStrictEqual(attachNegativeValues(["run", "--trace-window", "-1s..2s", "--json"]), ["run", "--trace-window=-1s..2s", "--json"])
    assert.deepStrictEqual(attachNegativeValues(["run", "--seed", "-.5"]), ["run", "--seed=-.5"])
  })

  it("leaves everything else as it was", () => {
    const untouched = [
      ["run", "--duration", "2s", "--json"],
      ["run", "--duration=-1s"], // already joined
      ["run", "--json", "-h"], // a short flag, not a number
      ["run", "-1"], // no flag before it
      ["run", "--seed", "5", "-1"], // the word before is a value
      ["run", "--", "--duration", "-1s"] // after `--`, words are arguments
    ]
    for (const args of untouched) assert.deepStrictEqual(attachNegativeValues(args), args)
  })
})
