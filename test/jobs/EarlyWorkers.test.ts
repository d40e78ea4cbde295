/**
 * Pool threads started before the command line loads (`jobs/EarlyWorkers.ts`, `cli/PoolStart.ts`):
 * which command lines start them, that what a thread says before the pool listens reaches the pool,
 * and that a thread the pool never takes lets the process exit.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { Worker } from "node:worker_threads"
import { fileURLToPath } from "node:url"
import { EarlyWorker } from "../../src/jobs/EarlyWorkers.ts"
import { poolThreadsFor } from "../../src/cli/PoolStart.ts"

const TIMEOUT_MS = 60_000

describe("pool threads started early", () => {
  it("start for a pool command, as many as the pool will use, up to the cores", () => {
    assert.strictEqual(poolThreadsFor(["campaign", "--cases", "200"], 2), 2)
    assert.strictEqual(poolThreadsFor(["compare", "--sweep"], 8), 8)
    assert.strictEqual(poolThreadsFor(["sweep-rate", "--workers", "3"], 4), 3)
    assert.strictEqual(poolThreadsFor(["campaign", "--workers=2"], 4), 2)
    // None where the pool would not run, or would start its threads itself.
    assert.strictEqual(poolThreadsFor(["run", "--duration", "10s"], 2), 0)
    assert.strictEqual(poolThreadsFor([], 2), 0)
    assert.strictEqual(poolThreadsFor(["campaign", "--workers", "1"], 2), 0)
    assert.strictEqual(poolThreadsFor(["campaign"], 1), 0)
    assert.strictEqual(poolThreadsFor(["campaign", "--workers", "8"], 2), 0)
    assert.strictEqual(poolThreadsFor(["campaign", "--workers", "two"], 2), 0)
    assert.strictEqual(poolThreadsFor(["campaign", "--help"], 2), 0)
    assert.strictEqual(poolThreadsFor(["compare", "--cluster", "cluster.db"], 2), 0)
    assert.strictEqual(poolThreadsFor(["campaign", "--replay={}"], 2), 0)
  })

  it("hand the pool what a thread said before it listened, in order, its exit included", async () => {
    const code = "const { parentPort } = require('node:worker_threads'); parentPort.postMessage([0]); parentPort.postMessage([1, 'x'])"
    const early = new EarlyWorker(new Worker(code, { eval: true }))
    // The thread has said all and exited before anyone listens: Node alone would have dropped it.
    await new Promise((resolve) => setTimeout(resolve, 500))
    const heard: Array<unknown> = []
    const heardToo: Array<unknown> = []
    const exited = new Promise<number>((resolve) => {
      early.take()
      early.on("message", (m) => heard.push(m))
      // A second listener hears the same, once.
      early.on("message", (m) => heardToo.push(m))
      early.on("exit", (code: number) => resolve(code))
    })
    assert.strictEqual(await exited, 0)
    assert.deepStrictEqual(heard, [[0], [1, "x"]])
    assert.deepStrictEqual(heardToo, [[0], [1, "x"]])
  }, TIMEOUT_MS)

  it("let the process exit when the pool never takes them", () => {
    const module = fileURLToPath(new URL("../../src/jobs/EarlyWorkers.ts", import.meta.url))
    const script = `const m = await import(${JSON.stringify(module)}); m.startEarlyWorkers(2); console.log("started")`
    const r = spawnSync(process.execPath, ["--input-type=module", "-e", script], { encoding: "utf8", timeout: TIMEOUT_MS })
    assert.strictEqual(r.signal, null, "the process had to be killed: a thread nobody took kept it alive")
    assert.strictEqual(r.status, 0, r.stderr)
    assert.strictEqual(r.stdout.trim(), "started")
  }, TIMEOUT_MS)
})
