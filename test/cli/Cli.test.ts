import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
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
