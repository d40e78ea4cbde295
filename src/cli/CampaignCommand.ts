/** `vwifi campaign`: fresh generated fault cases on every core, failures shrunk, each with its replay. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import { runCampaign } from "../campaign/Campaign.ts"
import { MAX_CAMPAIGN_CASES } from "../run/RunOptionsCheck.ts"
import { FaultCase } from "../fault/FaultCase.ts"
import { inProcess, JobRunner } from "../jobs/JobRunner.ts"
import { FaultCaseJob } from "../jobs/SimJob.ts"
import { CampaignReport } from "../campaign/CampaignReport.ts"
import type { CampaignFailure } from "../campaign/CampaignReport.ts"
import { CheckFailed } from "./CheckFailed.ts"
import { StoppedByCtrlC, withStopOnCtrlC } from "./StopOnCtrlC.ts"
import { CliUsageError } from "./CliUsageError.ts"
import * as flags from "./flags.ts"
import { jobProgress } from "./Progress.ts"
import { prepareOutputs, removeOutputsIfLeftEmpty, writeOutputs, writtenLines } from "./OutputFolder.ts"
import { workerCount, workers } from "./Workers.ts"
import { batchRunnerLayer, cluster, refuseWorkersWithCluster } from "./ClusterFlag.ts"
import { problemsFromIssue, parseOptions } from "../scenario/ScenarioIssues.ts"
import { problemLines } from "../scenario/ScenarioError.ts"

const DEFAULT_CASES = 100

const STOP_NOTICE = "vwifi: stopping the campaign (Ctrl-C): the cases under way finish, then its results follow. Ctrl-C again quits at once."

const cases = Flag.Int("cases").pipe(
  Flag.withDescription(`How many fresh fault cases to generate from --seed and run, 1 to ${MAX_CAMPAIGN_CASES} (default ${DEFAULT_CASES})`),
  flags.wholeFrom("cases", 1, MAX_CAMPAIGN_CASES),
  // Optional, not defaulted, as --seed: `--replay` must know they were not given.
  Flag.optional
)

const seed = flags.seedWithout("Seed of the campaign: the same seed gives the same cases, each with its own simulation seed (default 1)").pipe(
  Flag.optional
)
const DEFAULT_SEED = 1

const out = Flag.String("out").pipe(
  Flag.withDescription("Also write campaign.json (the results) into this folder (created if missing)"),
  Flag.optional
)

const replay = Flag.String("replay").pipe(
  Flag.withDescription("Run this one case (the JSON a failure prints) instead of a campaign: its verdict and trace digest; exit 1 if it fails"),
  Flag.optional
)

// Strict, as scenario files are: a misspelt field of a hand-edited case is refused, not dropped.
const decodeCase = Schema.decodeUnknownEffect(Schema.fromJsonString(FaultCase))

const lines = (problems: ReadonlyArray<string>): string => problems.map((p) => `    - ${p}`).join("\n")

const renderFailure = (f: CampaignFailure): string =>
  [
    `FAILED case ${f.index} (simulation seed ${f.faultCase.seed}, digest ${f.traceDigest}):`,
    lines(f.problems),
    ...(f.shrinkTried === 0
      ? ["  not shrunk (the campaign was stopped first)"]
      : [`  shrunk in ${f.shrinkSteps} steps (${f.shrinkTried} candidates judged) to ${f.shrunk.vms} VM(s), ${f.shrunk.aps} AP(s), ${f.shrunk.faults.length} fault(s):`,
        lines(f.shrunkProblems)]),
    `  replay: ${f.replay}`
  ].join("\n")

const renderCounts = (counts: Readonly<Record<string, number>>): string =>
  Object.entries(counts).sort(([a, x], [b, y]) => y - x || a.localeCompare(b)).map(([k, n]) => `${k} ${n}`).join(", ")

/** The report as the terminal shows it. */
export const renderCampaign = (r: CampaignReport): string =>
  [
    `campaign: ${r.stopped ? `${r.cases} of ${r.casesAsked} cases (stopped by Ctrl-C)` : `${r.cases} cases`} from seed ${r.seed} ${
      r.cluster === undefined ? `on ${r.workers} ${r.workers === 1 ? "worker" : "workers"}` : `on the cluster runners of ${r.cluster}`
    }`,
    `  ${r.cases} ${r.cases === 1 ? "case" : "cases"} in ${r.wallSeconds.toFixed(1)} s: ${r.casesPerWallSecond.toFixed(2)} cases per wall-second, ${r.simulatedSeconds.toFixed(0)} s simulated`,
    `  modes: ${renderCounts(r.modes)}`,
    `  faults scheduled: ${renderCounts(r.faultKinds)}`,
    `  features: ${Object.keys(r.features).length === 0 ? "none beyond the plain setup" : renderCounts(r.features)}`,
    `  passed ${r.passed}, failed ${r.failed}`,
    ...r.failures.map(renderFailure)
  ].join("\n")

