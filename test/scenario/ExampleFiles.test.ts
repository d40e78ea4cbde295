import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readFileSync } from "node:fs"
import { fileURLToPath } from "node:url"
import * as examples from "../../src/scenario/examples.ts"
import { loadScenarioFile } from "../../src/scenario/ScenarioLoad.ts"

const file = (name: string) => fileURLToPath(new URL(`../../examples/${name}.json`, import.meta.url))

describe("examples/*.json", () => {
  for (const [name, object] of [
    ["two-vms-two-aps", examples.twoVmsTwoAps],
    ["four-vms-ht40", examples.fourVmsHt40],
    ["wrong-passphrase", examples.wrongPassphrase]
  ] as const) {
    it.effect(`${name}.json is the documented example and loads`, () =>
      Effect.gen(function*() {
        assert.deepStrictEqual(JSON.parse(readFileSync(file(name), "utf8")), object)
        const scenario = yield* loadScenarioFile(file(name))
        assert.isAbove(scenario.vms.length, 0)
      }))
  }
})
