/**
 * The results of `vwifi compare` (`results.json`): per group and workload, the measured figures and
 * their ratio to native; per group, the CPU breakdown of its UDP TX run in Table 1's categories.
 */
import { Schema } from "effect"
import { SweepReport } from "./SweepReport.ts"

export const WorkloadResult = Schema.Struct({
  workload: Schema.String,
  /** Goodput in Mbit/s for TCP and UDP, TX and RX; null for ping. */
  throughputMbps: Schema.NullOr(Schema.Number),
  /** Ping round trip, µs: mean, median, 99th percentile (null without replies or for UDP runs). */
  rttMeanUs: Schema.NullOr(Schema.Number),
  rttMedianUs: Schema.NullOr(Schema.Number),
  rttP99Us: Schema.NullOr(Schema.Number),
  /** Busy time of the one core over elapsed time, 0..1. */
  cpuUtilization: Schema.Number,
  /** This group's figure divided by native's (throughput, or mean RTT for ping). */
  ratioToNative: Schema.NullOr(Schema.Number),
  traceDigest: Schema.String,
  invariantViolations: Schema.Number
})
export type WorkloadResult = typeof WorkloadResult.Type

export const GroupResult = Schema.Struct({
  group: Schema.String,
  label: Schema.String,
  short: Schema.String,
  workloads: Schema.Array(WorkloadResult),
  /** Percent of elapsed time per CPU category in the TCP TX run, as Table 1 was measured (Chariot TX). */
  cpuBreakdownTcpTx: Schema.Record(Schema.String, Schema.Number)
})
export type GroupResult = typeof GroupResult.Type

export const CompareReport = Schema.Struct({
  /** With `--sweep`: the rate sweep (see `SweepReport`). */
  sweep: Schema.optionalKey(SweepReport),
  seed: Schema.Number,
  simulatedSecondsPerRun: Schema.Number,
  warmupSeconds: Schema.Number,
  phy: Schema.String,
  groups: Schema.Array(GroupResult),
  wallSeconds: Schema.Number
})
export type CompareReport = typeof CompareReport.Type
