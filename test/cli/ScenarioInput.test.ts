/** The scenario a command starts from: a file with its flags applied, and how a refusal names them. */
import { assert, describe, it } from "@effect/vitest"
import { Effect, Option } from "effect"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { durationOverride, loadScenario } from "../../src/cli/ScenarioInput.ts"

const dir = mkdtempSync(join(tmpdir(), "vwifi-scenario-input-"))
const file = (name: string, text: string): string => {
  const path = join(dir, name)
  writeFileSync(path, text)
  return path
}
const refusal = (path: string) => Effect.map(Effect.flip(loadScenario(Option.some(path), durationOverride(Option.some(2e9)))), (e) => e.message)

describe("cli: a scenario with its flags", () => {
  it.effect("names the fields the flags set when a field is refused", () =>
    Effect.gen(function*() {
      const message = yield* refusal(file("bad.json", `{"card":{"vmacs":0}}`))
      assert.include(message, "card.vmacs")
      assert.include(message, "--duration 2s sets durationSeconds to 2")
    }))

  it.effect("says nothing of the flags when the file is no object, which they could not set anything on", () =>
    Effect.gen(function*() {
      for (const [name, text] of [["list.json", "[]"], ["null.json", "null"], ["number.json", "3"]] as const) {
        const message = yield* refusal(file(name, text))
        assert.include(message, "expected an object")
        assert.notInclude(message, "flags set fields")
      }
    }))
})
