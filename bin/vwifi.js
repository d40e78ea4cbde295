#!/usr/bin/env node
// Entry point of the vwifi CLI. In the repository it runs the TypeScript sources (Node ≥ 22.18 strips
// types); an installed package has no sources, only the compiled JavaScript in dist/ (Node strips no
// types under node_modules).
import { existsSync } from "node:fs"
import { enableCompileCache } from "node:module"

// Node's on-disk cache of compiled modules (and of the sources with their types stripped), in the
// system's temporary directory: a run then starts in about 1.8 s of CPU instead of 2.7 s (issue 14).
// NODE_DISABLE_COMPILE_CACHE=1 turns it off.
enableCompileCache?.()

const sources = new URL("../src/cli/main.ts", import.meta.url)
await import(existsSync(sources) ? sources.href : new URL("../dist/cli/main.js", import.meta.url).href)
