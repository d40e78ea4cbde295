/** `vwifi sweep-rate`: each group across PHY rates, 802.11g to 802.11n HT40 with 3 streams. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import * as Schema from "effect/Schema"
import { Command, Flag } from "effect/cli"
import { sweep } from "../compare/Sweep.ts"
import { renderSweep } from "./SweepTable.ts"
import { SweepReport, sweepHtml } from "../report/SweepReport.ts"
import { durationOverride, loadScenario, scenarioArgument } from "./ScenarioInput.ts"
import { prepareOutputs, removeOutputsIfLeftEmpty, writeOutputs, writtenLines } from "./OutputFolder.ts"
import { CliUsageError } from "./CliUsageError.ts"
import * as flags from "./flags.ts"
import { jobProgress } from "./Progress.ts"
import { workerCount, workers } from "./Workers.ts"
import { batchRunnerLayer, cluster, refuseWorkersWithCluster } from "./ClusterFlag.ts"
import { refuseFaultsInBase, refuseUnsweepableBase } from "./StudyInput.ts"

const out = Flag.String("out").pipe(
  Flag.withDescription("Folder to write sweep.json and sweep.html into (created if missing; default vwifi-out)"),
  Flag.withDefault("vwifi-out")
)

const scenarioFile = scenarioArgument("Base scenario JSON file: all of it but the mode, the switches, the card's PHY and the VMs is used, its APs at a fixed signal of at least -40 dBm (placed ones lose their place), with its first VM alone sending saturated UDP (default: the built-in scenario)")

export const sweepCommand = Command.make(
  "sweep-rate",
  { scenario: scenarioFile, seed: flags.seed, seeds: flags.seeds, duration: flags.optionalDuration("How long each point simulates"), json: flags.json, out, workers, cluster },
  Effect.fnUntraced(function*({ scenario: file, seed, seeds: seedCount, duration, json, out, workers: workersGiven, cluster: clusterStorage }) {
    yield* refuseWorkersWithCluster(workersGiven, clusterStorage)
    yield* flags.refuseStudySeeds(seed, seedCount)
    const workers = workerCount(workersGiven)
    const base = yield* loadScenario(file, durationOverride(duration))
    if (base.vms.length === 0) return yield* new CliUsageError({ message: "the base scenario needs at least one VM" })
    yield* refuseFaultsInBase(base, "sweep-rate")
    yield* refuseUnsweepableBase(base, "sweep-rate")
    yield* prepareOutputs(out, ["sweep.json", "sweep.html"], Option.getOrUndefined(file))
    const durationNs = Option.getOrUndefined(duration)
    const progress = jobProgress("run", workers, json)
    const points = yield* Effect.provide(sweep(base, { seed, seeds: seedCount, durationNs, onDone: progress.onDone }), batchRunnerLayer(workers, clusterStorage))
    progress.done()
    const report: SweepReport = { seed, seeds: Array.from({ length: seedCount }, (_, i) => seed + i), simulatedSecondsPerRun: (durationNs ?? base.durationSeconds * 1e9) / 1e9, points }
    const written = yield* writeOutputs(out, {
      "sweep.json": JSON.stringify(Schema.encodeSync(SweepReport)(report), null, 2) + "\n",
      "sweep.html": yield* sweepHtml(report)
    })
    yield* Console.log(json ? JSON.stringify(report) : `${renderSweep(report)}${writtenLines(written, [["results:", "sweep.json"], ["chart:  ", "sweep.html"]])}`)
    if (written.failure !== undefined) return yield* written.failure
  },
  // A run that fails leaves no empty --out folder behind.
  (command, { out }) => removeOutputsIfLeftEmpty(out, command))
).pipe(
  Command.withDescription(
    "Run Native, Passthrough, Virtual WiFi and Virtual WiFi with every optimization across PHY rates from 802.11g " +
      "54 Mb/s to 802.11n HT40 with 3 streams (450 Mb/s), saturated UDP: goodput and CPU utilization per point, " +
      "showing where the one core saturates. Writes sweep.json and sweep.html (charts) to --out. The runs go to " +
      "--workers threads (one per core by default); the results do not depend on how many."
  )
)
