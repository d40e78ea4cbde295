/**
 * Property: every hostile scenario file and flag combination — deep nesting, huge and non-finite
 * numbers, wrong types, unknown and prototype keys, very large files, non-regular files, empty and
 * binary input, flags out of range or at odds with the file — ends with exit code 2, nothing on
 * stdout (the runs ask for --json), one message on stderr that names the field, the flag or the file,
 * no stack trace, in bounded time and memory.
 *
 * The cases are drawn from a seeded generator (VWIFI_HOSTILE_SEED, default fixed; VWIFI_HOSTILE_RUNS,
 * default 200) and run through the command line in process (`runCli`, what `bin/vwifi.js` runs).
 */
import { afterAll, assert, describe, it } from "@effect/vitest"
import { NodeServices } from "@effect/platform-node"
import { Effect, Layer } from "effect"
import { TestConsole } from "effect/testing"
import { execFileSync } from "node:child_process"
import { mkdtempSync, rmSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { runCli } from "../../src/cli/Cli.ts"
import { Prng } from "../../src/kernel/Prng.ts"

const runs = Number(process.env["VWIFI_HOSTILE_RUNS"] ?? 200)
const seed = Number(process.env["VWIFI_HOSTILE_SEED"] ?? 20_260_611)
/** Wall time one refused case may take, and heap it may leave behind. */
const MAX_CASE_MS = 3_000
const MAX_HEAP_GROWTH_MB = 200

const dir = mkdtempSync(join(tmpdir(), "vwifi-hostile-"))
let files = 0
const file = (content: string | Uint8Array): string => {
  const path = join(dir, `case-${files++}.json`)
  writeFileSync(path, content)
  return path
}

/** One hostile invocation: its arguments, and what the message must name. */
interface Case {
  readonly family: string
  readonly args: ReadonlyArray<string>
  readonly names: string
}

const pick = <A>(r: Prng, items: ReadonlyArray<A>): A => items[r.nextIntBelow(items.length)]!

/** A valid scenario with one of everything, so that every field below exists to be spoiled. */
const base = () => ({
  durationSeconds: 5,
  host: { cpuGhz: 2.53 },
  card: { vmacs: 4, channel: 6, channelDwellMs: 102.4, noiseFloorDbm: -95 },
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", signalDbm: -50, beaconIntervalTu: 100, endpoint: { wiredLatencyUs: 100 } }],
  vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", memoryMb: 512, traffic: [{ kind: "ping", intervalMs: 100 }] }],
  switches: { interruptCoalescing: { frames: 8 } },
  driver: { scanDwellMs: 20, scanCacheAgeMs: 2000 },
  faults: [{ kind: "ap-down", atSeconds: 2, ap: "lab", forSeconds: 1 }]
})

/** Numeric fields as [path segments, their printed path]. Every one is bounded well inside ±1e7. */
const NUMERIC: ReadonlyArray<ReadonlyArray<string | number>> = [
  ["durationSeconds"], ["host", "cpuGhz"], ["card", "vmacs"], ["card", "channel"], ["card", "channelDwellMs"],
  ["card", "noiseFloorDbm"], ["aps", 0, "signalDbm"], ["aps", 0, "beaconIntervalTu"], ["aps", 0, "endpoint", "wiredLatencyUs"],
  ["vms", 0, "memoryMb"], ["vms", 0, "traffic", 0, "intervalMs"], ["switches", "interruptCoalescing", "frames"],
  ["driver", "scanDwellMs"], ["driver", "scanCacheAgeMs"], ["faults", 0, "atSeconds"], ["faults", 0, "forSeconds"]
]
/** Objects a key can be added to. */
const OBJECTS: ReadonlyArray<ReadonlyArray<string | number>> = [
  [], ["host"], ["card"], ["aps", 0], ["aps", 0, "endpoint"], ["vms", 0], ["vms", 0, "traffic", 0], ["switches"], ["driver"]
]
const printed = (path: ReadonlyArray<string | number>): string =>
  path.reduce<string>((out, k) => (typeof k === "number" ? `${out}[${k}]` : /^[A-Za-z_$][\w$]*$/.test(k) ? (out === "" ? k : `${out}.${k}`) : `${out}[${JSON.stringify(k)}]`), "")

const setAt = (root: Record<string, unknown>, path: ReadonlyArray<string | number>, value: unknown): void => {
  let node: any = root
  for (const k of path.slice(0, -1)) node = node[k]
  node[path[path.length - 1]!] = value
}

/** A scenario's JSON text with the marker string replaced by raw JSON (JSON.stringify cannot write 1e309). */
const withRaw = (path: ReadonlyArray<string | number>, raw: string): string => {
  const s = base()
  setAt(s, path, "@@RAW@@")
  return JSON.stringify(s).replace("\"@@RAW@@\"", raw)
}

const families: ReadonlyArray<(r: Prng) => Case> = [
  function deepNesting(r) {
    const depth = 17 + r.nextIntBelow(pick(r, [10, 1000, 100_000])) // within 1 MiB: the nesting is what is refused
    const [open, close] = pick(r, [["[", "]"], ["{\"a\":", "}"]] as const)
    const at = pick(r, ["", "vms", "faults", "card"])
    const nested = open.repeat(depth) + (open === "[" ? "" : "1") + close.repeat(depth)
    return { family: "deep nesting", args: [file(at === "" ? nested : `{"${at}": ${nested}}`)], names: "nested more than 16 levels deep" }
  },
  function hugeNumber(r) {
    const path = pick(r, NUMERIC)
    return { family: "huge number", args: [file(withRaw(path, pick(r, ["1e309", "-1e309", "1e300", "-1e300", "9007199254740993", "-1e12", "1e12"])))], names: printed(path) }
  },
  function wrongType(r) {
    const path = pick(r, [...NUMERIC, ["mode"], ["vms", 0, "name"], ["aps", 0, "ssid"], ["card", "phy"], ["aps"], ["vms"], ["faults", 0, "kind"]])
    const value = pick<unknown>(r, ["5", true, false, null, [], {}, [1, 2], { x: 1 }, "", "\u0000", "x".repeat(10_000)])
    const s = base()
    setAt(s, path, value)
    return { family: "wrong type", args: [file(JSON.stringify(s))], names: printed(path) }
  },
  function unknownKey(r) {
    const at = pick(r, OBJECTS)
    const key = pick(r, ["__proto__", "constructor", "prototype", "toString", "hasOwnProperty", "valueOf", "__defineGetter__", "typo", "Mode", "durationseconds"])
    const s = base()
    setAt(s, [...at, "@@KEY@@"], pick<unknown>(r, [1, {}, { mode: "native" }, "x", null]))
    const text = JSON.stringify(s).replace("\"@@KEY@@\"", JSON.stringify(key))
    return { family: "unknown or prototype key", args: [file(text)], names: printed([...at, key]) }
  },
  function largeFile(r) {
    const kind = r.nextIntBelow(3)
    if (kind === 0) {
      const bytes = 1024 * 1024 + 1 + r.nextIntBelow(3 * 1024 * 1024)
      return { family: "large file", args: [file(`{"vms": [], "pad": "${"a".repeat(bytes)}"}`)], names: "at most 1 MiB" }
    }
    if (kind === 1) {
      const n = 10_001 + r.nextIntBelow(300_000)
      return { family: "long list", args: [file(`{"faults": [${"1,".repeat(n - 1)}1]}`)], names: `a list of ${n} entries` }
    }
    const n = 101 + r.nextIntBelow(20_000)
    return { family: "wide object", args: [file(JSON.stringify(Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, i]))))], names: `an object with ${n} keys` }
  },
  function notARegularFile(r) {
    const path = pick(r, ["/dev/zero", "/dev/null", "/dev/urandom", dir, fifo])
    return { family: "not a regular file", args: [path], names: path === dir ? "directory" : "not a regular file" }
  },
  function emptyOrBinary(r) {
    const kind = r.nextIntBelow(4)
    if (kind === 0) return { family: "empty", args: [file("")], names: "the file is empty" }
    const bytes = new Uint8Array(1 + r.nextIntBelow(4096)).map(() => r.nextIntBelow(256))
    if (kind === 1) {
      bytes[0] = 0xff // never UTF-8
      return { family: "binary", args: [file(bytes)], names: "not UTF-8 text" }
    }
    if (kind === 2) {
      const ascii = bytes.map((b) => b & 0x7f)
      ascii[0] = 0x00 // UTF-8, never JSON
      return { family: "binary", args: [file(ascii)], names: "invalid JSON" }
    }
    const text = JSON.stringify(base())
    return { family: "truncated", args: [file(text.slice(0, 1 + r.nextIntBelow(text.length - 2)))], names: "invalid JSON at line 1" }
  },
  function badFlag(r) {
    const [flag, value] = pick(r, [
      ["--duration", pick(r, ["0.5s", "100ms", "999ms", "1s", "101d"])],
      ["--duration", pick(r, ["200d", "-5s", "", "abc", "NaNs", "Infinitys", "1e3s", "0s"])],
      ["--seed", pick(r, ["-3", "1.5", "9007199254740993", "abc", ""])],
      ["--mode", pick(r, ["bogus", "", "NATIVE"])],
      ["--faults", pick(r, ["-1", "601", "NaN", "Infinity", "abc"])]
    ] as const)
    // --mode and --faults are run's alone.
    const command = flag === "--mode" || flag === "--faults" ? "run" : pick(r, ["run", "run", "compare", "sweep-rate"])
    const scenario = r.nextIntBelow(2) === 0 ? [file(JSON.stringify(base()))] : []
    return { family: "bad flag", args: [command, ...scenario, flag, value, "--json"], names: flag }
  },
  function flagsAgainstTheFile(r) {
    const kind = r.nextIntBelow(3)
    if (kind === 0) return { family: "flag vs file", args: [file(JSON.stringify(base())), "--duration", pick(r, ["1.5s", "2s"]), "--json"], names: "--duration" }
    if (kind === 1) {
      const s = base()
      s.vms.push({ ...s.vms[0]!, name: "vm2" })
      return { family: "flag vs file", args: [file(JSON.stringify(s)), "--mode", pick(r, ["native", "passthrough"]), "--json"], names: "--mode" }
    }
    return { family: "flag vs file", args: ["--duration", "7d", "--faults", String(300 + r.nextIntBelow(300)), "--json"], names: "--faults" }
  },
  function unknownFlag(r) {
    const flag = pick(r, ["--durationn", "--Seed", "--json=maybe", "--trace", "-x", "--modes"])
    return { family: "unknown flag", args: [flag, "--json"], names: flag.replace(/=.*/, "") }
  }
]

