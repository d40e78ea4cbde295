/** Runs the comparison: every group on every workload, same base scenario, over repeated seeds. */
import * as Effect from "effect/Effect"
import { describePhy } from "../air/PhyConfig.ts"
import { JobRunner, runReports } from "../jobs/JobRunner.ts"
import type { JobFailed } from "../jobs/JobRunner.ts"
import { RunJob } from "../jobs/SimJob.ts"
import type { CompareReport, GroupResult, WorkloadResult } from "../report/CompareReport.ts"
import { invariantViolations } from "../report/RunReport.ts"
import type { RunReport } from "../report/RunReport.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { seedClaims } from "./Claims.ts"
import { DEFAULT_SEEDS } from "./Seeds.ts"
import { estimateOf } from "./Statistics.ts"
import { groups, scenarioFor, workloads } from "./Study.ts"
import type { Workload } from "./Study.ts"
import { refuseProblems, studyBaseProblems, studyProblems } from "../run/RunOptionsCheck.ts"
import type { RunOptionsError } from "../run/RunOptionsCheck.ts"

export { DEFAULT_SEEDS } from "./Seeds.ts"

export interface CompareOptions {
  /** The first seed; the runs use `seeds` consecutive seeds from it. */
  readonly seed: number
  /** How many seeds each (group, workload) runs with (default `DEFAULT_SEEDS`). */
  readonly seeds?: number | undefined
  /** Overrides the base scenario's duration for every run. */
  readonly durationNs?: number | undefined
  /** Called as each run finishes (in any order), with how many are done. */
  readonly onDone?: ((done: number, total: number) => void) | undefined
}

/** One run's figures. */
interface Sample {
  readonly throughputMbps: number | null
  readonly rttMeanUs: number | null
  readonly rttMedianUs: number | null
  readonly rttP99Us: number | null
  readonly cpuUtilization: number
  readonly traceDigest: string
  readonly invariantViolations: number
}

const sampleOf = (workload: Workload, r: RunReport): Sample => {
  const vm = r.vms[0]
  const ping = workload.id === "ping" && vm !== undefined ? vm.ping : undefined
  return {
    throughputMbps: workload.id.endsWith("-tx") ? vm?.uplinkMbps ?? 0 : workload.id.endsWith("-rx") ? vm?.downlinkMbps ?? 0 : null,
    rttMeanUs: ping?.meanUs ?? null,
    rttMedianUs: ping?.medianUs ?? null,
    rttP99Us: ping?.p99Us ?? null,
    cpuUtilization: r.cpu.utilization,
    traceDigest: r.traceDigest,
    invariantViolations: invariantViolations(r.invariants)
  }
}

/** The figure a ratio to native is taken of: throughput, or mean RTT for ping. */
const headline = (s: Sample): number | null => s.throughputMbps ?? s.rttMeanUs

const summarize = (workload: Workload, samples: ReadonlyArray<Sample>, native: ReadonlyArray<Sample>): WorkloadResult => {
  const throughput = estimateOf(samples.map((s) => s.throughputMbps))
  const rtt = estimateOf(samples.map((s) => s.rttMeanUs))
  const cpu = estimateOf(samples.map((s) => s.cpuUtilization))!
  // Seed by seed: the same seed drives both runs' random streams, so the ratio is paired.
  const ratio = estimateOf(samples.map((s, i) => {
    const mine = headline(s)
    const theirs = headline(native[i]!)
    return mine === null || theirs === null || theirs === 0 ? null : mine / theirs
  }))
  const mean = (pick: (s: Sample) => number | null): number | null => estimateOf(samples.map(pick))?.mean ?? null
  return {
    workload: workload.id,
    throughputMbps: throughput?.mean ?? null,
    throughputCi95Mbps: throughput?.ci95 ?? null,
    rttMeanUs: rtt?.mean ?? null,
    rttMeanCi95Us: rtt?.ci95 ?? null,
    rttMedianUs: mean((s) => s.rttMedianUs),
    rttP99Us: mean((s) => s.rttP99Us),
    cpuUtilization: cpu.mean,
    cpuUtilizationCi95: cpu.ci95,
    ratioToNative: ratio?.mean ?? null,
    ratioToNativeCi95: ratio?.ci95 ?? null,
    traceDigests: samples.map((s) => s.traceDigest),
    invariantViolations: samples.reduce((n, s) => n + s.invariantViolations, 0)
  }
}

