import { assert, describe, it } from "@effect/vitest"
import { HEAP_FLAGS, heapFlagsFor, missingHeapFlags, POOL_HEAP_FLAGS, restartWith, withFlags } from "../../src/cli/HeapFlags.ts"
import { spawn } from "node:child_process"
import { existsSync, readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"

describe("cli: V8 heap flags", () => {
  it("are added unless the command line or NODE_OPTIONS names them, either way", () => {
    assert.deepStrictEqual(missingHeapFlags([], undefined), [...HEAP_FLAGS])
    assert.deepStrictEqual(missingHeapFlags(["--expose-gc"], "--max-old-space-size=512"), [...HEAP_FLAGS])
    assert.deepStrictEqual(missingHeapFlags(HEAP_FLAGS, undefined), [])
    assert.deepStrictEqual(missingHeapFlags(["--max-semi-space-size=4"], undefined), ["--no-allocation-site-pretenuring", "--no-maglev", "--v8-pool-size=2"])
    assert.deepStrictEqual(missingHeapFlags(["--maglev", "--v8-pool-size=8"], undefined), ["--max-semi-space-size=2", "--no-allocation-site-pretenuring"])
    assert.deepStrictEqual(missingHeapFlags(["--max_semi_space_size=4"], "--inspect --allocation-site-pretenuring --v8_pool_size=1"), ["--no-maglev"])
    // A flag that merely starts with the same letters is another flag.
    assert.deepStrictEqual(missingHeapFlags(["--max-semi-space-sizes=4"], undefined), [...HEAP_FLAGS])
  })

  it("keep V8's work on each JavaScript thread for the commands that run a pool of worker threads", () => {
    const single = ["--max-semi-space-size=8", "--no-allocation-site-pretenuring", "--single-threaded"]
    assert.deepStrictEqual(heapFlagsFor(["campaign", "--cases", "8"]), single)
    assert.deepStrictEqual(heapFlagsFor(["compare", "--sweep"]), single)
    assert.deepStrictEqual(heapFlagsFor(["sweep-rate", "--workers", "2"]), single)
    // One thread keeps V8's background threads, and so do the commands without a pool.
    assert.deepStrictEqual(heapFlagsFor(["campaign", "--workers", "1"]), HEAP_FLAGS)
    assert.deepStrictEqual(heapFlagsFor(["compare", "--workers=1"]), HEAP_FLAGS)
    assert.deepStrictEqual(heapFlagsFor(["run", "--duration", "10s"]), HEAP_FLAGS)
    assert.deepStrictEqual(heapFlagsFor([]), HEAP_FLAGS)
  })

  it("start Node again only when it lacks some, counting a start with vwifi's own set as vwifi's", () => {
    const pool = ["--max-semi-space-size=8", "--no-allocation-site-pretenuring", "--single-threaded"]
    assert.deepStrictEqual(restartWith([], undefined, HEAP_FLAGS), { flags: HEAP_FLAGS, execArgv: [] })
    assert.isUndefined(restartWith(HEAP_FLAGS, undefined, HEAP_FLAGS))
    assert.isUndefined(restartWith([...HEAP_FLAGS, "--expose-gc"], undefined, HEAP_FLAGS))
    assert.isUndefined(restartWith(POOL_HEAP_FLAGS, undefined, POOL_HEAP_FLAGS))
    // `npm run vwifi -- campaign`: the script's run flags give way to the pool's; the user's stay.
    assert.deepStrictEqual(restartWith([...HEAP_FLAGS, "--expose-gc"], undefined, POOL_HEAP_FLAGS), { flags: pool, execArgv: ["--expose-gc"] })
    assert.deepStrictEqual(restartWith(POOL_HEAP_FLAGS, undefined, HEAP_FLAGS), { flags: HEAP_FLAGS, execArgv: [] })
    // ... also when NODE_OPTIONS names every flag the command wants (the user's choice).
    assert.deepStrictEqual(restartWith(HEAP_FLAGS, "--max-semi-space-size=4 --allocation-site-pretenuring --single-threaded", POOL_HEAP_FLAGS), { flags: [], execArgv: [] })
    // Flags the user chose, in another order or with other values, are the user's.
    assert.isUndefined(restartWith(["--v8-pool-size=2", "--no-maglev", "--no-allocation-site-pretenuring", "--max-semi-space-size=2"], undefined, POOL_HEAP_FLAGS.slice(1, 2)))
    assert.deepStrictEqual(restartWith(["--max-semi-space-size=16"], undefined, HEAP_FLAGS), { flags: HEAP_FLAGS.slice(1), execArgv: ["--max-semi-space-size=16"] })
  })

  it("are the ones the vwifi npm script starts Node with", () => {
    const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../../package.json", import.meta.url)), "utf8")) as { scripts: Record<string, string> }
    assert.strictEqual(pkg.scripts["vwifi"], ["node", ...HEAP_FLAGS, "bin/vwifi.js"].join(" "))
  })

  it("start the same script with the same arguments, the flags first", () => {
    assert.deepStrictEqual(
      withFlags(HEAP_FLAGS, "/bin/node", ["--expose-gc"], ["/bin/node", "/x/vwifi.js", "run", "--json"]),
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
        if (HEAP_FLAGS.every((f) => args.includes(f))) break
        await new Promise((resolve) => setTimeout(resolve, 50))
      }
      assert.includeMembers(args, [...HEAP_FLAGS, bin, "run", "--duration", "60s"])
    } finally {
      child.kill()
    }
  })
})
