#!/usr/bin/env node
// Entry point of the vwifi CLI. In the repository it runs the bundle `npm install` built from the
// TypeScript sources while it is up to date, else the sources (Node ≥ 22.18 strips types); an
// installed package has no sources, only the compiled JavaScript in dist/ (Node strips no types
// under node_modules).
import { existsSync, readdirSync, readFileSync, statSync } from "node:fs"
import * as nodeModule from "node:module"
import { join } from "node:path"
import { fileURLToPath, pathToFileURL } from "node:url"

// The sources need Node's type stripping and `import.meta.main` (package.json's engines): an older
// Node would fail on the first TypeScript import with a stack trace, so say what to do instead.
const [major, minor] = process.versions.node.split(".").map(Number)
if (major < 22 || (major === 22 && minor < 19)) {
  console.error(`vwifi needs Node 22.19 or later; this is Node ${process.versions.node}.`)
  console.error("In the repository, `npm run vwifi -- <command>` runs it on the Node the project pins (npm install fetches it).")
  process.exit(1)
}

// Node's on-disk cache of compiled modules (and of the sources with their types stripped), in the
// system's temporary directory: a run then starts in about 1.8 s of CPU instead of 2.7 s (issue 14).
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
nodeModule.enableCompileCache?.()

const root = fileURLToPath(new URL("..", import.meta.url))
const fromSources = existsSync(join(root, "src/cli/main.ts"))

/**
 * In the repository, the bundle of the sources that `npm install` builds (scripts/bundle.ts) starts
 * in about half the time of the sources' 435 modules: it runs instead of them while nothing it was
 * built from changed since (any file or folder under src/, package.json, the installed packages).
 * VWIFI_SOURCES=1 runs the sources anyway.
 */
const CHOSEN_BUNDLE = "VWIFI_CHOSEN_BUNDLE"
const freshBundle = () => {
  let build
  try {
    build = JSON.parse(readFileSync(join(root, "build/vwifi/current.json"), "utf8"))
  } catch {
    return undefined
  }
  const { dir, startedMs } = build
  if (typeof dir !== "string" || !/^\d+$/.test(dir) || typeof startedMs !== "number") return undefined
  const folder = join(root, "build/vwifi", dir)
  if (!existsSync(join(folder, "main.js"))) return undefined
  const changed = (path) => statSync(path, { throwIfNoEntry: false })?.mtimeMs > startedMs
  const changedUnder = (path) =>
    changed(path) || readdirSync(path, { withFileTypes: true }).some((e) => e.isDirectory() ? changedUnder(join(path, e.name)) : changed(join(path, e.name)))
  if (changed(join(root, "package.json")) || changed(join(root, "node_modules/.package-lock.json")) || changedUnder(join(root, "src"))) return undefined
  return folder
}
// Node started again with the heap flags (below) gets the choice made before, instead of walking
// src/ a second time; it is taken out of the environment, so no process this one starts inherits it.
const chosen = process.env[CHOSEN_BUNDLE]
delete process.env[CHOSEN_BUNDLE]
const bundle = chosen !== undefined
  ? chosen === "" ? undefined : chosen
  : fromSources && process.env.VWIFI_SOURCES !== "1" ? freshBundle() : undefined
const module = (name) =>
  bundle !== undefined
    ? pathToFileURL(join(bundle, `${name}.js`)).href
    : new URL(fromSources ? `../src/cli/${name}.ts` : `../dist/cli/${name}.js`, import.meta.url).href

// V8 sizes its heap once, at start: start again with vwifi's heap flags (src/cli/HeapFlags.ts) unless
// they, or the user's own, are set. Where Node cannot replace the process (Windows), run as it is.
// `npm run vwifi` passes them already (package.json), and Node starts once.
const { heapFlagsFor, POOL_HEAP_FLAGS, restartWith, withFlags } = await import(module("HeapFlags"))
const heapFlags = heapFlagsFor(process.argv.slice(2))
const restart = restartWith(process.execArgv, process.env.NODE_OPTIONS, heapFlags)
if (typeof process.execve === "function" && restart !== undefined) {
  process.execve(process.execPath, withFlags(restart.flags, process.execPath, restart.execArgv, process.argv), { ...process.env, [CHOSEN_BUNDLE]: bundle ?? "" })
}

// A command that runs a pool of worker threads gets them now: they load the model while this
// thread loads the command line (src/cli/PoolStart.ts).
if (heapFlags === POOL_HEAP_FLAGS) (await import(module("PoolStart"))).startPoolThreads(process.argv.slice(2))

await import(module("main"))