/** `--replay`: the one case, in this thread. */
const replayCase = (json: string, asJson: boolean) =>
  Effect.gen(function*() {
    const faultCase = yield* decodeCase(json, parseOptions).pipe(
      Effect.mapError((e) =>
        new CliUsageError({
          message: [...problemLines("--replay", problemsFromIssue(e.issue)), "--replay takes a fault case's JSON, as a failed case's replay line prints it"].join("\n")
        })
      )
    )
    const [result] = yield* Effect.provide(JobRunner.use((r) => r.runAll([new FaultCaseJob({ faultCase })])), inProcess)
    if (result?._tag !== "FaultCaseResult") return yield* Effect.die(new Error("a fault case did not give a verdict"))
    yield* Console.log(asJson
      ? JSON.stringify({ faultCase, problems: result.problems, traceDigest: result.traceDigest, simulatedSeconds: result.simulatedSeconds, detail: result.detail })
      : [`case ${JSON.stringify(faultCase)}`, `  ${result.simulatedSeconds} s simulated, digest ${result.traceDigest}`,
        result.problems.length === 0 ? "  passed" : `  FAILED:\n${lines(result.problems)}`,
        // A run that died: where, as the failure's stack says.
        ...(result.detail === undefined ? [] : [`  how the run died:\n${result.detail.split("\n").map((l) => `    ${l}`).join("\n")}`])].join("\n"))
    if (result.problems.length > 0) return yield* new CheckFailed({ message: `the case failed (${result.problems.length} problems)` })
  })

