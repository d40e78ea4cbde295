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
      for (const m of readFileSync(file, "utf8").matchAll(/from "(\.[^"]+)"/g)) {
        const target = normalize(join(dirname(rel), m[1]!)).split("/")[0]!
        if ((layerOf.get(target) ?? -1) > layerOf.get(folder)!) upward.push(`${rel} imports ${m[1]}`)
      }
    }
    assert.deepStrictEqual(upward, [])
  })
})
