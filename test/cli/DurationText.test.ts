import { assert, describe, it } from "@effect/vitest"
import { parseDurationNs, parseWindowNs } from "../../src/cli/DurationText.ts"

describe("cli: durations", () => {
  it("reads a number and a unit", () => {
    assert.deepStrictEqual(parseDurationNs("10s"), { ns: 10e9 })
    assert.deepStrictEqual(parseDurationNs("250ms"), { ns: 250e6 })
    assert.deepStrictEqual(parseDurationNs("1.5h"), { ns: 5400e9 })
    assert.deepStrictEqual(parseDurationNs("90 minutes"), { ns: 5400e9 })
    assert.deepStrictEqual(parseDurationNs("3"), { ns: 3e9 }, "a bare number is seconds")
  })

  it("rejects what is not a duration, saying what is accepted", () => {
    for (const bad of ["", "ten seconds", "10 parsecs", "-1s", "0s", "1e400s"]) {
      const parsed = parseDurationNs(bad)
      assert.isTrue("error" in parsed, bad)
    }
    const parsed = parseDurationNs("10 parsecs")
    assert.include("error" in parsed ? parsed.error : "", "units: ns, us, ms, s, m, h, d")
  })

  it("says what is wrong with a negative duration and with one below a nanosecond", () => {
    assert.deepStrictEqual(parseDurationNs("-1s"), { error: "\"-1s\": a duration cannot be negative" })
    assert.deepStrictEqual(parseDurationNs(" -0.5ms"), { error: "\" -0.5ms\": a duration cannot be negative" })
    assert.deepStrictEqual(parseDurationNs("0.1ns"), { error: "\"0.1ns\" is less than a nanosecond, the simulation's finest step" })
    assert.deepStrictEqual(parseDurationNs("0.6ns"), { error: "\"0.6ns\" is not a whole number of nanoseconds, the simulation's finest step" })
    assert.deepStrictEqual(parseDurationNs("1.1s"), { ns: 1_100_000_000 }, "a decimal's rounding error is no fraction of a nanosecond")
  })

  it("refuses an exponent, saying so rather than calling it no duration", () => {
    assert.deepStrictEqual(parseDurationNs("1e99s"), { error: "\"1e99s\": write the number without an exponent, e.g. 1000s, 17m, 250ms" })
    assert.isTrue("error" in parseDurationNs("1e3ms"))
    assert.isTrue("error" in parseDurationNs("2.5E-3 s"))
  })

  it("calls a window of no length empty, and a reversed one reversed", () => {
    assert.deepStrictEqual(parseWindowNs("1s..1000ms"), { error: "the window \"1s..1000ms\" is empty: write start..end with the end later" })
    assert.include((parseWindowNs("2s..1s") as { error: string }).error, "ends before it starts")
  })
})
