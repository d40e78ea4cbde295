/**
 * The campaign rate (issue 13 §5): the same fault campaign (`vwifi campaign`, seed 1) run in this
 * thread and on a worker thread per core, reported as cases per wall-second and their ratio.
 * Target: at least 1.8× with 2 cores. Each side's wall time counts from the start of its runs to
 * the last verdict, so the pool's side includes starting its threads (each loads the model and
 * warms its JIT on its own). The two sides' trace digests must be the same, case by case.
 *
 *   node bench/campaignRate.ts [--quick]
 */
import { Effect } from "effect"
import { availableParallelism } from "node:os"
import { fileURLToPath } from "node:url"
import { runCampaign } from "../src/campaign/Campaign.ts"
import { inProcess } from "../src/jobs/JobRunner.ts"
import * as WorkerPool from "../src/jobs/WorkerPool.ts"

/** The speed-up all cores must give over one on a 2-core machine (issue 13 §5). */
export const CAMPAIGN_SPEEDUP_TARGET = 1.8
const SEED = 1

export interface CampaignRate {
  readonly cases: number
  readonly workers: number
  readonly oneWorker: { readonly wallSeconds: number; readonly casesPerWallSecond: number }
  readonly allCores: { readonly wallSeconds: number; readonly casesPerWallSecond: number }
  readonly speedup: number
  /** Did both sides give every case the same trace digest? */
  readonly sameResults: boolean
  /** The target applies to 2 cores or more. */
  readonly targetMet: boolean | null
}

export const runCampaignRate = async (quick: boolean): Promise<CampaignRate> => {
  const cases = quick ? 4 : 24
  const workers = availableParallelism()
  const one = await Effect.runPromise(Effect.provide(runCampaign({ seed: SEED, cases }), inProcess))
  const all = await Effect.runPromise(Effect.provide(runCampaign({ seed: SEED, cases }), WorkerPool.layer({ workers })))
  const speedup = all.casesPerWallSecond / one.casesPerWallSecond
  return {
    cases,
    workers,
    oneWorker: { wallSeconds: one.wallSeconds, casesPerWallSecond: one.casesPerWallSecond },
    allCores: { wallSeconds: all.wallSeconds, casesPerWallSecond: all.casesPerWallSecond },
    speedup,
    sameResults: JSON.stringify(one.traceDigests) === JSON.stringify(all.traceDigests),
    targetMet: workers >= 2 ? speedup >= CAMPAIGN_SPEEDUP_TARGET : null
  }
}

export const formatCampaignRate = (r: CampaignRate): string =>
  [
    "",
    `campaign: ${r.cases} fault cases of \`vwifi campaign --seed ${SEED}\`, in this thread and on ${r.workers} worker threads`,
    `  1 worker:   ${r.oneWorker.casesPerWallSecond.toFixed(2)} cases per wall-second (${r.oneWorker.wallSeconds.toFixed(1)} s)`,
    `  ${`${r.workers} workers:`.padEnd(11)} ${r.allCores.casesPerWallSecond.toFixed(2)} cases per wall-second (${r.allCores.wallSeconds.toFixed(1)} s, starting the threads included)`,
    `  ${r.speedup.toFixed(2)}×; target ≥ ${CAMPAIGN_SPEEDUP_TARGET}× with 2 cores: ${r.targetMet === null ? "not applicable (1 core)" : r.targetMet ? "met" : "NOT met"}; ` +
      `results ${r.sameResults ? "the same, case by case" : "DIFFERENT (a bug)"}`
  ].join("\n")

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatCampaignRate(await runCampaignRate(process.argv.includes("--quick"))))
}
