/**
 * The results of `vwifi compare` (`results.json`): per group and workload, the measured figures over
 * repeated seeds (mean and the half-width of its 95% confidence interval) and their ratio to native;
 * per group, the CPU breakdown of its TCP TX run in Table 1's categories; the seed's headline claims
 * beside vwifi's figures.
 */
import * as Schema from "effect/Schema"
import { SweepReport } from "./SweepReport.ts"

export const WorkloadResult = Schema.Struct({
  workload: Schema.String,
  /** Goodput in Mbit/s for TCP and UDP, TX and RX (mean over the seeds); null for ping. */
  throughputMbps: Schema.NullOr(Schema.Number),
  /** Half-width of the 95% confidence interval of `throughputMbps` (null for ping or one seed). */
  throughputCi95Mbps: Schema.NullOr(Schema.Number),
  /** Ping round trip, µs: mean, median, 99th percentile (means over the seeds; null without replies or for UDP runs). */
  rttMeanUs: Schema.NullOr(Schema.Number),
  rttMeanCi95Us: Schema.NullOr(Schema.Number),
  rttMedianUs: Schema.NullOr(Schema.Number),
  rttP99Us: Schema.NullOr(Schema.Number),
  /** Busy time of the one core over elapsed time, 0..1 (mean over the seeds), and its 95% half-width. */
  cpuUtilization: Schema.Number,
  cpuUtilizationCi95: Schema.NullOr(Schema.Number),
  /** This group's figure divided by native's (throughput, or mean RTT for ping), seed by seed, then averaged. */
  ratioToNative: Schema.NullOr(Schema.Number),
  ratioToNativeCi95: Schema.NullOr(Schema.Number),
  /** The trace digest of each seed's run, in seed order. */
  traceDigests: Schema.Array(Schema.String),
  /** Invariant violations, all seeds together (must be 0). */
  invariantViolations: Schema.Number
})
export type WorkloadResult = typeof WorkloadResult.Type

export const GroupResult = Schema.Struct({
  group: Schema.String,
  label: Schema.String,
  short: Schema.String,
  workloads: Schema.Array(WorkloadResult),
  /** Percent of elapsed time per CPU category in the TCP TX run (mean over the seeds), as Table 1 was measured (Chariot TX). */
  cpuBreakdownTcpTx: Schema.Record(Schema.String, Schema.Number),
  /**
   * The ping run's TX path: mean µs per stage (`vocabulary/TxPath.ts`: virtualization, hostDriver,
   * cardQueue, contention, transmission), over its echo requests and the seeds; the seed's "VM
   * additional latency on TX path".
   */
  txPathPingUs: Schema.Record(Schema.String, Schema.Number)
})
export type GroupResult = typeof GroupResult.Type

/** One headline claim of the seed, and vwifi's figure for it from the configuration it names. */
export const Claim = Schema.Struct({
  id: Schema.String,
  /** The seed's words. */
  claim: Schema.String,
  /** What the seed reports, as text (its figure, or "≈ native"). */
  seedFigure: Schema.String,
  /** The seed's figure as a number in `unit`, where it gives one. */
  seedValue: Schema.NullOr(Schema.Number),
  /** Which group and workload vwifi's figure comes from, and how it is computed. */
  configuration: Schema.String,
  vwifi: Schema.NullOr(Schema.Number),
  vwifiCi95: Schema.NullOr(Schema.Number),
  unit: Schema.String
})
export type Claim = typeof Claim.Type

export const CompareReport = Schema.Struct({
  /** With `--sweep`: the rate sweep (see `SweepReport`). */
  sweep: Schema.optionalKey(SweepReport),
  /** The first seed; the runs use `seeds`. */
  seed: Schema.Number,
  seeds: Schema.Array(Schema.Number),
  simulatedSecondsPerRun: Schema.Number,
  warmupSeconds: Schema.Number,
  phy: Schema.String,
  groups: Schema.Array(GroupResult),
  /** The seed's headline claims beside vwifi's figures. */
  claims: Schema.Array(Claim),
  wallSeconds: Schema.Number
})
export type CompareReport = typeof CompareReport.Type
