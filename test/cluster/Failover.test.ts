/**
 * Issue 13 §4: two `vwifi cluster runner` processes on localhost share one SQLite file; a small
 * campaign goes to them; the runner holding the most unfinished cases is killed (SIGKILL) in the
 * middle; every case's result still arrives exactly once, and equals the result of running the case
 * in this process.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { fileURLToPath } from "node:url"
import { Effect } from "effect"
import { clientLayer, awaitRunners, submitFaultCases } from "../../src/cluster/ClusterJobRunner.ts"
import { fastFailoverTimings } from "../../src/cluster/ClusterTimings.ts"
import type { FaultCase } from "../../src/fault/FaultCase.ts"
import { FaultCaseJob, runJob } from "../../src/jobs/SimJob.ts"
import { freePort } from "../support/freePort.ts"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))
/** Short enough that the dead runner's shards move within the test, long enough for SQLite's 1 s clock. */
const LOCK_EXPIRY_MS = 3_000
const MAX_RUNNER_START_MS = 40_000

/** Small cases (one AP, one or two VMs, light traffic): about half a second each here. */
const cases: ReadonlyArray<FaultCase> = Array.from({ length: 14 }, (_, i) => ({
  seed: 100 + i,
  mode: i % 4 === 3 ? 3 : 0,
  vms: 1 + (i % 2),
  aps: 1,
  traffic: ["ping", i % 3 === 0 ? "udp-tx" : "ping", "ping", "ping"],
  faults: [{ atTenths: 10 + i, kind: (i * 137) % 1000, target: (i * 71) % 1000, size: 400 }]
}))

interface Runner {
  readonly port: number
  readonly process: ChildProcess
  readonly ready: Promise<void>
  output: string
}

const startRunner = (file: string, port: number): Runner => {
  const child = spawn(process.execPath, [bin, "cluster", "runner", "--storage", file, "--port", String(port), "--lock-expiry", `${LOCK_EXPIRY_MS / 1000}s`], {
    stdio: ["ignore", "pipe", "pipe"]
  })
  const runner: Runner = { port, process: child, output: "", ready: undefined as never }
  const ready = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`runner on ${port} did not start in ${MAX_RUNNER_START_MS} ms:\n${runner.output}`)), MAX_RUNNER_START_MS)
    const onData = (chunk: Buffer) => {
      runner.output += chunk.toString()
      if (runner.output.includes("vwifi cluster runner: serving at")) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on("data", onData)
    child.stderr!.on("data", onData)
    child.once("exit", (code) => {
      clearTimeout(timer)
      reject(new Error(`runner on ${port} exited with ${code}:\n${runner.output}`))
    })
  })
  ready.catch(() => {})
  return Object.assign(runner, { ready })
}

/** Unfinished SimJob messages per runner address, from the shared file (read-only, another connection). */
const unfinishedByRunner = (file: string): Map<string, number> => {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5_000 })
  try {
    const rows = db.prepare(
      `SELECT l.address AS address, count(*) AS n FROM cluster_messages m JOIN cluster_locks l ON l.shard_id = m.shard_id
       WHERE m.entity_type = 'SimJob' AND m.processed = 0 GROUP BY l.address`
    ).all() as Array<{ address: string; n: number }>
    return new Map(rows.map((r) => [r.address, Number(r.n)]))
  } finally {
    db.close()
  }
}

/** Shards held per runner address. */
const shardsByRunner = (file: string): Map<string, number> => {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5_000 })
  try {
    const rows = db.prepare("SELECT address, count(*) AS n FROM cluster_locks GROUP BY address").all() as Array<{ address: string; n: number }>
    return new Map(rows.map((r) => [r.address, Number(r.n)]))
  } catch {
    return new Map() // the tables are not there yet
  } finally {
    db.close()
  }
}

/** Until both runners hold shards: a runner that joins late gets its share a few polls later. */
const awaitBalanced = async (file: string, ports: ReadonlyArray<number>, waitMs: number): Promise<Map<string, number>> => {
  const until = performance.now() + waitMs
  for (;;) {
    const shards = shardsByRunner(file)
    if (ports.every((p) => (shards.get(`localhost:${p}`) ?? 0) > 0) || performance.now() > until) return shards
    await new Promise((r) => setTimeout(r, 250))
  }
}

