/**
 * Which code `bin/vwifi.js` runs in a repository: the bundle `npm install` built (scripts/bundle.ts)
 * while nothing it was built from changed since, else the sources. Checked on a stub repository: a
 * copy of the real bin, and entry modules that say which they are.
 */
import { assert, describe, it } from "@effect/vitest"
import { spawnSync } from "node:child_process"
import { copyFileSync, mkdirSync, mkdtempSync, rmSync, utimesSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))
// No flags to add, so the stub never starts Node again.
const heapFlags = "export const heapFlagsFor = () => []\nexport const missingHeapFlags = () => []\nexport const withFlags = () => []\n"

const stubRepository = (): string => {
  const root = mkdtempSync(join(tmpdir(), "vwifi-bin-"))
  mkdirSync(join(root, "bin"))
  copyFileSync(bin, join(root, "bin/vwifi.js"))
  writeFileSync(join(root, "package.json"), '{ "type": "module" }\n')
  mkdirSync(join(root, "src/cli"), { recursive: true })
  writeFileSync(join(root, "src/cli/main.ts"), 'console.log("sources")\n')
  writeFileSync(join(root, "src/cli/HeapFlags.ts"), heapFlags)
  mkdirSync(join(root, "build/vwifi/1"), { recursive: true })
  writeFileSync(join(root, "build/vwifi/1/main.js"), 'console.log("bundle")\n')
  writeFileSync(join(root, "build/vwifi/1/HeapFlags.js"), heapFlags)
  // Built now: every stub file above is older than this, by a second.
  const past = new Date(Date.now() - 1_000)
  for (const f of ["package.json", "src", "src/cli", "src/cli/main.ts", "src/cli/HeapFlags.ts"]) utimesSync(join(root, f), past, past)
  writeFileSync(join(root, "build/vwifi/current.json"), JSON.stringify({ dir: "1", startedMs: Date.now() }))
  return root
}

const runs = (root: string, env: Record<string, string> = {}): string => {
  const r = spawnSync(process.execPath, [join(root, "bin/vwifi.js")], { encoding: "utf8", env: { ...process.env, VWIFI_SOURCES: "", ...env } })
  assert.strictEqual(r.status, 0, r.stderr)
  return r.stdout.trim()
}

const later = (root: string, path: string): void => {
  const future = new Date(Date.now() + 60_000)
  utimesSync(join(root, path), future, future)
}

describe("bin/vwifi.js: the bundle or the sources", () => {
  it("runs the bundle while it is fresh, and the sources when asked to (VWIFI_SOURCES=1)", () => {
    const root = stubRepository()
    try {
      assert.strictEqual(runs(root), "bundle")
      assert.strictEqual(runs(root, { VWIFI_SOURCES: "1" }), "sources")
    } finally {
      rmSync(root, { recursive: true, force: true })
    }
  })

  it("runs the sources once a source, a folder of them or package.json changed after the build, or with no build on record", () => {
    for (const changed of ["src/cli/main.ts", "src/cli", "package.json"]) {
      const root = stubRepository()
      try {
        later(root, changed)
        assert.strictEqual(runs(root), "sources", `${changed} changed`)
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
    for (const gone of ["build/vwifi/current.json", "build/vwifi/1"]) {
      const root = stubRepository()
      try {
        rmSync(join(root, gone), { recursive: true })
        assert.strictEqual(runs(root), "sources", `${gone} removed`)
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
    }
  })
})
