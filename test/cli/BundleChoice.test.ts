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
const heapFlags = "export const heapFlagsFor = () => []\nexport const restartWith = () => undefined\nexport const withFlags = () => []\n"
// One flag to add, as vwifi's own: the stub starts Node again with it, once.
const reexecHeapFlags = "export const heapFlagsFor = () => ['--stack-size=900']\n" +
  "export const restartWith = (execArgv, _, wanted) => wanted.every((f) => execArgv.includes(f)) ? undefined : { flags: wanted.filter((f) => !execArgv.includes(f)), execArgv }\n" +
  "export const withFlags = (flags, execPath, execArgv, argv) => [execPath, ...flags, ...execArgv, ...argv.slice(1)]\n"
// Each entry says which it is, whether Node was started again, and whether the choice leaked into its environment.
const says = (which: string) =>
  `console.log(${JSON.stringify(which)} + (process.execArgv.includes("--stack-size=900") ? " again" : "") + (process.env.VWIFI_CHOSEN_BUNDLE === undefined ? "" : " leaked"))\n`

const stubRepository = (flags = heapFlags): string => {
  const root = mkdtempSync(join(tmpdir(), "vwifi-bin-"))
  mkdirSync(join(root, "bin"))
  copyFileSync(bin, join(root, "bin/vwifi.js"))
  writeFileSync(join(root, "package.json"), '{ "type": "module" }\n')
  mkdirSync(join(root, "src/cli"), { recursive: true })
  writeFileSync(join(root, "src/cli/main.ts"), says("sources"))
  writeFileSync(join(root, "src/cli/HeapFlags.ts"), flags)
  mkdirSync(join(root, "build/vwifi/1"), { recursive: true })
  writeFileSync(join(root, "build/vwifi/1/main.js"), says("bundle"))
  writeFileSync(join(root, "build/vwifi/1/HeapFlags.js"), flags)
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

  it("started again with the heap flags, Node runs what was chosen before, and passes the choice on to no one", () => {
    for (const [env, expected] of [[{}, "bundle again"], [{ VWIFI_SOURCES: "1" }, "sources again"]] as const) {
      const root = stubRepository(reexecHeapFlags)
      try {
        assert.strictEqual(runs(root, env), expected)
      } finally {
        rmSync(root, { recursive: true, force: true })
      }
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
