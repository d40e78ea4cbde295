/**
 * The seed's headline claims for its optimized system (IOMMU + interrupt coalescing in the device
 * model), each with the figure vwifi gives for it. The seed's summary slide: "Native throughputs
 * with 7% extra latency", "Less than 9% more CPU cost". Pure: it reads per-seed figures.
 *
 * How each is read (the slides give no formula):
 * - throughput: the optimized system's goodput over native's, per workload;
 * - latency: the optimized system's mean ping round trip over native's, minus one, in percent;
 * - CPU: the optimized system's CPU use minus native's in the TCP TX run (Chariot TX, as Table 1),
 *   in percentage points of the core's time (Table 1's unit).
 * Every figure is paired seed by seed (both groups run the same seeds), then averaged with its 95%
 * interval.
 */
import type { Claim } from "../report/CompareReport.ts"
import { estimateOf } from "./Statistics.ts"
import { SEED_OPTIMIZED } from "./Study.ts"
import type { Workload } from "./Study.ts"

/** One run's figures, as the claims need them. */
export interface ClaimSample {
  readonly throughputMbps: number | null
  readonly rttMeanUs: number | null
  readonly cpuUtilization: number
}

/** The seed's figures (its summary slide). */
export const SEED_EXTRA_LATENCY_PERCENT = 7
export const MAX_SEED_EXTRA_CPU_PERCENT = 9

const paired = (
  mine: ReadonlyArray<ClaimSample>,
  native: ReadonlyArray<ClaimSample>,
  f: (m: ClaimSample, n: ClaimSample) => number | null
) => estimateOf(mine.map((m, i) => f(m, native[i]!)))

export const seedClaims = (samples: (groupId: string, workload: Workload["id"]) => ReadonlyArray<ClaimSample>): ReadonlyArray<Claim> => {
  const throughputClaims = (["tcp-tx", "tcp-rx", "udp-tx", "udp-rx"] as const).map((w): Claim => {
    const e = paired(samples(SEED_OPTIMIZED, w), samples("native", w), (m, n) =>
      m.throughputMbps === null || n.throughputMbps === null || n.throughputMbps === 0 ? null : m.throughputMbps / n.throughputMbps)
    return {
      id: `throughput-${w}`,
      claim: "Native throughputs",
      seedFigure: "≈ 1 × native",
      seedValue: 1,
      configuration: `${w.toUpperCase()} goodput, seed's optimized system ÷ native`,
      vwifi: e?.mean ?? null,
      vwifiCi95: e?.ci95 ?? null,
      unit: "× native"
    }
  })
  const latency = paired(samples(SEED_OPTIMIZED, "ping"), samples("native", "ping"), (m, n) =>
    m.rttMeanUs === null || n.rttMeanUs === null ? null : 100 * (m.rttMeanUs / n.rttMeanUs - 1))
  const cpu = paired(samples(SEED_OPTIMIZED, "tcp-tx"), samples("native", "tcp-tx"), (m, n) => 100 * (m.cpuUtilization - n.cpuUtilization))
  return [
    ...throughputClaims,
    {
      id: "extra-latency",
      claim: "with 7% extra latency",
      seedFigure: `+${SEED_EXTRA_LATENCY_PERCENT}%`,
      seedValue: SEED_EXTRA_LATENCY_PERCENT,
      configuration: "ping (56 B every 10 ms) mean round trip, seed's optimized system vs native",
      vwifi: latency?.mean ?? null,
      vwifiCi95: latency?.ci95 ?? null,
      unit: "% more than native"
    },
    {
      id: "extra-cpu",
      claim: "Less than 9% more CPU cost",
      seedFigure: `< ${MAX_SEED_EXTRA_CPU_PERCENT} points`,
      seedValue: MAX_SEED_EXTRA_CPU_PERCENT,
      configuration: "TCP TX CPU use, seed's optimized system minus native",
      vwifi: cpu?.mean ?? null,
      vwifiCi95: cpu?.ci95 ?? null,
      unit: "percentage points of the core"
    }
  ]
}
