/**
 * Campaign throughput on a cluster (docs/cluster.md): the same fault cases in this process, then on
 * 1, 2, … `vwifi cluster runner` processes on this machine sharing a fresh SQLite file. Cases per
 * wall-second for each, and whether every configuration gave the same verdicts (trace digests).
 *
 *   node bench/clusterThroughput.ts [--cases 24] [--seed 1] [--runners 1,2]
 */
import { spawn } from "node:child_process"
import type { ChildProcess } from "node:child_process"
import { mkdtempSync, rmSync } from "node:fs"
import { loadavg, tmpdir } from "node:os"
import { join } from "node:path"
import { DatabaseSync } from "node:sqlite"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import { awaitRunners, clientLayer, submitFaultCases } from "../src/cluster/ClusterJobRunner.ts"
import { generateCases } from "../src/fault/CaseGenerator.ts"
import { FaultCaseJob, runJob } from "../src/jobs/SimJob.ts"

const arg = (name: string, fallback: string) => {
  const i = process.argv.indexOf(`--${name}`)
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback
}
const caseCount = Number(arg("cases", "24"))
const seed = Number(arg("seed", "1"))
const runnerCounts = arg("runners", "1,2").split(",").map(Number)
const bin = fileURLToPath(new URL("../bin/vwifi.js", import.meta.url))
const BASE_PORT = 41_300

const cases = generateCases(seed, caseCount)

const startRunner = (file: string, port: number): Promise<ChildProcess> =>
  new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, "cluster", "runner", "--storage", file, "--port", String(port), "--lock-expiry", "5s"], { stdio: ["ignore", "ignore", "pipe"] })
    let err = ""
    child.stderr!.on("data", (c: Buffer) => {
      err += c.toString()
      if (err.includes("serving at")) resolve(child)
    })
    child.once("exit", (code) => reject(new Error(`runner ${port} exited ${code}: ${err}`)))
  })

/** Cases per runner: which runner held each case's shard at the end. */
const spread = (file: string): string => {
  const db = new DatabaseSync(file, { readOnly: true })
  try {
    const rows = db.prepare(
      "SELECT l.address AS address, count(*) AS n FROM cluster_messages m JOIN cluster_locks l ON l.shard_id = m.shard_id WHERE m.entity_type = 'SimJob' AND m.kind = 0 GROUP BY l.address"
    ).all() as Array<{ address: string; n: number }>
    return rows.map((r) => `${r.address} ${r.n}`).join(", ")
  } finally {
    db.close()
  }
}

console.log(`load average before: ${loadavg().map((x) => x.toFixed(1)).join(" ")} (${navigator.hardwareConcurrency} cores)`)
const t0 = performance.now()
const local = await Effect.runPromise(Effect.forEach(cases, (faultCase, i) => runJob(new FaultCaseJob({ faultCase }), i)))
const localSeconds = (performance.now() - t0) / 1000
const digests = (rs: ReadonlyArray<{ readonly _tag: string; readonly traceDigest?: string }>) => rs.map((r) => r.traceDigest ?? r._tag).join(",")
const localDigests = digests(local)
console.log(`${caseCount} fault cases (the first of vwifi campaign --seed ${seed})`)
console.log(`in this process: ${localSeconds.toFixed(1)} s, ${(caseCount / localSeconds).toFixed(2)} cases/s`)

for (const k of runnerCounts) {
  const dir = mkdtempSync(join(tmpdir(), "vwifi-bench-cluster-"))
  const file = join(dir, "cluster.db")
  const runners: Array<ChildProcess> = []
  try {
    for (let i = 0; i < k; i++) runners.push(await startRunner(file, BASE_PORT + i))
    const results = await Effect.runPromise(Effect.gen(function*() {
      // Wait until every runner holds shards: the campaign then spreads over all of them.
      while ((yield* awaitRunners(20_000)) < k) yield* Effect.sleep("250 millis")
      yield* Effect.sleep("3 seconds")
      const start = performance.now()
      const results = yield* submitFaultCases(cases)
      return { results, seconds: (performance.now() - start) / 1000 }
    }).pipe(Effect.provide(clientLayer({ storage: { _tag: "Sqlite", file } }))))
    const same = digests(results.results) === localDigests
    console.log(`${k} runner(s): ${results.seconds.toFixed(1)} s, ${(caseCount / results.seconds).toFixed(2)} cases/s, verdicts ${same ? "identical to" : "DIFFERENT from"} this process's; cases per runner: ${spread(file)}; load average ${loadavg()[0]!.toFixed(1)}`)
  } finally {
    for (const r of runners) r.kill("SIGTERM")
    rmSync(dir, { recursive: true, force: true })
  }
}
process.exit(0)
