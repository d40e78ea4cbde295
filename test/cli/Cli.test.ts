import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))

/** Runs the real `vwifi` executable with the Node that runs the tests. */
const vwifi = (...args: Array<string>) => {
  const result = spawnSync(process.execPath, [bin, ...args], { encoding: "utf8", timeout: 60_000 })
  return { code: result.status, stdout: result.stdout, stderr: result.stderr }
}

describe("cli: vwifi kernel-demo", () => {
  it("prints the same JSON figures for the same seed and a different digest for another", () => {
    const a = vwifi("kernel-demo", "--seed", "5", "--duration", "200ms", "--json")
    const b = vwifi("kernel-demo", "--seed", "5", "--duration", "200ms", "--json")
    const c = vwifi("kernel-demo", "--seed", "6", "--duration", "200ms", "--json")
    assert.strictEqual(a.code, 0, a.stderr)
    const [ra, rb, rc] = [a, b, c].map((r) => JSON.parse(r.stdout))
    assert.strictEqual(ra.traceDigest, rb.traceDigest)
    assert.strictEqual(ra.messagesHandled, rb.messagesHandled)
    assert.notStrictEqual(ra.traceDigest, rc.traceDigest)
    assert.strictEqual(ra.simulatedSeconds, 0.2)
    assert.strictEqual(ra.outcome, "completed")
  })

  it("explains a bad flag value and exits with 2, without a stack trace", () => {
    const r = vwifi("kernel-demo", "--duration", "ten")
    assert.strictEqual(r.code, 2)
    const out = r.stdout + r.stderr
    assert.include(out, "--duration")
    assert.include(out, "write a number and a unit")
    assert.notInclude(out, "    at ")
  })

  it("has help for the tool and the command", () => {
    const r = vwifi("--help")
    assert.strictEqual(r.code, 0)
    assert.include(r.stdout, "kernel-demo")
    const sub = vwifi("kernel-demo", "--help")
    assert.include(sub.stdout, "--seed")
    assert.include(sub.stdout, "--duration")
  })
})

describe("cli: vwifi compare and run", () => {
  it("refuses an output folder it cannot create, with exit code 2 and the reason", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vwifi-")), "not-a-folder")
    writeFileSync(file, "")
    const r = vwifi("compare", "--duration", "100ms", "--out", file)
    assert.strictEqual(r.code, 2)
    assert.include(r.stderr, "exists and is not a folder")
  })

  it("reports a bad scenario file by field, with exit code 2", () => {
    const file = join(mkdtempSync(join(tmpdir(), "vwifi-")), "bad.json")
    writeFileSync(file, JSON.stringify({ vms: [{ name: "x", ssid: "lab", memoryMb: 10 }], typo: 1 }))
    const r = vwifi("run", file)
    assert.strictEqual(r.code, 2)
    assert.include(r.stderr, "vms[0].memoryMb")
    assert.include(r.stderr, "typo")
    assert.notInclude(r.stdout + r.stderr, "    at ")
  })

  it("run --json prints one object that decodes with RunReport", async () => {
    const { Schema } = await import("effect")
    const { RunReport } = await import("../../src/report/RunReport.ts")
    const r = vwifi("run", "--duration", "1s", "--json", "--seed", "4")
    assert.strictEqual(r.code, 0, r.stderr)
    const report = Schema.decodeUnknownSync(RunReport)(JSON.parse(r.stdout))
    assert.strictEqual(report.seed, 4)
    assert.strictEqual(report.vms[0]?.state, "connected")
  })
})

describe("cli: faults and soak", () => {
  it("run --faults adds faults drawn from the seed, the same for the same seed, and reports the recoveries", () => {
    const a = vwifi("run", "--duration", "30s", "--faults", "8", "--seed", "3", "--json")
    const b = vwifi("run", "--duration", "30s", "--faults", "8", "--seed", "3", "--json")
    assert.strictEqual(a.code, 0, a.stderr)
    const ra = JSON.parse(a.stdout)
    assert.isAbove(ra.faults.injected, 0)
    assert.strictEqual(ra.traceDigest, JSON.parse(b.stdout).traceDigest)
    assert.strictEqual(ra.invariants.isolationViolations + ra.invariants.unaccountedFrames, 0)
    const table = vwifi("run", "--duration", "30s", "--faults", "8", "--seed", "3")
    assert.include(table.stdout, "recoveries:")
  })

  it("soak refuses bad flags with exit code 2 and says what it accepts", () => {
    for (const args of [["--vms", "0"], ["--hours", "0"], ["--faults", "-1"]]) {
      const r = vwifi("soak", ...args)
      assert.strictEqual(r.code, 2, args.join(" "))
      assert.notInclude(r.stderr + r.stdout, "    at ")
    }
    assert.include(vwifi("soak", "--help").stdout, "--faults")
  })
})