export const campaignCommand = Command.make(
  "campaign",
  { cases, seed, workers, cluster, json: flags.json, out, replay },
  Effect.fnUntraced(function*({ cases: casesGiven, seed: seedGiven, workers: workersGiven, cluster: clusterStorage, json, out, replay }) {
    if (Option.isSome(replay)) {
      // The case carries its seed and runs alone, here; a flag for a campaign would be silently ignored.
      const ignored: ReadonlyArray<readonly [string, Option.Option<unknown>]> = [
        ["--cases", casesGiven], ["--seed", seedGiven], ["--workers", workersGiven], ["--cluster", clusterStorage], ["--out", out]
      ]
      const given = ignored.filter(([, value]) => Option.isSome(value)).map(([flag]) => flag)
      if (given.length > 0) {
        return yield* new CliUsageError({
          message: `--replay runs the one case it is given, in this process, with the case's own seed: ${given.join(", ")} would not apply; leave ${given.length === 1 ? "it" : "them"} out`
        })
      }
      return yield* replayCase(replay.value, json)
    }
    yield* refuseWorkersWithCluster(workersGiven, clusterStorage)
    const workers = workerCount(workersGiven)
    const cases = Option.getOrElse(casesGiven, () => DEFAULT_CASES)
    const seed = Option.getOrElse(seedGiven, () => DEFAULT_SEED)
    if (Option.isSome(out)) yield* prepareOutputs(out.value, ["campaign.json"], undefined)
    const progress = jobProgress("case", workers, json)
    const report = yield* withStopOnCtrlC(STOP_NOTICE, ({ signal }) =>
      Effect.provide(
        runCampaign({
          seed,
          cases,
          onDone: progress.onDone,
          onShrink: json ? undefined : (n, total) => {
            progress.done()
            if (process.stderr.isTTY) process.stderr.write(`\r\x1b[K  shrinking failure ${n}/${total}…`)
          },
          signal
        }),
        batchRunnerLayer(workers, clusterStorage)
      ))
    progress.done()
    if (!json && process.stderr.isTTY) process.stderr.write("\r\x1b[K")
    const encoded = Schema.encodeSync(CampaignReport)(report)
    const written = Option.isSome(out) ? yield* writeOutputs(out.value, { "campaign.json": JSON.stringify(encoded, null, 2) + "\n" }) : undefined
    yield* Console.log(json ? JSON.stringify(encoded) : renderCampaign(report) + (written === undefined ? "" : writtenLines(written, [["results:", "campaign.json"]])))
    // A results file that could not be written is said now; a failed case, which says more, still ends the command.
    if (written?.failure !== undefined && (report.failed > 0 || report.stopped)) yield* Console.error(`vwifi: ${written.failure.message}`)
    else if (written?.failure !== undefined) return yield* written.failure
    const stoppedAfter = report.stopped ? ` (stopped by Ctrl-C after ${report.cases} of the ${report.casesAsked} cases)` : ""
    if (report.failed > 0) return yield* new CheckFailed({ message: `${report.failed} of ${report.cases} cases failed${stoppedAfter}; each replays with the command printed beside it` })
    if (report.stopped) {
      return yield* new StoppedByCtrlC({
        message: report.cases === 0
          ? `stopped by Ctrl-C before a case had run (of the ${report.casesAsked} asked for)`
          : `stopped by Ctrl-C after ${report.cases} of the ${report.casesAsked} cases; all of them passed`
      })
    }
  },
  // A run that fails leaves no empty --out folder behind.
  (command, { out }) => removeOutputsIfLeftEmpty(Option.getOrUndefined(out), command))
).pipe(
  Command.withDescription(
    "Fault campaign: generate --cases fresh fault cases from --seed (a topology of 1–4 VMs and 1–4 APs, a flow per VM: ping, UDP or TCP " +
      "either way; a mode, a setup of the model's features: PHY, WMM, rate control, power save, security, Virtual WiFi's switches, TX scheduler, " +
      "weak, placed or moving signals, one ESS, beacon phases, fading, the radio's dwell per channel, a location service, saturating UDP, " +
      "a vMAC per VM, power save's listen interval, timeout and service periods, mixed beacon intervals, small BlockAck windows, a far server behind the APs; and 1–6 faults of " +
      "every kind: crashes, hangs, lost interrupts, APs down, storms, reboots …), run them on " +
      "--workers threads (or the --cluster runners), and judge each: every invariant at zero, every VM connected again and moving data within " +
      "15 s of the last fault. A failing case is shrunk to a smaller one that fails the same way (fewer VMs, APs and " +
      "faults, earlier and smaller faults, fewer features) and printed with the one command that replays it. The same seed gives the " +
      "same cases and the same results whatever the number of workers. Exit code 1 if a case failed. Ctrl-C starts no " +
      "further case, lets those under way finish and prints their results, not shrinking a failure among them (exit code 130, or 1 if one failed)."
  ),
  Command.withExamples([
    { command: "vwifi campaign --cases 200", description: "200 cases from seed 1, on every core" },
    { command: "vwifi campaign --cases 1000 --seed 42 --out campaign-42", description: "a longer campaign, results in campaign-42/campaign.json" },
    { command: "vwifi campaign --cases 100000 --cluster postgres://vwifi:secret@db.lan/vwifi", description: "a long campaign over every `vwifi cluster runner` sharing that database (docs/cluster.md)" },
    { command: "vwifi campaign --replay '{\"seed\":7,\"mode\":0,\"vms\":2,\"aps\":1,\"traffic\":[\"ping\",\"udp-tx\",\"ping\",\"ping\"],\"faults\":[{\"atTenths\":20,\"kind\":100,\"target\":0,\"size\":500}]}'", description: "run one case again, as a failure prints it" }
  ])
)

