import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import { spawnSync } from "node:child_process"
import { fileURLToPath } from "node:url"
import { replayCommand } from "../../src/campaign/Campaign.ts"
import { generateCase } from "../../src/fault/CaseGenerator.ts"
import { CampaignReport } from "../../src/campaign/CampaignReport.ts"
import { renderCampaign } from "../../src/cli/CampaignCommand.ts"
import { vwifi } from "./vwifi.ts"

const bin = fileURLToPath(new URL("../../bin/vwifi.js", import.meta.url))

/** Runs a printed command line as a user would paste it: through the shell, `vwifi` being this repository's. */
const shell = (command: string) => {
  const r = spawnSync("sh", ["-c", command.replace(/^vwifi /, `'${process.execPath}' '${bin}' `)], { encoding: "utf8", timeout: 120_000 })
  return { code: r.status, stdout: r.stdout, stderr: r.stderr }
}

describe("cli: vwifi campaign", () => {
  it("runs cases on worker threads; a case's printed replay command, pasted into a shell, runs it again to the same digest", () => {
    const r = vwifi("campaign", "--cases", "2", "--seed", "5", "--workers", "2", "--json")
    assert.strictEqual(r.code, 0, r.stderr)
    const report = Schema.decodeUnknownSync(CampaignReport)(JSON.parse(r.stdout))
    assert.deepInclude(report, { cases: 2, passed: 2, failed: 0, workers: 2, seed: 5 })
    // What the two cases ran with beyond the plain setup, counted per feature from their scenarios.
    assert.isAbove(Object.keys(report.features).length, 0)
    const replayed = shell(replayCommand(generateCase(5, 1)) + " --json")
    assert.strictEqual(replayed.code, 0, replayed.stderr)
    const verdict = JSON.parse(replayed.stdout)
    assert.strictEqual(verdict.traceDigest, report.traceDigests[1])
    assert.deepStrictEqual(verdict.problems, [])
  })

  it("refuses a replay that is not a fault case, and bad counts, with exit code 2 and the reason", () => {
    const bad = vwifi("campaign", "--replay", '{"seed":7,"mode":9}')
    assert.strictEqual(bad.code, 2)
    assert.include(bad.stderr, "--replay takes a fault case's JSON")
    // In the lines every decoded input is refused with: `source: path: message`.
    assert.include(bad.stderr, "--replay: mode: expected a value between 0 and 3, got 9")
    assert.notInclude(bad.stdout + bad.stderr, "    at ")
    const workers = vwifi("campaign", "--workers", "0")
    assert.strictEqual(workers.code, 2)
    assert.include(workers.stderr, "--workers must be a whole number from 1")
    const help = vwifi("campaign", "--help")
    assert.include(help.stdout, "--replay")
    assert.include(help.stdout, "--workers")
  })
})

describe("cli: the campaign's summary", () => {
  it("names the cluster its cases went through, not this process's one worker", () => {
    const report = {
      seed: 1, cases: 3, casesAsked: 3, stopped: false, workers: 1, wallSeconds: 2, casesPerWallSecond: 1.5, simulatedSeconds: 30, modes: {}, faultKinds: {}, features: {}, passed: 3, failed: 0, failures: []
    } as unknown as CampaignReport
    assert.strictEqual(renderCampaign(report).split("\n")[0], "campaign: 3 cases from seed 1 on 1 worker")
    assert.strictEqual(renderCampaign({ ...report, workers: 2, cluster: "SQLite file c.db" }).split("\n")[0], "campaign: 3 cases from seed 1 on the cluster runners of SQLite file c.db")
  })

  it("says a stopped campaign ran only its first cases, and that a failure found was not shrunk", () => {
    const faultCase = { seed: 7, mode: 0, vms: 2, aps: 1, traffic: ["ping"], faults: [{ atTenths: 20, kind: 100, target: 0, size: 500 }] }
    const report = {
      seed: 1, cases: 40, casesAsked: 1000, stopped: true, workers: 2, wallSeconds: 2, casesPerWallSecond: 20, simulatedSeconds: 30, modes: {}, faultKinds: {}, features: { "U-APSD": 3, "802.11n HT40": 12, fifo: 3 },
      passed: 39, failed: 1,
      failures: [{ index: 12, faultCase, problems: ["invariant x = 1"], traceDigest: "ab", shrunk: faultCase, shrunkProblems: ["invariant x = 1"], shrinkSteps: 0, shrinkTried: 0, replay: "vwifi campaign --replay '{}'" }]
    } as unknown as CampaignReport
    const text = renderCampaign(report)
    assert.strictEqual(text.split("\n")[0], "campaign: 40 of 1000 cases (stopped by Ctrl-C) from seed 1 on 2 workers")
    assert.include(text, "not shrunk (the campaign was stopped first)")
    // Features by count, most first (ties by name).
    assert.include(text, "  features: 802.11n HT40 12, fifo 3, U-APSD 3")
    assert.include(renderCampaign({ ...report, features: {} }), "  features: none beyond the plain setup")
    assert.notInclude(text, "shrunk in")
  })
})
