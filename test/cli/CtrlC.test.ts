/**
 * Ctrl-C in a long `vwifi run`: the simulation stops where it is, the results of the time reached
 * are printed, the output files end whole, and the exit code says it was stopped (130).
 */
import { assert, describe, it } from "@effect/vitest"
import { spawn } from "node:child_process"
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { fileURLToPath } from "node:url"
import { readPcap } from "../../src/pcap/PcapReader.ts"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))

/** A capture this large has passed the default 1 s warm-up: 54 Mb/s of air fills about 6.7 MB a second. */
const PAST_WARMUP_BYTES = 12 * 2 ** 20

/** Long enough for a campaign to be running its cases (its start takes about half a second). */
const CAMPAIGN_RUNNING_MS = 3_000

/** Runs `vwifi` and sends it SIGINT once `ready` says so (polled); its exit code and output. */
const interrupted = (args: ReadonlyArray<string>, ready: () => boolean) =>
  new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve, reject) => {
    const child = spawn(process.execPath, [bin, ...args], { stdio: ["ignore", "pipe", "pipe"] })
    let stdout = ""
    let stderr = ""
    child.stdout.on("data", (d) => void (stdout += d))
    child.stderr.on("data", (d) => void (stderr += d))
    const poll = setInterval(() => {
      if (!ready()) return
      clearInterval(poll)
      child.kill("SIGINT")
    }, 50)
    const giveUp = setTimeout(() => {
      clearInterval(poll)
      child.kill("SIGKILL")
      reject(new Error(`no stop in time; stderr: ${stderr}`))
    }, 100_000)
    child.on("exit", (code) => {
      clearInterval(poll)
      clearTimeout(giveUp)
      resolve({ code, stdout, stderr })
    })
  })

describe("Ctrl-C", () => {
  it("stops a run where it is: its results, whole output files, exit code 130", async () => {
    const dir = mkdtempSync(join(tmpdir(), "vwifi-ctrlc-"))
    try {
      const pcap = join(dir, "air.pcap")
      const timeline = join(dir, "host.json")
      const r = await interrupted(["run", "--duration", "3600s", "--pcap", pcap, "--trace-out", timeline], () =>
        existsSync(pcap) && statSync(pcap).size > PAST_WARMUP_BYTES)
      assert.strictEqual(r.code, 130, r.stderr)
      assert.match(r.stdout, /^virtual-wifi: [\d.]+ s simulated \(stopped early\)/)
      assert.include(r.stdout, "CPU:")
      assert.match(r.stderr, /stopped by Ctrl-C at [\d.]+ s of the 3600 s asked for/)
      assert.notInclude(r.stderr, "internal error")
      const seconds = Number(/([\d.]+) s simulated/.exec(r.stdout)![1])
      const file = readPcap(readFileSync(pcap))
      assert.isAtMost(file.records.at(-1)!.timeNs, seconds * 1e9 + 0.5e6, "the table shows the time reached to the millisecond")
      const trace = JSON.parse(readFileSync(timeline, "utf8")) as { traceEvents: Array<unknown> }
      assert.isAbove(trace.traceEvents.length, 1000)
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  }, 120_000)

  it("stops a campaign after the cases under way: its first cases' results, exit code 130", async () => {
    const started = Date.now()
    const r = await interrupted(["campaign", "--cases", "1000", "--workers", "1"], () => Date.now() - started > CAMPAIGN_RUNNING_MS)
    assert.strictEqual(r.code, 130, r.stderr)
    assert.match(r.stdout, /^campaign: \d+ of 1000 cases \(stopped by Ctrl-C\) from seed 1 on 1 worker/)
    assert.match(r.stderr, /stopped by Ctrl-C (after \d+ of the 1000 cases; all of them passed|before a case had run)/)
  }, 120_000)
})
