/** `vwifi compare`: the paper's comparison on one base scenario (the main job, `npm start`). */
import { Console, Effect, Option, Schema } from "effect"
import { Argument, Command, Flag } from "effect/cli"
import { mkdirSync, writeFileSync } from "node:fs"
import { join, resolve } from "node:path"
import { compare } from "../compare/Compare.ts"
import { sweep } from "../compare/Sweep.ts"
import { CompareReport } from "../report/CompareReport.ts"
import { defaultScenario, loadScenarioFile } from "../scenario/ScenarioLoad.ts"
import { CliUsageError } from "./CliUsageError.ts"
import { htmlReport } from "../report/HtmlReport.ts"
import { renderCompare } from "./CompareTable.ts"
import * as flags from "./flags.ts"

const out = Flag.String("out").pipe(
  Flag.withDescription("Folder to write results.json and report.html into (created if missing; default vwifi-out)"),
  Flag.withDefault("vwifi-out")
)

const withSweep = Flag.Boolean("sweep").pipe(
  Flag.withDescription("Also run the PHY-rate sweep (as `vwifi sweep-rate`, 3 s per point) and chart it in the report"),
  Flag.withDefault(false)
)

const scenarioFile = Argument.String("scenario").pipe(
  Argument.withDescription("Base scenario JSON file: its card, AP and first VM are used (default: the built-in scenario)"),
  Argument.optional
)

const encode = Schema.encodeSync(CompareReport)

export const compareCommand = Command.make(
  "compare",
  { scenario: scenarioFile, seed: flags.seed, duration: flags.optionalDuration("How long each run simulates"), json: flags.json, out, sweep: withSweep },
  Effect.fnUntraced(function*({ scenario: file, seed, duration, json, out, sweep: runSweep }) {
    const base = Option.isSome(file)
      ? yield* loadScenarioFile(file.value).pipe(Effect.mapError((e) => new CliUsageError({ message: e.message })))
      : defaultScenario
    if (base.vms.length === 0) return yield* new CliUsageError({ message: "the base scenario needs at least one VM (its first VM is the one compared)" })
    const tty = !json && process.stderr.isTTY
    const compared = yield* compare(base, {
      seed,
      durationNs: Option.getOrUndefined(duration),
      onRun: tty
        ? (i, total, group, workload) => process.stderr.write(`\r\x1b[K  run ${i + 1}/${total}: ${group.label}, ${workload.label}`)
        : undefined
    })
    const sweepNs = 3e9
    const swept = runSweep
      ? { seed, simulatedSecondsPerRun: sweepNs / 1e9, points: yield* sweep(base, { seed, durationNs: sweepNs, onRun: tty ? (i, total, label) => process.stderr.write(`\r\x1b[K  sweep ${i + 1}/${total}: ${label}`) : undefined }) }
      : undefined
    if (tty) process.stderr.write("\r\x1b[K")
    const report = swept === undefined ? compared : { ...compared, sweep: swept }
    const folder = resolve(out)
    const path = join(folder, "results.json")
    const htmlPath = join(folder, "report.html")
    const html = yield* htmlReport(report, swept)
    yield* Effect.try({
      try: () => {
        mkdirSync(folder, { recursive: true })
        writeFileSync(path, JSON.stringify(encode(report), null, 2) + "\n")
        writeFileSync(htmlPath, html)
      },
      catch: (error) => new CliUsageError({ message: `cannot write to ${folder}: ${(error as Error).message}` })
    })
    yield* Console.log(json ? JSON.stringify(encode(report)) : `${renderCompare(report)}\n\nresults: ${path}\nreport:  ${htmlPath}`)
  })
).pipe(
  Command.withDescription(
    "Compare Native, Passthrough and Virtual WiFi (plain, with IOMMU + interrupt coalescing, and with the fast " +
      "data path) on the same scenario and seed: UDP throughput both ways, ping round trips, and the CPU breakdown " +
      "in the categories of the seed's Table 1. Writes results.json and report.html (charts) to --out."
  ),
  Command.withExamples([
    { command: "vwifi compare", description: "the built-in scenario (802.11g 54 Mb/s), 10 s per run" },
    { command: "vwifi compare examples/four-vms-ht40.json --duration 5s --out ht40", description: "an 802.11n base scenario" }
  ])
)
