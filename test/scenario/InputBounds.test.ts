/**
 * A hostile scenario file or object is refused by the loader within bounded time and memory, with
 * one problem that names the rule: the limits of `InputBounds.ts` and the Schema's per-field ones.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { execFileSync } from "node:child_process"
import { mkdtempSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { checkShape, jsonTooDeepAt, MAX_NESTING_DEPTH, OBJECT_SHAPE, MAX_SCENARIO_FILE_BYTES } from "../../src/scenario/InputBounds.ts"
import { decodeScenario, loadScenarioFile } from "../../src/scenario/ScenarioLoad.ts"

const dir = mkdtempSync(join(tmpdir(), "vwifi-bounds-"))
const file = (name: string, content: string | Uint8Array) => {
  const path = join(dir, name)
  writeFileSync(path, content)
  return path
}
const refusal = (path: string) => Effect.map(Effect.flip(loadScenarioFile(path)), (e) => e.message)

describe("scenario input bounds", () => {
  it.effect("nesting 100,000 deep is refused at the limit, with its line and column, not a stack overflow", () =>
    Effect.gen(function*() {
      const deep = file("deep.json", "[".repeat(100_000) + "]".repeat(100_000))
      const message = yield* refusal(deep)
      assert.include(message, `nested more than ${MAX_NESTING_DEPTH} levels deep at line 1, column ${MAX_NESTING_DEPTH + 1}`)
      // Inside a field, and in an object given to decodeScenario.
      const inField = file("field.json", `{"vms": ${"[".repeat(50)}${"]".repeat(50)}}`)
      assert.include(yield* refusal(inField), "nested more than")
      let value: unknown = 1
      for (let i = 0; i < 100_000; i++) value = [value]
      const error = yield* Effect.flip(decodeScenario({ faults: value }))
      assert.include(error.message, "(object): faults[0]")
      assert.include(error.message, "nested more than")
    }))

  it.effect("an object that contains itself is refused", () =>
    Effect.gen(function*() {
      const cyclic: Record<string, unknown> = {}
      cyclic["card"] = cyclic
      assert.include((yield* Effect.flip(decodeScenario(cyclic))).message, "nested more than")
    }))

  it.effect("a file over 1 MiB, a device and a FIFO are refused before being read", () =>
    Effect.gen(function*() {
      const big = file("big.json", `{"vms": [], "x": "${"a".repeat(MAX_SCENARIO_FILE_BYTES)}"}`)
      assert.include(yield* refusal(big), "a scenario file is at most 1 MiB")
      assert.include(yield* refusal("/dev/zero"), "not a regular file")
      const fifo = join(dir, "fifo")
      execFileSync("mkfifo", [fifo])
      // Opening a FIFO for reading would wait for a writer: the type is checked first.
      assert.include(yield* refusal(fifo), "not a regular file")
    }))

  it.effect("empty, binary and non-UTF-8 files say what they are", () =>
    Effect.gen(function*() {
      assert.include(yield* refusal(file("empty.json", "")), "the file is empty")
      assert.include(yield* refusal(file("latin1.json", new Uint8Array([0x7b, 0xe9, 0x7d]))), "not UTF-8 text")
      assert.include(yield* refusal(file("nul.json", new Uint8Array([0x7b, 0x00, 0x7d]))), "invalid JSON at line 1, column 2")
    }))

  it.effect("numbers beyond the largest double are named as such, not as null", () =>
    Effect.gen(function*() {
      const message = yield* refusal(file("inf.json", `{"durationSeconds": 1e309, "warmupSeconds": -1e309}`))
      assert.include(message, "durationSeconds: expected a number greater than 0 and at most 8640000, got a number beyond the largest there is")
      assert.include(message, "warmupSeconds: expected a number between 0 and 8640000, got a number below the smallest there is")
      assert.notInclude(message, "null")
    }))

  it.effect("long lists, wide objects and long keys stay within bounds and one short message", () =>
    Effect.gen(function*() {
      const longList = file("list.json", JSON.stringify({ faults: Array.from({ length: 20_000 }, () => 1) }))
      assert.include(yield* refusal(longList), "faults: a list of 20000 entries; a list in a scenario file holds at most 10000")
      const wide = file("wide.json", JSON.stringify(Object.fromEntries(Array.from({ length: 500 }, (_, i) => [`k${i}`, i]))))
      assert.include(yield* refusal(wide), "an object with 500 keys")
      const longKey = file("key.json", JSON.stringify({ ["k".repeat(100_000)]: 1 }))
      const message = yield* refusal(longKey)
      assert.isBelow(message.length, 400)
      // Many problems: the first 20 are shown, the rest counted.
      const many = file("many.json", JSON.stringify({ faults: Array.from({ length: 100 }, () => 1) }))
      const lines = (yield* refusal(many)).split("\n")
      assert.strictEqual(lines.length, 21)
      assert.include(lines[20]!, "… and 80 more problems")
    }))

  it.effect("durations and counts per event have an upper bound", () =>
    Effect.gen(function*() {
      const tooLong = yield* Effect.flip(decodeScenario({ durationSeconds: 1e12 }))
      assert.include(tooLong.message, "durationSeconds: expected a number greater than 0 and at most 8640000, got 1000000000000")
      const storm = yield* Effect.flip(decodeScenario({ faults: [{ kind: "command-storm", atSeconds: 2, vm: "vm1", commands: 1_000_000 }] }))
      assert.include(storm.message, "faults[0].commands: expected an integer between 1 and 10000, got 1000000")
      const ping = yield* Effect.flip(decodeScenario({ vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 1e-300 }] }] }))
      assert.include(ping.message, "vms[0].traffic[0].intervalMs: expected a number between 1 and 3600000")
    }))

  it("the shape checks are linear scans", () => {
    assert.strictEqual(jsonTooDeepAt(`{"a": "[[[[[[[[[[[[[[[[[[[[[[[[[[[[[", "b": [[1]]}`, 3), undefined)
    assert.strictEqual(jsonTooDeepAt(`{"a": "\\\\", "b": [[[1]]]}`, 3), 19)
    assert.strictEqual(checkShape({ a: [{ b: 1 }] }, OBJECT_SHAPE), undefined)
  })
})
