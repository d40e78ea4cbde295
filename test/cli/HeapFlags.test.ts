import { assert, describe, it } from "@effect/vitest"
import { HEAP_FLAGS, needsHeapFlags, withHeapFlags } from "../../src/cli/HeapFlags.ts"
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

describe("cli: V8 heap flags", () => {
  it("are needed unless the command line or NODE_OPTIONS sizes the young generation", () => {
    assert.isTrue(needsHeapFlags([], undefined))
    assert.isTrue(needsHeapFlags(["--expose-gc"], "--max-old-space-size=512"))
    assert.isFalse(needsHeapFlags(HEAP_FLAGS, undefined))
    assert.isFalse(needsHeapFlags(["--max-semi-space-size", "4"], undefined))
    assert.isFalse(needsHeapFlags([], "--inspect --max-semi-space-size=2"))
    assert.isFalse(needsHeapFlags([], "--max-heap-size=100"))
    // A flag that merely starts with the same letters is another flag.
    assert.isTrue(needsHeapFlags(["--max-semi-space-sizes=4"], undefined))
  })

  it("start the same script with the same arguments, the heap flags first", () => {
    assert.deepStrictEqual(
      withHeapFlags("/bin/node", ["--expose-gc"], ["/bin/node", "/x/vwifi.js", "run", "--json"]),
      ["/bin/node", ...HEAP_FLAGS, "--expose-gc", "/x/vwifi.js", "run", "--json"]
    )
  })

  it("are what the vwifi executable runs with (the same process, started again)", async () => {
    const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))
    const child = spawn(process.execPath, [bin, "run", "--duration", "60s"], { stdio: "ignore" })
    const cmdline = `/proc/${child.pid}/cmdline`
    try {
      if (!existsSync(cmdline)) return // no /proc (not Linux): nothing to read the flags from
      let args: Array<string> = []
      for (let i = 0; i < 200 && child.exitCode === null; i++) {
        args = readFileSync(cmdline, "utf8").split("\0")
        if (args.includes(HEAP_FLAGS[0]!)) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.includeMembers(args, [...HEAP_FLAGS, bin, "run", "--duration", "60s"])
    } finally {
      child.kill()
    }
  })
})
