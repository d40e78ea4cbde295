/**
 * Input the command line refuses at once, with exit code 2 and one message, instead of running with
 * part of it ignored, silently measuring nothing, or writing where the user did not mean; and a file
 * that cannot be written whole, which ends the run with exit code 1 after its results.
 */
import { assert, describe, it } from "@effect/vitest"
import { existsSync, linkSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, symlinkSync, writeFileSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { vwifi, vwifiIn } from "./vwifi.ts"

const scratch = () => mkdtempSync(join(tmpdir(), "vwifi-refuse-"))

const refused = (r: { code: number | null; stdout: string; stderr: string }, text: string): void => {
  assert.strictEqual(r.code, 2, r.stderr)
  assert.include(r.stderr, text)
  assert.notInclude(r.stdout + r.stderr, "    at ")
  assert.notInclude(r.stderr, "internal error")
}

describe("cli: refused before anything runs", () => {
  it("an empty --out, which would scatter the files in the current folder", () => {
    const cwd = scratch()
    refused(vwifiIn(cwd, "compare", "--seeds", "1", "--duration", "2s", "--out", ""), "--out needs a folder name")
    refused(vwifiIn(cwd, "sweep-rate", "--seeds", "1", "--duration", "2s", "--out", " "), "--out needs a folder name")
    assert.deepStrictEqual(readdirSync(cwd), [])
  })

  it("--wizard without a terminal, which read its answers from the pipe and exited 0 at its end", () => {
    refused(vwifi("--wizard"), "--wizard asks its questions on a terminal")
    refused(vwifi("run", "--wizard"), "stdin is not one")
    // After `--` it is a value, not the flag: the command's own parser judges it.
    const r = vwifi("kernel-demo", "--", "--wizard")
    assert.strictEqual(r.code, 2)
    assert.notInclude(r.stderr, "on a terminal")
  })

  it("seeds past the largest one", () => {
    refused(vwifi("compare", "--seed", "9007199254740991", "--seeds", "2", "--duration", "2s"), "past the largest seed")
    refused(vwifi("sweep-rate", "--seed", "9007199254740990", "--seeds", "3", "--duration", "2s"), "take one of at most 9007199254740989")
  })

  it("a base scenario with scheduled faults, for compare and sweep-rate", () => {
    const file = join(scratch(), "faulty.json")
    writeFileSync(file, JSON.stringify({ faults: [{ atSeconds: 2, kind: "crash-driver" }] }))
    refused(vwifi("compare", file, "--seeds", "1", "--duration", "3s"), "does not take")
    refused(vwifi("sweep-rate", file, "--seeds", "1", "--duration", "3s"), "\"faults\" holds 1 scheduled event")
  })

  it("compare --sweep on a base scenario whose warm-up outlasts a sweep point", () => {
    const file = join(scratch(), "warm.json")
    writeFileSync(file, JSON.stringify({ warmupSeconds: 5, durationSeconds: 6 }))
    refused(vwifi("compare", file, "--sweep", "--seeds", "1"), "every point would measure nothing")
  })

  it("the PHY-rate sweep on a base scenario one of its rates cannot run on (802.11g on a 5 GHz channel), before any run", () => {
    const dir = scratch()
    const file = join(dir, "ch36.json")
    writeFileSync(file, JSON.stringify({
      card: { channel: 36, phy: { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" } },
      driver: { scanChannels: [36] }
    }))
    const out = join(dir, "out")
    refused(vwifi("sweep-rate", file, "--seeds", "1", "--duration", "2s", "--out", out), "at 802.11g 54 Mbps, card.channel: 802.11g runs only in the 2.4 GHz band")
    refused(vwifi("compare", file, "--sweep", "--seeds", "1", "--duration", "2s", "--out", out), "--sweep sets the card to each of its PHY rates")
    assert.isFalse(existsSync(out))
  })

  it("an output named \"-\", which would be a file of that name, not standard output", () => {
    const cwd = scratch()
    refused(vwifiIn(cwd, "run", "--trace", "-", "--duration", "2s"), "--trace - would write a file named \"-\"")
    refused(vwifiIn(cwd, "run", "--pcap", "-", "--duration", "2s"), "--pcap - would write")
    assert.deepStrictEqual(readdirSync(cwd), [])
  })

  it("--workers with --cluster, and flags a --replay would ignore", () => {
    const db = join(scratch(), "c.db")
    refused(vwifi("campaign", "--cases", "2", "--workers", "2", "--cluster", db), "do not go together")
    refused(vwifi("compare", "--workers", "1", "--cluster", db), "do not go together")
    assert.isFalse(existsSync(db), "refused before the storage was opened")
    const aCase = JSON.stringify({ seed: 3, mode: 0, vms: 1, aps: 1, traffic: ["ping", "ping", "ping", "ping"], faults: [{ atTenths: 10, kind: 0, target: 0, size: 0 }] })
    refused(vwifi("campaign", "--replay", aCase, "--cases", "5", "--out", scratch()), "--cases, --out would not apply")
    const misspelt = vwifi("campaign", "--replay", JSON.stringify({ ...JSON.parse(aCase), extra: 1 }))
    refused(misspelt, "extra: unknown field")
    assert.notInclude(misspelt.stderr, "faults:", "the case is otherwise valid")
  })

  it("two outputs on one file, or an output on the scenario file", () => {
    const dir = scratch()
    const out = join(dir, "out")
    refused(vwifi("run", "--duration", "2s", "--trace", out, "--pcap", out), "each output needs a file of its own")
    assert.isFalse(existsSync(out))
    const scenario = join(dir, "s.json")
    writeFileSync(scenario, "{}")
    refused(vwifi("run", scenario, "--duration", "2s", "--trace-out", join(dir, ".", "s.json")), "is also the scenario file")
    assert.strictEqual(readFileSync(scenario, "utf8"), "{}")
    // A new file reached through a link to its folder, and a dangling link to a new file, are the same file.
    symlinkSync(dir, join(dir, "folder-link"))
    refused(vwifi("run", "--duration", "2s", "--pcap", join(dir, "x.out"), "--trace-out", join(dir, "folder-link", "x.out")), "each output needs a file of its own")
    symlinkSync(join(dir, "target.out"), join(dir, "dangling"))
    refused(vwifi("run", "--duration", "2s", "--pcap", join(dir, "target.out"), "--trace-out", join(dir, "dangling")), "each output needs a file of its own")
    assert.isFalse(existsSync(join(dir, "x.out")) || existsSync(join(dir, "target.out")))
    // A relative link is followed from the folder it really is in, and ".." from the real folder, not the text.
    mkdirSync(join(dir, "real", "inner"), { recursive: true })
    symlinkSync(join(dir, "real", "inner"), join(dir, "L"))
    symlinkSync("../t.out", join(dir, "real", "inner", "d"))
    refused(vwifi("run", "--duration", "2s", "--pcap", join(dir, "real", "t.out"), "--trace", join(dir, "L", "d")), "each output needs a file of its own")
    refused(vwifi("run", "--duration", "2s", "--pcap", join(dir, "real", "t2.out"), "--trace", `${join(dir, "L")}/../t2.out`), "each output needs a file of its own")
    // A hard link is another name of the same file, which no walk of the path sees.
    writeFileSync(join(dir, "a.jsonl"), "kept")
    linkSync(join(dir, "a.jsonl"), join(dir, "hard.jsonl"))
    refused(vwifi("run", "--duration", "2s", "--trace", join(dir, "a.jsonl"), "--pcap", join(dir, "hard.jsonl")), "is also --trace's file")
    linkSync(scenario, join(dir, "s-hard.json"))
    refused(vwifi("run", scenario, "--duration", "2s", "--pcap", join(dir, "s-hard.json")), "is also the scenario file")
    assert.strictEqual(readFileSync(join(dir, "a.jsonl"), "utf8"), "kept")
  })

  it("a study's --out over its scenario file, or where a file it writes is a folder, before any run", () => {
    const dir = scratch()
    const scenario = join(dir, "results.json")
    writeFileSync(scenario, "{}")
    refused(vwifi("compare", scenario, "--out", dir, "--seeds", "1", "--duration", "2s"), `--out ${join(dir, "results.json")} is also the scenario file`)
    assert.strictEqual(readFileSync(scenario, "utf8"), "{}")
    mkdirSync(join(dir, "out", "sweep.html"), { recursive: true })
    refused(vwifi("sweep-rate", "--out", join(dir, "out"), "--seeds", "1", "--duration", "2s"), `${join(dir, "out", "sweep.html")} is a folder`)
    mkdirSync(join(dir, "camp", "campaign.json"), { recursive: true })
    refused(vwifi("campaign", "--cases", "1", "--out", join(dir, "camp")), `${join(dir, "camp", "campaign.json")} is a folder`)
  })

  it("an output flag given an empty file name, and a runner given an empty host", () => {
    refused(vwifi("run", "--duration", "2s", "--trace", ""), "--trace needs a file name, got an empty one")
    refused(vwifi("kernel-demo", "--duration", "1ms", "--trace", ""), "--trace needs a file name, got an empty one")
    refused(vwifi("run", "--duration", "2s", "--trace-out", ""), "--trace-out needs a file name, got an empty one")
    refused(vwifi("cluster", "runner", "--storage", join(scratch(), "c.db"), "--host", ""), "--host needs a host name or an IP address")
    refused(vwifi("cluster", "runner", "--storage", join(scratch(), "c.db"), "--listen-host", " "), "--listen-host needs a host name or an IP address")
  })

  it("a path that cannot be followed is the user's to fix, named as such, never an internal error", () => {
    const dir = scratch()
    writeFileSync(join(dir, "file.txt"), "")
    symlinkSync("loop", join(dir, "loop"))
    for (const bad of [join(dir, "file.txt", "x.pcap"), join(dir, "loop", "x.pcap")]) {
      const r = vwifi("run", "--duration", "2s", "--pcap", bad)
      assert.include([1, 2], r.code, r.stderr)
      assert.include(r.stderr, "cannot write the capture (--pcap)")
      assert.notInclude(r.stderr, "internal error")
    }
  })

  it("an output on standard output, which holds the run's table or JSON", () => {
    // The test's standard output is a pipe: /dev/stdout is that pipe.
    refused(vwifi("run", "--duration", "2s", "--json", "--pcap", "/dev/stdout"), "is standard output")
    refused(vwifi("run", "--duration", "2s", "--trace-out", "/dev/fd/1"), "is standard output")
    refused(vwifi("kernel-demo", "--duration", "1ms", "--json", "--trace", "/dev/stdout"), "is standard output")
  })

  it("a listing of runners in a SQLite file that does not exist (a mistyped path): exit 2, and no file made", () => {
    const db = join(scratch(), "none.db")
    refused(vwifi("cluster", "runners", "--storage", db), `${db} does not exist: no runner has used it`)
    assert.isFalse(existsSync(db))
  })

  it("a PostgreSQL server that does not answer is the user's to fix, not a crash", () => {
    refused(vwifi("cluster", "runners", "--storage", "postgres://vwifi:secret@127.0.0.1:1/vwifi"), "cannot connect to PostgreSQL at postgres://vwifi:***@127.0.0.1:1/vwifi: the connection was refused")
    // The driver's own words ("No username configured", "Failed to connect") said what to do instead.
    refused(vwifi("cluster", "runners", "--storage", "postgres://127.0.0.1:1/vwifi"), "the URL names no user: give postgres://USER:PASSWORD@HOST/DATABASE")
  })

  it("a study whose storage cannot be opened leaves no empty --out folder, and keeps folders that were there", () => {
    const dir = scratch()
    const missingDb = join(dir, "no", "such", "c.db")
    refused(vwifiIn(dir, "campaign", "--cases", "2", "--cluster", missingDb, "--out", join("a", "b")), "cannot open the cluster's SQLite file")
    refused(vwifiIn(dir, "compare", "--seeds", "1", "--duration", "2s", "--cluster", missingDb), "cannot open the cluster's SQLite file")
    assert.deepStrictEqual(readdirSync(dir), [])
    mkdirSync(join(dir, "kept"))
    refused(vwifiIn(dir, "sweep-rate", "--seeds", "1", "--cluster", missingDb, "--out", join("kept", "new")), "cannot open the cluster's SQLite file")
    assert.deepStrictEqual(readdirSync(dir), ["kept"])
    assert.deepStrictEqual(readdirSync(join(dir, "kept")), [])
  })
})

describe("cli: an output that cannot be written whole", () => {
  it.skipIf(!existsSync("/dev/full"))("says so at once, finishes the run, prints the results and exits with 1", () => {
    const r = vwifi("run", "--duration", "2s", "--json", "--pcap", "/dev/full", "--trace", "/dev/full")
    assert.strictEqual(r.code, 1, r.stderr)
    assert.strictEqual(JSON.parse(r.stdout).outcome, "completed", "the results are printed whole")
    assert.include(r.stderr, "writing the capture (--pcap) to /dev/full failed")
    assert.include(r.stderr, "the capture (--pcap) in /dev/full is incomplete")
    assert.include(r.stderr, "the trace (--trace) in /dev/full is incomplete")
    assert.notInclude(r.stderr, "internal error")
  })

  it.skipIf(!existsSync("/dev/full"))("in a study's --out: the results are printed, the file named, exit code 1", () => {
    const dir = scratch()
    symlinkSync("/dev/full", join(dir, "campaign.json"))
    const r = vwifi("campaign", "--cases", "1", "--json", "--out", dir)
    assert.strictEqual(r.code, 1, r.stderr)
    assert.strictEqual(JSON.parse(r.stdout).cases, 1, "the results are printed whole")
    assert.include(r.stderr, `--out: cannot write ${join(dir, "campaign.json")}`)
    assert.include(r.stderr, "the results above are complete")
  })
})
