#!/usr/bin/env node
// Entry point of the vwifi CLI. Node ≥ 22.18 runs the TypeScript sources directly (type stripping).
import "../src/cli/main.ts"
