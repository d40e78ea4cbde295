#!/usr/bin/env node
// Entry point of the vwifi CLI. In the repository it runs the TypeScript sources (Node ≥ 22.18 strips
// types); an installed package has no sources, only the compiled JavaScript in dist/ (Node strips no
// types under node_modules).
import { existsSync } from "node:fs"
import * as nodeModule from "node:module"

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

const fromSources = existsSync(new URL("../src/cli/main.ts", import.meta.url))
const module = (name) => new URL(fromSources ? `../src/cli/${name}.ts` : `../dist/cli/${name}.js`, import.meta.url).href

// V8 sizes its heap once, at start: start again with vwifi's heap flags (src/cli/HeapFlags.ts) unless
// they, or the user's own, are set. Where Node cannot replace the process (Windows), run as it is.
const { heapFlagsFor, missingHeapFlags, withFlags } = await import(module("HeapFlags"))
const missing = missingHeapFlags(process.execArgv, process.env.NODE_OPTIONS, heapFlagsFor(process.argv.slice(2)))
if (typeof process.execve === "function" && missing.length > 0) {
  process.execve(process.execPath, withFlags(missing, process.execPath, process.execArgv, process.argv))
}

await import(module("main"))