const fifo = join(dir, "fifo")
execFileSync("mkfifo", [fifo])

/** Runs `vwifi run …args` (or the command the case names) in process; the exit code and both streams. */
const vwifi = (args: ReadonlyArray<string>) =>
  Effect.gen(function*() {
    const cmd = ["run", "compare", "sweep-rate"].includes(args[0]!) ? args : ["run", ...args]
    const code = yield* runCli(cmd)
    const text = (lines: ReadonlyArray<unknown>) => lines.map(String).join("\n")
    return { code, stdout: text(yield* TestConsole.logLines), stderr: text(yield* TestConsole.errorLines) }
  }).pipe(Effect.provide([Layer.fresh(TestConsole.layer), NodeServices.layer]))

const STACK = /\n\s+at .+[:(]\d+/

afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe("cli: hostile files and flags", () => {
  it.effect(`${runs} generated cases: exit 2, one message naming the field or flag, no stack, bounded time and memory`, () =>
    Effect.gen(function*() {
      const random = new Prng(seed)
      const seen = new Map<string, number>()
      const heapStart = process.memoryUsage().heapUsed
      for (let i = 0; i < runs; i++) {
        const family = pick(random, families)
        const c = family(random)
        seen.set(family.name, (seen.get(family.name) ?? 0) + 1)
        const started = performance.now()
        const r = yield* vwifi(c.args)
        const ms = performance.now() - started
        const where = `case ${i} (${c.family}): vwifi ${c.args.map((a) => (a.length > 80 ? `${a.slice(0, 77)}...` : a)).join(" ")}\nstderr: ${r.stderr.slice(0, 600)}`
        assert.strictEqual(r.code, 2, where)
        assert.strictEqual(r.stdout, "", `stdout holds nothing but a result: ${where}`)
        assert.include(r.stderr, c.names, where)
        assert.notMatch(r.stderr, STACK, where)
        assert.isBelow(r.stderr.length, 4000, `one short message: ${where}`)
        assert.isBelow(ms, MAX_CASE_MS, `bounded time: ${where}`)
      }
      const heapGrowthMb = (process.memoryUsage().heapUsed - heapStart) / 2 ** 20
      assert.isBelow(heapGrowthMb, MAX_HEAP_GROWTH_MB, "bounded memory")
      // Every generator was drawn from.
      assert.strictEqual(seen.size, families.length, [...seen.keys()].join(", "))
    }), 240_000)
})
