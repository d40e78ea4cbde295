#!/usr/bin/env node
// Entry point of the vwifi CLI. In the repository it runs the TypeScript sources (Node ≥ 22.18 strips
// types); an installed package has no sources, only the compiled JavaScript in dist/ (Node strips no
// types under node_modules).
import { existsSync } from "node:fs"

const sources = new URL("../src/cli/main.ts", import.meta.url)
await import(existsSync(sources) ? sources.href : new URL("../dist/cli/main.js", import.meta.url).href)
