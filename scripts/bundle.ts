/**
 * Bundles the command line for the repository's own runs: `npm install` and `npm ci` run it (the
 * `prepare` script), and `bin/vwifi.js` then loads a few files instead of about 435 modules: a run
 * starts in about half the time (issue 14; docs/benchmark.md, "The model", round 9).
 *
 * `bin/vwifi.js` uses the bundle only while no source is newer than the build; otherwise, or with
 * VWIFI_SOURCES=1, it runs the sources. So an edited source is never run stale, and a failed bundle
 * never fails an install: it only warns.
 *
 * Each build goes to a folder of its own, `build/vwifi/<when it started, ms>/`, and `current.json`
 * beside them names the newest (written whole, then renamed over the old one): a vwifi already
 * running from an older build, which may still load a file of it (the worker pool, the report's
 * charts), keeps it; the three newest builds are kept. `npm pack` and `npm publish` build none:
 * the package ships the compiled modules of dist/ instead (scripts/build.ts).
 *
 * The entries keep their names: `main.js` (the command line), `HeapFlags.js` (what `bin/vwifi.js`
 * reads before it starts Node again), `PoolStart.js` (the pool's threads it starts before the
 * command line loads) and `JobWorkerStart.js`, which the worker pool starts beside the
 * chunk that names it (`src/jobs/WorkerPool.ts`). Node's built-in modules stay imports; everything
 * else is bundled.
 */
import { mkdirSync, readdirSync, renameSync, rmSync, writeFileSync } from "node:fs"
import { join } from "node:path"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
/** Where the builds go; `bin/vwifi.js` reads `current.json` here. */
export const BUNDLES_DIR = join(root, "build", "vwifi")
export const CURRENT_FILE = "current.json"
/** Builds kept: the current one and the two before it. */
const BUILDS_KEPT = 3

/**
 * Compacted, names kept: without comments and whitespace, and with every non-ASCII character escaped
 * (a source with one is a two-byte string to V8), Node reads, decodes and compiles 3.7 MB instead of
 * 7.2: `vwifi --version` took 0.23–0.27 s against 0.28–0.32 s (six alternating runs each, issue 14).
 * Names are not mangled and functions and classes keep theirs, so a stack trace and a profile still
 * name what ran.
 */
const MINIFY = {
  compress: { keepNames: { function: true, class: true } },
  mangle: false,
  codegen: { removeWhitespace: true, asciiOnly: true }
} as const

/** A file of the bundle, and the modules in it (absolute paths). */
export interface BundleChunk {
  readonly fileName: string
  readonly moduleIds: ReadonlyArray<string>
}

/** Bundles the command line into `dir` (emptied first). */
export const bundleCli = async (dir: string): Promise<ReadonlyArray<BundleChunk>> => {
  // Imported here, so that a machine without the dev dependencies gets a warning, not a crash.
  const { build } = await import("rolldown")
  rmSync(dir, { recursive: true, force: true })
  mkdirSync(dir, { recursive: true })
  const { output } = await build({
    input: {
      main: join(root, "src/cli/main.ts"),
      HeapFlags: join(root, "src/cli/HeapFlags.ts"),
      PoolStart: join(root, "src/cli/PoolStart.ts"),
      JobWorkerStart: join(root, "src/jobs/JobWorkerStart.ts")
    },
    platform: "node",
    logLevel: "silent",
    output: { dir, format: "esm", entryFileNames: "[name].js", chunkFileNames: "[name]-[hash].js", minify: MINIFY }
  })
  return output.flatMap((o) => o.type === "chunk" ? [{ fileName: o.fileName, moduleIds: o.moduleIds }] : [])
}

/** A new build in its own folder, then named current; the oldest beyond `BUILDS_KEPT` go. */
const bundleForRepository = async (): Promise<void> => {
  // Sources changed from here on make the build stale: its start, not its end, is what it saw.
  const startedMs = Date.now()
  const name = String(startedMs)
  await bundleCli(join(BUNDLES_DIR, name))
  const next = join(BUNDLES_DIR, `${CURRENT_FILE}.${process.pid}`)
  writeFileSync(next, JSON.stringify({ dir: name, startedMs }) + "\n")
  renameSync(next, join(BUNDLES_DIR, CURRENT_FILE))
  const builds = readdirSync(BUNDLES_DIR, { withFileTypes: true }).filter((e) => e.isDirectory() && /^\d+$/.test(e.name)).map((e) => e.name)
  builds.sort((a, b) => Number(b) - Number(a))
  for (const old of builds.slice(BUILDS_KEPT)) rmSync(join(BUNDLES_DIR, old), { recursive: true, force: true })
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const packing = process.env.npm_command === "pack" || process.env.npm_command === "publish"
  if (!packing) {
    try {
      await bundleForRepository()
    } catch (error) {
      console.warn(`vwifi: the command line was not bundled (${(error as Error).message}); bin/vwifi.js runs the sources, which start slower.`)
    }
  }
}