/** Per category, the mean over runs of the percent of total time. */
const meanBreakdown = (breakdowns: ReadonlyArray<Record<string, number>>): Record<string, number> => {
  const out: Record<string, number> = {}
  for (const b of breakdowns) for (const [k, v] of Object.entries(b)) out[k] = (out[k] ?? 0) + v / breakdowns.length
  return out
}

/** The runs of a comparison, in order: group by group, workload by workload, seed by seed. */
export const compareJobs = (base: Scenario, options: CompareOptions): Array<RunJob> => {
  const seeds = seedsOf(options)
  return groups.flatMap((group) =>
    workloads.flatMap((workload) =>
      seeds.map((seed) =>
        // The ping run stamps its frames' TX path: a light load, so each stage shows its own latency.
        new RunJob({ scenario: scenarioFor(base, group, workload), seed, ...durationOf(options), txPath: workload.id === "ping" })
      )))
}

const seedsOf = (options: CompareOptions): Array<number> =>
  Array.from({ length: options.seeds ?? DEFAULT_SEEDS }, (_, i) => options.seed + i)

const durationOf = (options: { readonly durationNs?: number | undefined }) =>
  options.durationNs === undefined ? {} : { durationNs: options.durationNs }

/**
 * Runs the comparison's jobs on the `JobRunner` in context (this thread, worker threads …) and
 * aggregates them; the report is the same whichever runs them.
 */
export const compare = (base: Scenario, options: CompareOptions): Effect.Effect<CompareReport, JobFailed | RunOptionsError, JobRunner> =>
  Effect.gen(function*() {
    const started = performance.now()
    yield* refuseProblems(studyProblems(options.seed, options.seeds ?? DEFAULT_SEEDS))
    yield* refuseProblems(yield* studyBaseProblems(base, options.durationNs, "comparison"))
    const seeds = seedsOf(options)
    const runner = yield* JobRunner
    const reports = runReports(yield* runner.runAll(compareJobs(base, options), { onDone: options.onDone }))
    let index = 0
    const runs = groups.map((group) => {
      const samples: Array<Array<Sample>> = []
      const breakdowns: Array<Record<string, number>> = []
      const txPaths: Array<Record<string, number>> = []
      for (const workload of workloads) {
        const perSeed: Array<Sample> = []
        for (const _seed of seeds) {
          const report = reports[index++]!
          perSeed.push(sampleOf(workload, report))
          if (workload.id === "tcp-tx") breakdowns.push(report.cpu.breakdown)
          if (report.txPath !== undefined) txPaths.push(report.txPath.meanUs)
        }
        samples.push(perSeed)
      }
      return { group, samples, breakdowns, txPaths }
    })
    const native = runs[0]!.samples
    const groupResults = runs.map(({ group, samples, breakdowns, txPaths }): GroupResult => ({
      group: group.id,
      label: group.label,
      short: group.short,
      workloads: workloads.map((w, i) => summarize(w, samples[i]!, native[i]!)),
      cpuBreakdownTcpTx: meanBreakdown(breakdowns),
      txPathPingUs: meanBreakdown(txPaths)
    }))
    const perSeed = (groupId: string, workloadId: Workload["id"]): ReadonlyArray<Sample> =>
      runs.find((r) => r.group.id === groupId)!.samples[workloads.findIndex((w) => w.id === workloadId)]!
    return {
      seed: options.seed,
      seeds,
      simulatedSecondsPerRun: (options.durationNs ?? base.durationSeconds * 1e9) / 1e9,
      warmupSeconds: base.warmupSeconds,
      phy: describePhy(base.card.phy),
      groups: groupResults,
      claims: seedClaims((groupId, workloadId) => perSeed(groupId, workloadId).map((s) => ({ throughputMbps: s.throughputMbps, rttMeanUs: s.rttMeanUs, cpuUtilization: s.cpuUtilization }))),
      wallSeconds: (performance.now() - started) / 1e3
    }
  })
