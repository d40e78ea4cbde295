/** `vwifi compare`: the paper's comparison on one base scenario (the main job, `npm start`). */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Argument, Command, Flag } from "effect/cli"
import { compare } from "../compare/Compare.ts"
import { sweep } from "../compare/Sweep.ts"
import { CompareReport } from "../report/CompareReport.ts"
import { durationOverride, loadScenario, scenarioArgument } from "./ScenarioInput.ts"
import { prepareOutputs, removeOutputsIfLeftEmpty, writeOutputs, writtenLines } from "./OutputFolder.ts"
import { CliUsageError } from "./CliUsageError.ts"
import { batchRunnerLayer, cluster, refuseWorkersWithCluster } from "./ClusterFlag.ts"
import { htmlReport } from "../report/HtmlReport.ts"
import { renderCompare } from "./CompareTable.ts"
import { renderSweep } from "./SweepTable.ts"
import * as flags from "./flags.ts"
import { jobProgress } from "./Progress.ts"
import { workerCount, workers } from "./Workers.ts"
import { refuseFaultsInBase, refuseUnsweepableBase } from "./StudyInput.ts"

const out = Flag.String("out").pipe(
  Flag.withDescription("Folder to write results.json and report.html into (created if missing; default vwifi-out)"),
  Flag.withDefault("vwifi-out")
)

const withSweep = Flag.Boolean("sweep").pipe(
  Flag.withDescription("Also run the PHY-rate sweep (as `vwifi sweep-rate`, 3 s per point) and chart it in the report"),
  Flag.withDefault(false)
)

/** Simulated time per point of `--sweep`. */
const SWEEP_POINT_NS = 3e9

const scenarioFile = scenarioArgument("Base scenario JSON file: all of it but the mode, the switches and the VMs is used, with its first VM alone running each workload (default: the built-in scenario)")

const encode = Schema.encodeSync(CompareReport)

export const compareCommand = Command.make(
  "compare",
  { scenario: scenarioFile, seed: flags.seed, seeds: flags.seeds, duration: flags.optionalDuration("How long each run simulates"), json: flags.json, out, sweep: withSweep, workers, cluster },
  Effect.fnUntraced(function*({ scenario: file, seed, seeds: seedCount, duration, json, out, sweep: runSweep, workers: workersGiven, cluster: clusterStorage }) {
    yield* refuseWorkersWithCluster(workersGiven, clusterStorage)
    yield* flags.refuseStudySeeds(seed, seedCount)
    const workers = workerCount(workersGiven)
    const base = yield* loadScenario(file, durationOverride(duration))
    if (base.vms.length === 0) return yield* new CliUsageError({ message: "the base scenario needs at least one VM (its first VM is the one compared)" })
    yield* refuseFaultsInBase(base, "compare")
    if (runSweep) yield* refuseUnsweepableBase(base, "--sweep")
    const sweepNs = SWEEP_POINT_NS
    if (runSweep && base.warmupSeconds * 1e9 >= sweepNs) {
      return yield* new CliUsageError({
        message: `--sweep runs ${sweepNs / 1e9} s per point, which must end after the warm-up, but the base scenario's warm-up is ` +
          `${base.warmupSeconds} s (warmupSeconds): every point would measure nothing. Lower warmupSeconds, or run \`vwifi sweep-rate\` with a longer --duration`
      })
    }
    yield* prepareOutputs(out, ["results.json", "report.html"], Option.getOrUndefined(file))
    // The threads start once the input is known to be good, and serve the comparison and the sweep.
    const { compared, swept } = yield* Effect.provide(
      Effect.gen(function*() {
        const runs = jobProgress("run", workers, json)
        const compared = yield* compare(base, { seed, seeds: seedCount, durationNs: Option.getOrUndefined(duration), onDone: runs.onDone })
        runs.done()
        const points = jobProgress("sweep run", workers, json)
        const swept = runSweep
          ? { seed, seeds: compared.seeds, simulatedSecondsPerRun: sweepNs / 1e9, points: yield* sweep(base, { seed, seeds: seedCount, durationNs: sweepNs, onDone: points.onDone }) }
          : undefined
        points.done()
        return { compared, swept }
      }),
      batchRunnerLayer(workers, clusterStorage)
    )
    const report = swept === undefined ? compared : { ...compared, sweep: swept }
    const written = yield* writeOutputs(out, {
      "results.json": JSON.stringify(encode(report), null, 2) + "\n",
      "report.html": yield* htmlReport(report, swept)
    })
    const sweepTable = swept === undefined ? "" : `\n\n${renderSweep(swept)}`
    const files = writtenLines(written, [["results:", "results.json"], ["report: ", "report.html"]])
    yield* Console.log(json ? JSON.stringify(encode(report)) : `${renderCompare(report)}${sweepTable}${files}`)
    if (written.failure !== undefined) return yield* written.failure
  },
  // A run that fails leaves no empty --out folder behind.
  (command, { out }) => removeOutputsIfLeftEmpty(out, command))
).pipe(
  Command.withDescription(
    "Compare Native, Passthrough and Virtual WiFi (plain; the seed's optimized system, IOMMU + interrupt " +
      "coalescing; each optimization alone: IOMMU, coalescing, fast data path; and all three) on the same scenario " +
      "over --seeds seeds: TCP and UDP throughput both ways, ping round trips, and the CPU breakdown in the " +
      "categories of the seed's Table 1, each a mean with its 95% confidence interval, and the seed's headline " +
      "claims beside vwifi's figures. Writes results.json and report.html (charts) to --out; --sweep adds the " +
      "PHY-rate sweep. The runs go to --workers threads (one per core by default); the results do not depend on how many."
  ),
  Command.withExamples([
    { command: "vwifi compare", description: "the built-in scenario (802.11g 54 Mb/s), 10 s per run" },
    { command: "vwifi compare examples/four-vms-ht40.json --duration 5s --out ht40", description: "an 802.11n base scenario" },
    { command: "vwifi compare --cluster cluster.db", description: "the runs on the `vwifi cluster runner` processes sharing cluster.db (docs/cluster.md)" },
    { command: "vwifi compare --seeds 2 --duration 2s --workers 1", description: "a quick look, every run in this thread" }
  ])
)
