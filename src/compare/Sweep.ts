/**
 * The rate sweep: the seed warns that CPU cost grows with throughput (802.11g ≈ 50 Mb/s to 802.11n
 * ≈ 500 Mb/s). Each group sends saturated UDP from one VM at PHY rates from 802.11g 54 Mb/s to
 * 802.11n HT40 with 3 streams; where the one core saturates, goodput stops following the PHY rate.
 */
import * as Effect from "effect/Effect"
import { dataRateMbps } from "../air/RateTable.ts"
import { describePhy } from "../air/PhyConfig.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { JobRunner, runReports } from "../jobs/JobRunner.ts"
import type { JobFailed } from "../jobs/JobRunner.ts"
import { RunJob } from "../jobs/SimJob.ts"
import { invariantViolations } from "../report/RunReport.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { checkScenario } from "../scenario/ScenarioCheck.ts"
import { DEFAULT_SEEDS } from "./Seeds.ts"
import { estimate } from "./Statistics.ts"
import { groups } from "./Study.ts"
import type { Group } from "./Study.ts"
import { refuseProblems, studyBaseProblems, studyProblems } from "../run/RunOptionsCheck.ts"
import type { RunOptionsError } from "../run/RunOptionsCheck.ts"

/** From 802.11g to 802.11n HT40, 3 streams, short GI. */
export const sweepRates: ReadonlyArray<PhyConfig> = [
  { standard: "802.11g", rateMbps: 54 },
  { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" },
  { standard: "802.11n", mcs: 15, channelWidthMhz: 20, guardInterval: "short" },
  { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" },
  { standard: "802.11n", mcs: 23, channelWidthMhz: 40, guardInterval: "short" }
]

/** The groups the sweep compares (the fully optimized one stands for the optimizations). */
export const sweepGroups: ReadonlyArray<Group> = groups.filter((g) => ["native", "passthrough", "virtual-wifi", "virtual-wifi-optimized"].includes(g.id))

export interface SweepPoint {
  readonly group: string
  readonly label: string
  readonly phy: string
  readonly phyRateMbps: number
  /** Means over the seeds, and the half-widths of their 95% confidence intervals (null with one seed). */
  readonly goodputMbps: number
  readonly goodputCi95Mbps: number | null
  readonly cpuUtilization: number
  readonly cpuUtilizationCi95: number | null
  /** The trace digest of each seed's run, in seed order. */
  readonly traceDigests: ReadonlyArray<string>
  /** Invariant violations, all seeds together (must be 0): the sweep's points load the core hardest. */
  readonly invariantViolations: number
}

export interface SweepOptions {
  /** The first seed; each point runs with `seeds` consecutive seeds from it (default `DEFAULT_SEEDS`). */
  readonly seed: number
  readonly seeds?: number | undefined
  readonly durationNs?: number | undefined
  /** Called as each run finishes (in any order), with how many are done. */
  readonly onDone?: ((done: number, total: number) => void) | undefined
}

export const sweepScenario = (base: Scenario, group: Group, phy: PhyConfig): Scenario => {
  const vm = base.vms[0]
  if (vm === undefined) throw new RangeError("the sweep needs a scenario with at least one VM")
  return {
    ...base,
    mode: group.mode,
    switches: group.switches,
    card: { ...base.card, phy },
    // A strong fixed signal (a placed AP loses its place), so that loss does not cap the high rates: the sweep is about the CPU.
    aps: base.aps.map(({ position: _placed, ...ap }) => ({ ...ap, signalDbm: Math.max(ap.signalDbm ?? -40, -40) })),
    vms: [{ ...vm, traffic: [{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }] }]
  }
}

/**
 * What keeps `base` from being swept, in words: every point's scenario checked as a run checks it (a
 * base on a 5 GHz channel cannot run the 802.11g point). Empty when every point can run.
 */
export const sweepProblems = (base: Scenario): ReadonlyArray<string> => {
  if (base.vms.length === 0) return ["the sweep needs a scenario with at least one VM"]
  const problems = new Set<string>()
  for (const group of sweepGroups) {
    for (const phy of sweepRates) {
      for (const p of checkScenario(sweepScenario(base, group, phy))) problems.add(`at ${describePhy(phy)}, ${p.path === "" ? "" : `${p.path}: `}${p.message}`)
    }
  }
  return [...problems]
}

/** The sweep's runs, in order: group by group, rate by rate, seed by seed. */
export const sweepJobs = (base: Scenario, options: SweepOptions): Array<RunJob> =>
  sweepGroups.flatMap((group) =>
    sweepRates.flatMap((phy) =>
      seedsOf(options).map((seed) =>
        new RunJob({ scenario: sweepScenario(base, group, phy), seed, ...(options.durationNs === undefined ? {} : { durationNs: options.durationNs }) })
      )))

const seedsOf = (options: SweepOptions): Array<number> =>
  Array.from({ length: options.seeds ?? DEFAULT_SEEDS }, (_, i) => options.seed + i)

/** Runs the sweep's jobs on the `JobRunner` in context and gives a point per group and rate. */
export const sweep = (base: Scenario, options: SweepOptions): Effect.Effect<ReadonlyArray<SweepPoint>, JobFailed | RunOptionsError, JobRunner> =>
  Effect.gen(function*() {
    yield* refuseProblems(studyProblems(options.seed, options.seeds ?? DEFAULT_SEEDS))
    yield* refuseProblems(yield* studyBaseProblems(base, options.durationNs, "sweep"))
    yield* refuseProblems(sweepProblems(base).map((message) => ({ option: "scenario", message })))
    const seedCount = seedsOf(options).length
    const runner = yield* JobRunner
    const reports = runReports(yield* runner.runAll(sweepJobs(base, options), { onDone: options.onDone }))
    const points: Array<SweepPoint> = []
    let index = 0
    for (const group of sweepGroups) {
      for (const phy of sweepRates) {
        const runs = reports.slice(index, index += seedCount)
        const g = estimate(runs.map((r) => r.vms[0]?.uplinkMbps ?? 0))
        const c = estimate(runs.map((r) => r.cpu.utilization))
        points.push({
          group: group.id,
          label: group.label,
          phy: describePhy(phy),
          phyRateMbps: dataRateMbps(phy),
          goodputMbps: g.mean,
          goodputCi95Mbps: g.ci95,
          cpuUtilization: c.mean,
          cpuUtilizationCi95: c.ci95,
          traceDigests: runs.map((r) => r.traceDigest),
          invariantViolations: runs.reduce((n, r) => n + invariantViolations(r.invariants), 0)
        })
      }
    }
    return points
  })
