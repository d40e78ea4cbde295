/**
 * The bundle `npm install` builds for the command line (scripts/bundle.ts), built here into a
 * folder of its own: it gives the sources' results, its worker threads start from it, and a run
 * loads none of the code a run never uses, as the sources' module graph does not (ModuleGraph.test.ts).
 */
import { afterAll, assert, beforeAll, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { basename, join } from "node:path"
import { fileURLToPath } from "node:url"
import { bundleCli } from "../../scripts/bundle.ts"
import type { BundleChunk } from "../../scripts/bundle.ts"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))
const recorder = fileURLToPath(new URL("./fixtures/recordModules.mjs", import.meta.url))
const TIMEOUT_MS = 120_000

let dir = ""
let chunks: ReadonlyArray<BundleChunk> = []

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "vwifi-bundle-"))
  chunks = await bundleCli(dir)
}, TIMEOUT_MS)

afterAll(() => rmSync(dir, { recursive: true, force: true }))

const node = (args: ReadonlyArray<string>, env: Record<string, string> = {}) => {
  const r = spawnSync(process.execPath, args, { encoding: "utf8", timeout: TIMEOUT_MS, env: { ...process.env, ...env } })
  assert.strictEqual(r.status, 0, r.stderr)
  return r.stdout
}
const fromSources = (...args: Array<string>) => node([bin, ...args], { VWIFI_SOURCES: "1" })
const fromBundle = (...args: Array<string>) => node([join(dir, "main.js"), ...args])

/** A report without what the wall clock or the machine gives. */
const simulated = (json: string): unknown =>
  JSON.parse(json, (key, value) => /wall|cpuSeconds/i.test(key) ? undefined : value)

describe("the bundled command line", () => {
  it("runs the default scenario to the sources' report, digest included", () => {
    const sources = simulated(fromSources("run", "--duration", "2s", "--json"))
    const bundle = simulated(fromBundle("run", "--duration", "2s", "--json"))
    assert.deepStrictEqual(bundle, sources)
    assert.match((bundle as { traceDigest: string }).traceDigest, /^[0-9a-f]{16}$/)
  }, TIMEOUT_MS)

  it("starts its worker threads from the bundle: a campaign on two gives the sources' digests on one", () => {
    const digests = (json: string) => (JSON.parse(json) as { traceDigests: Array<string> }).traceDigests
    const bundle = digests(fromBundle("campaign", "--cases", "3", "--seed", "2", "--workers", "2", "--json"))
    assert.lengthOf(bundle, 3)
    assert.deepStrictEqual(bundle, digests(fromSources("campaign", "--cases", "3", "--seed", "2", "--workers", "1", "--json")))
  }, TIMEOUT_MS)

  it("a run loads no file holding the worker pool, effect/cluster, RPC or SQL code", () => {
    const out = join(dir, "modules.txt")
    node(["--import", recorder, join(dir, "main.js"), "run", "--duration", "2s", "--json"], { VWIFI_MODULES_OUT: out })
    const loaded = new Set(readFileSync(out, "utf8").trim().split("\n").filter((url) => url.startsWith("file:")).map((url) => basename(fileURLToPath(url))))
    const unwanted = /\/effect\/dist\/(cluster|rpc|sql|workers)\/|\/src\/(cluster\/(ClusterJobRunner|ClusterRunner|ClusterStorage|SimJobEntity|SqliteClient)|jobs\/WorkerPool)/
    const holding = chunks.filter((c) => c.moduleIds.some((id) => unwanted.test(id))).map((c) => c.fileName)
    // The check would pass on a bundle that lost those modules, or on a run that loaded nothing.
    assert.isNotEmpty(holding)
    assert.isTrue(loaded.has("main.js"))
    assert.deepStrictEqual(holding.filter((f) => loaded.has(f)), [])
  }, TIMEOUT_MS)
})
