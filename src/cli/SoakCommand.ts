/** `vwifi soak`: hours of simulated WiFi with VMs coming and going and faults, summarized per hour. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import { Command, Flag } from "effect/cli"
import { invariantViolations } from "../report/RunReport.ts"
import type { SoakHour, SoakReport } from "../report/SoakReport.ts"
import { MAX_GENERATED_FAULTS } from "../fault/FaultPlan.ts"
import { runSoak } from "../soak/Soak.ts"
import { soakScenario } from "../soak/SoakPlan.ts"
import { MAX_SOAK_HOURS, MAX_SOAK_VMS } from "../run/RunOptionsCheck.ts"
import { describeMemoryVerdict } from "../soak/MemoryVerdict.ts"
import { CheckFailed } from "./CheckFailed.ts"
import { StoppedByCtrlC, withStopOnCtrlC } from "./StopOnCtrlC.ts"
import { STOPPED_OUTCOME } from "../run/RunScenario.ts"
import { CliUsageError } from "./CliUsageError.ts"
import * as flags from "./flags.ts"
import { progressReporter } from "./Progress.ts"
import { renderFaults, renderInvariants } from "./RunTable.ts"

const hours = Flag.Int("hours").pipe(
  Flag.withDescription(`Simulated hours to run, 1 to ${MAX_SOAK_HOURS} (100 days) (default 24)`),
  flags.wholeFrom("hours", 1, MAX_SOAK_HOURS, `${MAX_SOAK_HOURS} (100 days)`),
  Flag.withDefault(24)
)
const vms = Flag.Int("vms").pipe(
  Flag.withDescription(`Number of VMs (1 to ${MAX_SOAK_VMS}; the card gets as many vMACs) (default 8)`),
  flags.wholeFrom("vms", 1, MAX_SOAK_VMS),
  Flag.withDefault(8)
)
const faults = flags.faultRate(0.2, "besides the VMs' own comings and goings")

const STOP_NOTICE = "vwifi: stopping the soak where it is (Ctrl-C); its summary follows. Ctrl-C again quits at once."

const pad = (s: string, n: number): string => s.padStart(n)
const header = `${pad("hour", 5)}${pad("Mb/s", 8)}${pad("CPU %", 7)}${pad("ping ms", 9)}${pad("faults", 8)}${pad("VM ev.", 8)}${pad("recov.", 8)}${pad("restarts", 9)}` +
  `${pad("VMs up", 8)}${pad("inv.", 6)}${pad("heap MiB", 10)}${pad("fibers", 8)}${pad("wall s", 8)}`
const row = (h: SoakHour): string =>
  `${pad(String(h.hour), 5)}${pad(h.throughputMbps.toFixed(2), 8)}${pad(h.cpuPercent.toFixed(1), 7)}${pad(h.pingMeanUs === null ? "–" : (h.pingMeanUs / 1e3).toFixed(1), 9)}` +
  `${pad(String(h.faultsInjected), 8)}${pad(String(h.lifecycleEvents), 8)}${pad(String(h.recoveries), 8)}${pad(String(h.restarts), 9)}${pad(`${h.vmsConnected}/${h.vmsPoweredOn}`, 8)}` +
  `${pad(String(h.invariantViolations), 6)}${pad(h.heapUsedMb.toFixed(1), 10)}${pad(String(h.liveFibers), 8)}${pad(h.wallSeconds.toFixed(1), 8)}`

export const renderSoakEnd = (r: SoakReport): string => {
  return [
    "",
    `${r.outcome === STOPPED_OUTCOME ? r.simulatedHours.toFixed(2) : r.simulatedHours} simulated hours in ${r.wallSeconds.toFixed(1)} s (${r.simulatedHoursPerWallMinute.toFixed(2)} simulated hours per wall minute), ${r.outcome}, digest ${r.traceDigest}`,
    renderInvariants(r.invariants),
    ...renderFaults(r.faults),
    `VMs: ${r.vms.map((v) => `${v.name} ${v.state} (${v.reconnects} reconnects)`).join(", ")}`,
    describeMemoryVerdict(r.memory)
  ].join("\n")
}

export const soakCommand = Command.make(
  "soak",
  { hours, vms, faults, seed: flags.seed, json: flags.json },
  Effect.fnUntraced(function*({ hours, vms, faults, seed, json }) {
    if (faults * 60 * hours > MAX_GENERATED_FAULTS) {
      return yield* new CliUsageError({
        message: `--faults ${faults} for --hours ${hours} would inject about ${Math.round(faults * 60 * hours)} faults; a soak takes at most ` +
          `${MAX_GENERATED_FAULTS} generated ones: lower --faults or --hours`
      })
    }
    // The plan drawn first, so that a Poisson draw past the schedule's cap (its mean under it) is
    // refused in the flags' words before the table starts; drawing it again in the run costs little.
    yield* soakScenario({ hours, vms, faultsPerHour: faults * 60, seed }).pipe(
      Effect.catchIf(
        (e) => e._tag === "RunOptionsError" && e.problems.some((p) => p.option === "faultsPerHour"),
        () => Effect.fail(new CliUsageError({ message: `--faults ${faults} for --hours ${hours} drew more than the ${MAX_GENERATED_FAULTS} generated faults a soak takes (seed ${seed}): lower --faults or --hours` }))
      )
    )
    const progress = json ? undefined : progressReporter(hours * 3600e9)
    if (!json) {
      // A rate as typed, not a float's tail (0.13 × 60 is 7.800000000000001).
      const perHour = Number((faults * 60).toPrecision(12))
      yield* Console.log(`soak: ${vms} ${vms === 1 ? "VM" : "VMs"} on 3 APs, ${hours} h simulated, ${perHour} faults/h besides the VMs' own comings and goings (VM ev.), seed ${seed}\n`)
      yield* Console.log(header)
    }
    const report = yield* withStopOnCtrlC(STOP_NOTICE, ({ signal }) =>
      runSoak({ hours, vms, faultsPerHour: faults * 60, seed }, {
        onProgress: progress?.update,
        onHour: json ? undefined : (h) => {
          progress?.done()
          console.log(row(h))
        },
        signal
      }))
    progress?.done()
    yield* Console.log(json ? JSON.stringify(report, null, 2) : renderSoakEnd(report))
    // A soak that broke an invariant or grew its memory failed: say so in the exit code too.
    if (invariantViolations(report.invariants) > 0) return yield* new CheckFailed({ message: "the soak broke an invariant" })
    if (report.memory.flat === false) return yield* new CheckFailed({ message: "the soak's memory grew" })
    if (report.outcome === STOPPED_OUTCOME) {
      return yield* new StoppedByCtrlC({
        message: `stopped by Ctrl-C at ${report.simulatedHours.toFixed(2)} h of the ${hours} h asked for; ` +
          (json ? "the JSON's hours are the whole ones, its summary covers the run up to there" : "the hours above are the whole ones, the summary covers the run up to there")
      })
    }
  })
).pipe(
  Command.withDescription(
    "Soak test: hours of simulated time with N VMs booting, shutting down and moving between three APs, periodic " +
      "scans, light mixed traffic (ping, paced UDP and TCP both ways) and faults injected at random (a Poisson process). Prints a " +
      "summary per simulated hour (throughput, CPU, faults and recoveries, restarts, invariants, heap after GC, live " +
      "fibers) and one at the end, with the memory verdict: the median heap of the last three hours within 10% of that " +
      "of the first three after warm-up, and no growth in live fibers. Exit code 1 if an invariant broke or memory grew. " +
      "Ctrl-C stops it where it is and prints the summary of the time reached (exit code 130)."
  ),
  Command.withExamples([
    { command: "vwifi soak --hours 1", description: "one simulated hour, 8 VMs, 12 faults/h (10 to 30 s)" },
    { command: "vwifi soak --hours 24 --vms 8 --faults 1 --seed 7 --json", description: "a day, a fault a minute, as JSON" }
  ])
)
