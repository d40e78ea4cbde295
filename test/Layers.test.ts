/** docs/model.md's layers, enforced: no module imports from a folder of a layer above its own. */
import { assert, describe, it } from "@effect/vitest"
import { readdirSync, readFileSync, statSync } from "node:fs"
import { dirname, join, normalize, relative } from "node:path"
import { fileURLToPath } from "node:url"

const src = fileURLToPath(new URL("../src", import.meta.url))
/** Bottom to top, as docs/model.md's table lists them. */
const layers: ReadonlyArray<ReadonlyArray<string>> = [
  ["kernel", "actor"],
  ["vocabulary", "scenario", "environment"],
  ["guest", "device-model", "driver", "host", "nic", "air", "ap", "cpu", "workload", "ratecontrol", "location"],
  ["check", "pcap", "timeline"],
  ["world"],
  ["report"],
  ["run", "fault", "jobs", "cluster", "compare", "soak", "campaign", "demo"],
  ["cli"]
]
const layerOf = new Map(layers.flatMap((folders, i) => folders.map((f) => [f, i] as const)))

/**
 * The relative modules a source file imports: `from "./x"` (static imports and re-exports), `import "./x"`
 * (side effects) and `import("./x")` (dynamic: the CLI loads the cluster and worker code lazily).
 */
const relativeImports = (source: string): Array<string> =>
  [...source.matchAll(/\bfrom\s*["'](\.[^"']+)["']|\bimport\s*\(?\s*["'`](\.[^"'`]+)["'`]/g)].map((m) => (m[1] ?? m[2])!)

const files = (dir: string): Array<string> =>
  readdirSync(dir).flatMap((name) => {
    const path = join(dir, name)
    return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : []
  })

describe("layers", () => {
  it("every folder of src/ has a layer, and nothing imports from above its own", () => {
    const upward: Array<string> = []
    for (const file of files(src)) {
      const rel = relative(src, file)
      const folder = rel.split("/")[0]!
      if (!rel.includes("/")) continue // src/index.ts, the library's front door, sees everything
      assert.isTrue(layerOf.has(folder), `src/${folder}/ has no layer in docs/model.md`)
      for (const spec of relativeImports(readFileSync(file, "utf8"))) {
        const target = normalize(join(dirname(rel), spec)).split("/")[0]!
        if ((layerOf.get(target) ?? -1) > layerOf.get(folder)!) upward.push(`${rel} imports ${spec}`)
      }
    }
    assert.deepStrictEqual(upward, [])
  })

  it("sees every form of import, dynamic ones included", () => {
    const source = [
      `import { a } from "../air/A.ts"`,
      `import type { B } from '../kernel/B.ts'`,
      `export { c } from "./C.ts"`,
      `import "../world/Side.ts"`,
      `const m = await import("../cluster/Lazy.ts")`,
      `Promise.all([import( "../jobs/Pool.ts" ), import("effect"), import(\`../run/T.ts\`)])`
    ].join("\n")
    assert.deepStrictEqual(relativeImports(source), [
      "../air/A.ts", "../kernel/B.ts", "./C.ts", "../world/Side.ts", "../cluster/Lazy.ts", "../jobs/Pool.ts", "../run/T.ts"
    ])
    // The CLI's lazy imports are among those checked.
    const workers = relativeImports(readFileSync(join(src, "cli", "Workers.ts"), "utf8"))
    assert.include(workers, "../jobs/WorkerPool.ts")
  })
})