/** Reply rows per SimJob request: exactly one each, however often the job ran. */
const repliesPerCase = (file: string): Map<string, number> => {
  const db = new DatabaseSync(file, { readOnly: true, timeout: 5_000, readBigInts: true })
  try {
    const rows = db.prepare(
      `SELECT m.entity_id AS id, count(r.id) AS n FROM cluster_messages m LEFT JOIN cluster_replies r ON r.request_id = m.id AND r.kind IS NOT NULL
       WHERE m.entity_type = 'SimJob' AND m.kind = 0 GROUP BY m.entity_id`
    ).all() as Array<{ id: string; n: bigint }>
    return new Map(rows.map((r) => [r.id, Number(r.n)]))
  } finally {
    db.close()
  }
}

describe("cluster: a campaign over two runner processes", () => {
  it("survives a runner killed in the middle: every case's result exactly once, equal to a local run", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vwifi-cluster-"))
    const file = join(dir, "cluster.db")
    const runners: Array<Runner> = []
    try {
      runners.push(startRunner(file, await freePort()), startRunner(file, await freePort()))
      await Promise.all(runners.map((r) => r.ready))
      const shards = await awaitBalanced(file, runners.map((r) => r.port), 20_000)
      assert.strictEqual(shards.size, 2, `both runners hold shards: ${JSON.stringify([...shards])}`)

      const deliveries = new Map<number, number>()
      let killed: { address: string; unfinished: number; atResult: number } | undefined
      const onResult = (index: number) => {
        deliveries.set(index, (deliveries.get(index) ?? 0) + 1)
        if (killed !== undefined || deliveries.size < 2) return
        // Kill the runner with the most unfinished cases, so that its shards must move.
        const unfinished = unfinishedByRunner(file)
        const victim = runners.reduce((a, b) => (unfinished.get(`localhost:${b.port}`) ?? 0) > (unfinished.get(`localhost:${a.port}`) ?? 0) ? b : a)
        killed = { address: `localhost:${victim.port}`, unfinished: unfinished.get(`localhost:${victim.port}`) ?? 0, atResult: deliveries.size }
        victim.process.kill("SIGKILL")
      }
      const started = performance.now()
      const results = await Effect.runPromise(Effect.gen(function*() {
        assert.strictEqual(yield* awaitRunners(10_000), 2)
        return yield* submitFaultCases(cases, { batchId: "failover", onResult })
      }).pipe(
        Effect.provide(clientLayer({ storage: { _tag: "Sqlite", file }, timings: fastFailoverTimings(LOCK_EXPIRY_MS) })),
        Effect.timeout("45 seconds")
      ))
      const seconds = (performance.now() - started) / 1000

      assert.isDefined(killed, "a runner was killed mid-campaign")
      assert.isAbove(killed!.unfinished, 0, `the killed runner ${killed!.address} still had cases to run`)
      assert.isBelow(killed!.atResult, cases.length)
      // Exactly once: to the caller, and as rows in the storage.
      assert.deepStrictEqual([...deliveries.keys()].sort((a, b) => a - b), cases.map((_, i) => i))
      assert.isTrue([...deliveries.values()].every((n) => n === 1), `deliveries: ${JSON.stringify([...deliveries])}`)
      const replies = repliesPerCase(file)
      assert.strictEqual(replies.size, cases.length)
      assert.isTrue([...replies.values()].every((n) => n === 1), `reply rows: ${JSON.stringify([...replies])}`)
      // The same results as in this process: a case run twice (before and after the kill) is still deterministic.
      const local = await Effect.runPromise(Effect.forEach(cases, (faultCase, i) => runJob(new FaultCaseJob({ faultCase }), i)))
      assert.deepStrictEqual(results.map((r) => r.traceDigest), local.map((r) => r._tag === "FaultCaseResult" ? r.traceDigest : r._tag))
      // Submitting the batch again runs nothing: every case's stored reply comes back as it was.
      const again = await Effect.runPromise(submitFaultCases(cases, { batchId: "failover" }).pipe(
        Effect.provide(clientLayer({ storage: { _tag: "Sqlite", file }, timings: fastFailoverTimings(LOCK_EXPIRY_MS) })),
        Effect.timeout("20 seconds")
      ))
      assert.deepStrictEqual(again.map((r) => r.traceDigest), results.map((r) => r.traceDigest))
      assert.deepStrictEqual(repliesPerCase(file), replies)
      console.log(`cluster failover: ${cases.length} cases in ${seconds.toFixed(1)} s; killed ${killed!.address} after ${killed!.atResult} results with ${killed!.unfinished} of its cases unfinished`)
    } catch (e) {
      for (const r of runners) console.error(`runner ${r.port} said:\n${r.output}`)
      throw e
    } finally {
      for (const r of runners) if (r.process.exitCode === null && r.process.signalCode === null) r.process.kill("SIGKILL")
      rmSync(dir, { recursive: true, force: true })
    }
  }, 90_000)
})
