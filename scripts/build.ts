/**
 * Builds the package as users get it (`npm run build`, and `npm pack` through `prepack`): compiled
 * JavaScript with `.d.ts` in dist/, from src/ by `tsc -p tsconfig.build.json` (which rewrites the
 * sources' `.ts` imports to `.js`). The repository itself runs the TypeScript sources.
 */
import { spawnSync } from "node:child_process"
import { rmSync } from "node:fs"
import { fileURLToPath } from "node:url"

const root = fileURLToPath(new URL("..", import.meta.url))
const tsc = fileURLToPath(new URL("../node_modules/typescript/bin/tsc", import.meta.url))

// A stale file of a module since deleted must not ship.
rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true })
const result = spawnSync(process.execPath, [tsc, "-p", "tsconfig.build.json"], { cwd: root, stdio: "inherit" })
process.exit(result.status ?? 1)
