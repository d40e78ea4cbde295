import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, readFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { parseWindowNs } from "../../src/cli/DurationText.ts"
import { vwifi } from "./vwifi.ts"


describe("cli: --trace-window", () => {
  it("reads start..end, either side left out, the start 0 allowed", () => {
    assert.deepStrictEqual(parseWindowNs("2s..3s"), { fromNs: 2e9, untilNs: 3e9 })
    assert.deepStrictEqual(parseWindowNs("0..500ms"), { fromNs: 0, untilNs: 5e8 })
    assert.deepStrictEqual(parseWindowNs("0s..1s"), { fromNs: 0, untilNs: 1e9 })
    assert.deepStrictEqual(parseWindowNs("..250ms"), { fromNs: 0, untilNs: 2.5e8 })
    assert.deepStrictEqual(parseWindowNs("9s.."), { fromNs: 9e9, untilNs: Infinity })
  })

  it("says what is wrong with a window that is not one", () => {
    const error = (text: string) => {
      const parsed = parseWindowNs(text)
      return "error" in parsed ? parsed.error : "(accepted)"
    }
    assert.include(error("2s..1s"), "ends before it starts")
    assert.include(error("2s..2s"), "is empty")
    assert.include(error("2s"), "write start..end")
    assert.include(error("1s..2s..3s"), "write start..end")
    assert.include(error("0parsec..1s"), "the window's start")
    assert.include(error("1s..ten"), "the window's end")
    assert.include(error("-1s..1s"), "the window's start")
  })
})

describe("cli: vwifi run --trace-out", () => {
  it("writes a timeline of the window that parses, and tells where it went", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vwifi-")), "host.json")
    const r = vwifi("run", "--duration", "2s", "--json", "--trace-out", file, "--trace-window", "1.2s..1.4s")
    assert.strictEqual(r.code, 0, r.stderr)
    assert.include(r.stderr, `timeline of 1.2 s..1.4 s written to ${file}`)
    const trace = JSON.parse(readFileSync(file, "utf8"))
    // How many frames the TX path shows, and how many of them in part: the figures of the file.
    const note = /TX path: ([\d,]+) frames passed a stage in the window, ([\d,]+) of them drawn in part \(sent before it or acknowledged after it\)/.exec(r.stderr)
    assert.isNotNull(note, r.stderr)
    const frames = new Map<number, Set<number>>()
    for (const e of trace.traceEvents) if (e.ph === "X" && e.pid === 3) frames.set(e.args.frame, (frames.get(e.args.frame) ?? new Set()).add((e.tid - 1) % 6))
    assert.strictEqual(Number(note![1]!.replaceAll(",", "")), frames.size)
    // Drawn whole: its guest send (stage 0) and its ack (stage 5) in the window, and so every stage between.
    const inPart = [...frames.values()].filter((stages) => !(stages.has(0) && stages.has(5))).length
    assert.strictEqual(Number(note![2]!.replaceAll(",", "")), inPart)
    assert.isAbove(inPart, 0)
    assert.isAbove(trace.traceEvents.length, 1000)
    const times = trace.traceEvents.filter((e: { ph: string }) => e.ph !== "M").map((e: { ts: number }) => e.ts)
    assert.isAtLeast(Math.min(...times), 1.2e6)
    assert.isAtMost(Math.max(...times), 1.4e6)
    assert.deepStrictEqual(trace.otherData.windowNs, [1.2e9, 1.4e9])
    // The run's own results are unchanged by it.
    assert.strictEqual(JSON.parse(r.stdout).traceDigest, JSON.parse(vwifi("run", "--duration", "2s", "--json").stdout).traceDigest)
  })

  it("refuses a bad window, a window after the run, or a window without a file, with exit code 2 and no stack trace", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vwifi-")), "host.json")
    for (const [args, says] of [
      [["--trace-out", file, "--trace-window", "2s..1s"], "ends before it starts"],
      [["--trace-out", file, "--trace-window", "12s.."], "after the run ends"],
      [["--trace-window", "1s..2s"], "give --trace-out"],
      [["--trace-out", join(file, "no", "such", "folder.json")], "cannot write the timeline (--trace-out)"]
    ] as const) {
      const r = vwifi("run", "--duration", "2s", ...args)
      assert.strictEqual(r.code, 2, args.join(" "))
      assert.include(r.stdout + r.stderr, says)
      assert.notInclude(r.stdout + r.stderr, "    at ")
    }
  })
})
