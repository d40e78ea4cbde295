/**
 * What `vwifi run` loads (issue 14: "what does the CLI load that a run never uses?"). Each command's
 * file is loaded by every command, for the help; the worker pool, effect/cluster, the SQL clients
 * and @effect/platform-node's index (which pulls in a Redis client of ~650 modules) load only when a
 * command asks for them, and no module imports the `effect` index (about 100 modules a run never uses).
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { mkdtempSync, readFileSync, readdirSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("../..", import.meta.url))
const recorder = fileURLToPath(new URL("./fixtures/recordModules.mjs", import.meta.url))

const sources = (dir: string): Array<string> =>
  readdirSync(dir, { withFileTypes: true }).flatMap((e) => e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith(".ts") ? [join(dir, e.name)] : [])

describe("the module graph", () => {
  it("no source imports a package index that loads what it does not use", () => {
    // effect/cli's index stays: a command line uses nearly all of it.
    const offenders = sources(join(root, "src")).filter((f) => /from "(effect|effect\/(rpc|cluster)|@effect\/platform-node)"/.test(readFileSync(f, "utf8")))
    assert.deepStrictEqual(offenders.map((f) => f.slice(root.length)), [])
  })

  it("vwifi run loads no worker pool, cluster, SQL or Redis module", () => {
    const dir = mkdtempSync(join(tmpdir(), "vwifi-modules-"))
    const out = join(dir, "modules.txt")
    try {
      const child = spawnSync(process.execPath, ["--import", recorder, join(root, "bin/vwifi.js"), "run", "--duration", "2s", "--json"], {
        encoding: "utf8",
        // The sources, not the bundle npm install built (its files are checked in Bundle.test.ts).
        env: { ...process.env, VWIFI_MODULES_OUT: out, VWIFI_SOURCES: "1" }
      })
      assert.strictEqual(child.status, 0, child.stderr)
      const loaded = readFileSync(out, "utf8").trim().split("\n")
      // The run itself is in the graph (the check would pass on an empty list otherwise).
      assert.isTrue(loaded.some((u) => u.endsWith("/src/run/RunScenario.ts")))
      const unwanted = loaded.filter((u) =>
        /\/effect\/dist\/(cluster|rpc|sql|workers|workflow|http-api)\/|\/effect\/dist\/index\.js$|\/@effect\/platform-node\/dist\/index\.js$|\/node_modules\/(redis|@redis\/|ws\/)|\/src\/(cluster\/(ClusterJobRunner|ClusterRunner|ClusterStorage|SimJobEntity|SqliteClient)|jobs\/WorkerPool)/.test(u)
      )
      assert.deepStrictEqual(unwanted, [])
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })
})
