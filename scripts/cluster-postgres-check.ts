/**
 * A by-hand check of the cluster on PostgreSQL (npm test needs no database server): starts two
 * runners on the given storage, submits a fault campaign, kills runner 0 (SIGKILL) after the third
 * result, and checks that every case's result arrives exactly once.
 *
 *   node scripts/cluster-postgres-check.ts postgres://vwifi:PASSWORD@127.0.0.1:5432/vwifi [cases]
 */
import { spawn } from "node:child_process"
import { fileURLToPath } from "node:url"
import * as Effect from "effect/Effect"
import { awaitRunners, clientLayer, submitFaultCases } from "../src/cluster/ClusterJobRunner.ts"
import { parseStorageTarget } from "../src/cluster/StorageTarget.ts"
import { fastFailoverTimings } from "../src/cluster/ClusterTimings.ts"
import { generateCases } from "../src/fault/CaseGenerator.ts"

const LOCK_EXPIRY_MS = 5_000
const [url, countText = "20"] = process.argv.slice(2)
const storage = parseStorageTarget(url ?? "")
if (url === undefined || "error" in storage) {
  console.error(`usage: node scripts/cluster-postgres-check.ts STORAGE [cases]${"error" in storage ? `\n${storage.error}` : ""}`)
  process.exit(2)
}
const bin = fileURLToPath(new URL("../bin/vwifi.js", import.meta.url))
const runners = [34441, 34442].map((port) =>
  spawn(process.execPath, [bin, "cluster", "runner", "--storage", url, "--port", String(port), "--lock-expiry", `${LOCK_EXPIRY_MS / 1000}s`], { stdio: "ignore" }))
const cases = generateCases(7, Number(countText))
const deliveries = new Map<number, number>()
let killedAt: number | undefined
const started = performance.now()
try {
  const results = await Effect.runPromise(Effect.gen(function*() {
    console.log(`runners: ${yield* awaitRunners(30_000)}`)
    return yield* submitFaultCases(cases, {
      batchId: `check-${Date.now()}`,
      onResult: (i: number) => {
        deliveries.set(i, (deliveries.get(i) ?? 0) + 1)
        if (killedAt === undefined && deliveries.size === 3) {
          killedAt = deliveries.size
          runners[0]!.kill("SIGKILL")
        }
      }
    })
  }).pipe(Effect.provide(clientLayer({ storage, timings: fastFailoverTimings(LOCK_EXPIRY_MS) })), Effect.timeout("300 seconds")))
  const once = cases.every((_, i) => deliveries.get(i) === 1)
  console.log(`${results.length} results for ${cases.length} cases; runner 0 killed after result ${killedAt}; ` +
    `each delivered exactly once: ${once}; failing cases: ${results.filter((r) => r.problems.length > 0).length}; ` +
    `${((performance.now() - started) / 1000).toFixed(1)} s`)
  process.exitCode = once && results.length === cases.length ? 0 : 1
} finally {
  for (const r of runners) r.kill("SIGKILL")
}
