/**
 * The campaign rate (issue 13 §5): the same fault campaign (`vwifi campaign`, seed 1) run in this
 * thread and on a worker thread per core, reported as cases per wall-second and their ratio.
 * Target: at least 1.8× with 2 cores. Each side's wall time counts from the start of its runs to
 * the last verdict, so the pool's side includes starting its threads (each loads the model and
 * warms its JIT on its own). The two sides' trace digests must be the same, case by case.
 *
 * On a machine that other work keeps busy the wall-clock ratio says little (the threads wait for a
 * core), so each side's process CPU time is reported too: on idle cores, N threads would give about
 * N × (CPU per case in one thread) / (CPU per case on N threads), the pool's own overhead included.
 *
 *   node bench/campaignRate.ts [--quick]
 */
import { Effect } from "effect"
import type { Layer } from "effect"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { runCampaign } from "../src/campaign/Campaign.ts"
import { inProcess } from "../src/jobs/JobRunner.ts"
import type { JobRunner } from "../src/jobs/JobRunner.ts"
import * as WorkerPool from "../src/jobs/WorkerPool.ts"

/** The speed-up all cores must give over one on a 2-core machine (issue 13 §5). */
export const CAMPAIGN_SPEEDUP_TARGET = 1.8
const SEED = 1

interface Side {
  readonly wallSeconds: number
  readonly casesPerWallSecond: number
  /** Process CPU time (all threads) per case. */
  readonly cpuSecondsPerCase: number
}

export interface CampaignRate {
  readonly cases: number
  readonly workers: number
  readonly oneWorker: Side
  readonly allCores: Side
  readonly speedup: number
  /** The speed-up idle cores would give, from the CPU time per case of each side. */
  readonly idleCoresSpeedup: number
  /** Did both sides give every case the same trace digest? */
  readonly sameResults: boolean
  /** The target applies to 2 cores or more. */
  readonly targetMet: boolean | null
}

export const runCampaignRate = async (quick: boolean): Promise<CampaignRate> => {
  const cases = quick ? 4 : 24
  const workers = availableParallelism()
  const measured = async (layer: Layer.Layer<JobRunner>) => {
    const before = process.cpuUsage()
    const report = await Effect.runPromise(Effect.provide(runCampaign({ seed: SEED, cases }), layer))
    const cpu = process.cpuUsage(before)
    return { report, side: { wallSeconds: report.wallSeconds, casesPerWallSecond: report.casesPerWallSecond, cpuSecondsPerCase: (cpu.user + cpu.system) / 1e6 / cases } }
  }
  const one = await measured(inProcess)
  const all = await measured(WorkerPool.layer({ workers }))
  const speedup = all.side.casesPerWallSecond / one.side.casesPerWallSecond
  return {
    cases,
    workers,
    oneWorker: one.side,
    allCores: all.side,
    speedup,
    idleCoresSpeedup: workers * one.side.cpuSecondsPerCase / all.side.cpuSecondsPerCase,
    sameResults: JSON.stringify(one.report.traceDigests) === JSON.stringify(all.report.traceDigests),
    targetMet: workers >= 2 ? speedup >= CAMPAIGN_SPEEDUP_TARGET : null
  }
}

export const formatCampaignRate = (r: CampaignRate): string =>
  [
    "",
    `campaign: ${r.cases} fault cases of \`vwifi campaign --seed ${SEED}\`, in this thread and on ${r.workers} worker threads`,
    `  1 worker:   ${r.oneWorker.casesPerWallSecond.toFixed(2)} cases per wall-second (${r.oneWorker.wallSeconds.toFixed(1)} s; ${r.oneWorker.cpuSecondsPerCase.toFixed(2)} CPU s per case)`,
    `  ${`${r.workers} workers:`.padEnd(11)} ${r.allCores.casesPerWallSecond.toFixed(2)} cases per wall-second (${r.allCores.wallSeconds.toFixed(1)} s, starting the threads included; ${r.allCores.cpuSecondsPerCase.toFixed(2)} CPU s per case)`,
    `  ${r.speedup.toFixed(2)}× (on idle cores, from the CPU per case: ${r.idleCoresSpeedup.toFixed(2)}×); target ≥ ${CAMPAIGN_SPEEDUP_TARGET}× with 2 cores: ` +
      `${r.targetMet === null ? "not applicable (1 core)" : r.targetMet ? "met" : "NOT met"}; results ${r.sameResults ? "the same, case by case" : "DIFFERENT (a bug)"}`
  ].join("\n")

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatCampaignRate(await runCampaignRate(process.argv.includes("--quick"))))
}
