/** Runs the comparison: every group on every workload, same base scenario and seed. */
import { Effect } from "effect"
import { describePhy } from "../air/PhyConfig.ts"
import { runScenario } from "../run/RunScenario.ts"
import type { CompareReport, GroupResult, WorkloadResult } from "../report/CompareReport.ts"
import type { RunReport } from "../report/RunReport.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { groups, scenarioFor, workloads } from "./Study.ts"
import type { Group, Workload } from "./Study.ts"

export interface CompareOptions {
  readonly seed: number
  /** Overrides the base scenario's duration for every run. */
  readonly durationNs?: number | undefined
  /** Called before each run with its position. */
  readonly onRun?: ((index: number, total: number, group: Group, workload: Workload) => void) | undefined
}

const invariantViolations = (r: RunReport): number =>
  r.invariants.isolationViolations + r.invariants.unaccountedFrames + r.invariants.mappingInconsistencies +
  (r.invariants.cpuAccountingErrorNs > 0 ? 1 : 0)

const figures = (workload: Workload, r: RunReport): Omit<WorkloadResult, "ratioToNative"> => {
  const vm = r.vms[0]
  const ping = workload.id === "ping" && vm !== undefined ? vm.ping : undefined
  return {
    workload: workload.id,
    throughputMbps: workload.id.endsWith("-tx") ? vm?.uplinkMbps ?? 0 : workload.id.endsWith("-rx") ? vm?.downlinkMbps ?? 0 : null,
    rttMeanUs: ping?.meanUs ?? null,
    rttMedianUs: ping?.medianUs ?? null,
    rttP99Us: ping?.p99Us ?? null,
    cpuUtilization: r.cpu.utilization,
    traceDigest: r.traceDigest,
    invariantViolations: invariantViolations(r)
  }
}

const headline = (w: Omit<WorkloadResult, "ratioToNative">): number | null => w.throughputMbps ?? w.rttMeanUs

export const compare = (base: Scenario, options: CompareOptions): Effect.Effect<CompareReport> =>
  Effect.gen(function*() {
    const started = performance.now()
    const total = groups.length * workloads.length
    const runs: Array<{ group: Group; results: Array<Omit<WorkloadResult, "ratioToNative">>; breakdown: Record<string, number> }> = []
    let index = 0
    for (const group of groups) {
      const results: Array<Omit<WorkloadResult, "ratioToNative">> = []
      let breakdown: Record<string, number> = {}
      for (const workload of workloads) {
        options.onRun?.(index++, total, group, workload)
        const report = yield* runScenario(scenarioFor(base, group, workload), { seed: options.seed, durationNs: options.durationNs })
        results.push(figures(workload, report))
        if (workload.id === "tcp-tx") breakdown = { ...report.cpu.breakdown }
      }
      runs.push({ group, results, breakdown })
    }
    const native = runs[0]!.results
    const groupResults = runs.map(({ group, results, breakdown }): GroupResult => ({
      group: group.id,
      label: group.label,
      short: group.short,
      workloads: results.map((w, i) => {
        const mine = headline(w)
        const theirs = headline(native[i]!)
        return { ...w, ratioToNative: mine === null || theirs === null || theirs === 0 ? null : mine / theirs }
      }),
      cpuBreakdownTcpTx: breakdown
    }))
    return {
      seed: options.seed,
      simulatedSecondsPerRun: (options.durationNs ?? base.durationSeconds * 1e9) / 1e9,
      warmupSeconds: base.warmupSeconds,
      phy: describePhy(base.card.phy),
      groups: groupResults,
      wallSeconds: (performance.now() - started) / 1e3
    }
  })
