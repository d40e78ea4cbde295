/** `vwifi run`: runs one scenario (a file, or the built-in default) and prints its results. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { runScenario, STOPPED_OUTCOME } from "../run/RunScenario.ts"
import { MAX_GENERATED_FAULTS, generateFaults } from "../fault/FaultPlan.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { inertSettingNotes } from "../scenario/InertSettings.ts"
import type { RunReport } from "../report/RunReport.ts"
import { durationOverride, loadScenario, scenarioArgument } from "./ScenarioInput.ts"
import type { FlagOverride } from "./ScenarioInput.ts"
import { CliUsageError } from "./CliUsageError.ts"
import * as flags from "./flags.ts"
import { progressReporter } from "./Progress.ts"
import { renderRunReport } from "./RunTable.ts"
import { withTraceFile } from "./TraceFile.ts"
import { withPcapFile } from "./PcapFile.ts"
import { withTimelineFile } from "./TimelineFile.ts"
import { OutputFiles } from "./OutputFile.ts"
import { refuseSharedPaths } from "./OutputPaths.ts"
import { StoppedByCtrlC, withStopOnCtrlC } from "./StopOnCtrlC.ts"

const STOP_NOTICE = "vwifi: stopping where the simulation is (Ctrl-C); its results follow. Ctrl-C again quits at once."

const scenarioFile = scenarioArgument("Scenario JSON file (default: the built-in scenario of the seed's setup)")

const mode = Flag.Literals("mode", ["native", "passthrough", "virtual-wifi"]).pipe(
  Flag.withDescription("Override the scenario's mode"),
  Flag.optional
)

/**
 * The scenario with faults generated at `perMinute` over the run (after its warm-up) added to its
 * own; refused when that would be more than a schedule holds.
 */
const withGeneratedFaults = (scenario: Scenario, perMinute: number, seed: number): Effect.Effect<Scenario, CliUsageError> => {
  if (perMinute <= 0) return Effect.succeed(scenario)
  const expected = perMinute * (scenario.durationSeconds - scenario.warmupSeconds) / 60
  if (expected > MAX_GENERATED_FAULTS) {
    return Effect.fail(new CliUsageError({
      message: `--faults ${perMinute} over ${scenario.durationSeconds - scenario.warmupSeconds} s after the warm-up would inject about ` +
        `${Math.round(expected)} faults; a run takes at most ${MAX_GENERATED_FAULTS} generated ones: lower --faults or --duration`
    }))
  }
  return Effect.try({
    try: () => generateFaults(scenario, { seed, perMinute, fromSeconds: scenario.warmupSeconds, untilSeconds: scenario.durationSeconds }),
    catch: (error) => new CliUsageError({ message: `--faults ${perMinute}: ${error instanceof Error ? error.message : String(error)}` })
  }).pipe(Effect.map((generated) => ({ ...scenario, faults: [...scenario.faults, ...generated].sort((a, b) => a.atSeconds - b.atSeconds) })))
}

export const runCommand = Command.make(
  "run",
  {
    scenario: scenarioFile,
    mode,
    seed: flags.seed,
    duration: flags.optionalDuration("How long to simulate"),
    json: flags.json,
    trace: flags.traceFile,
    pcap: flags.pcapFile,
    traceOut: flags.traceOut,
    traceWindow: flags.traceWindow,
    faults: flags.faultRate(0, "added to the scenario's own fault schedule")
  },
  Effect.fnUntraced(function*({ scenario: file, mode, seed, duration, json, trace, pcap, traceOut, traceWindow, faults }) {
    yield* refuseSharedPaths(
      [["--trace", Option.getOrUndefined(trace)], ["--pcap", Option.getOrUndefined(pcap)], ["--trace-out", Option.getOrUndefined(traceOut)]],
      Option.getOrUndefined(file)
    )
    const overrides: Array<FlagOverride> = [
      ...Option.match(mode, { onNone: () => [], onSome: (m) => [{ field: "mode" as const, value: m, flag: `--mode ${m}` }] }),
      ...durationOverride(duration)
    ]
    const base = yield* loadScenario(file, overrides)
    const scenario = yield* withGeneratedFaults(base, faults, seed)
    for (const note of inertSettingNotes(scenario)) yield* Console.error(`vwifi: note: ${note}`)
    if (faults > 0 && !json) yield* Console.error(`vwifi: ${scenario.faults.length - base.faults.length} faults generated from seed ${seed} (the JSON results list the recoveries)`)
    const progress = json ? undefined : progressReporter(scenario.durationSeconds * 1e9)
    const outputs = new OutputFiles()
    const report: RunReport = yield* withStopOnCtrlC(STOP_NOTICE, ({ signal }) =>
      withPcapFile(Option.getOrUndefined(pcap), outputs, (capture) =>
        withTimelineFile(Option.getOrUndefined(traceOut), Option.getOrUndefined(traceWindow), { warmupNs: scenario.warmupSeconds * 1e9, durationNs: scenario.durationSeconds * 1e9 }, outputs, (timeline) =>
          withTraceFile(Option.getOrUndefined(trace), outputs, (sink) =>
            runScenario(scenario, { seed, trace: sink, onProgress: progress?.update, pcap: capture, timeline, signal }))))).pipe(
      Effect.tapError(() => Effect.sync(() => progress?.done())),
      Effect.catchTag("RunStoppedInWarmup", (stopped) => Effect.fail(new StoppedByCtrlC({ message: `${stopped.message} (Ctrl-C); no results to print` })))
    )
    progress?.done()
    yield* Console.log(json ? JSON.stringify(report, null, 2) : renderRunReport(report))
    yield* outputs.check()
    if (report.outcome === STOPPED_OUTCOME) {
      return yield* new StoppedByCtrlC({
        message: `stopped by Ctrl-C at ${report.simulatedSeconds.toFixed(3)} s of the ${scenario.durationSeconds} s asked for; the results above cover ` +
          `${scenario.warmupSeconds} s (the warm-up's end) to there, and the output files end there`
      })
    }
  })
).pipe(
  Command.withDescription(
    "Simulate one scenario: VMs joining their APs through one card, their traffic, the CPU cost of every step. " +
      "Prints per-VM state and throughput, the driver's scan consolidation, the CPU breakdown in Table 1's " +
      "categories and by thread and VM, and the invariant counters. Same scenario + seed ⇒ same trace digest. " +
      "Ctrl-C stops the simulation where it is: the results of the time reached, the output files completed there, exit code 130."
  ),
  Command.withExamples([
    { command: "vwifi run", description: "the built-in scenario (one VM, 802.11g 54 Mbps, virtual-wifi), 10 s" },
    { command: "vwifi run lab.json --mode passthrough --seed 3 --duration 30s --json", description: "a scenario file, as JSON" },
    { command: "vwifi run --duration 2m --faults 6 --seed 4", description: "with 6 random faults a minute (replayed exactly by the same seed)" },
    { command: "vwifi run examples/four-vms-ht40.json --duration 5s --pcap air.pcap", description: "and capture the air for Wireshark (`tshark -r air.pcap`)" },
    { command: "vwifi run --trace-out host.json --trace-window 2s..3s", description: "a timeline of the host's second 2 to 3 for ui.perfetto.dev" }
  ])
)
