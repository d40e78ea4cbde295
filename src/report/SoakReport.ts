/** The results of `vwifi soak` (`--json`): an exported Schema. */
import * as Schema from "effect/Schema"
import { FaultsReport, RunReport } from "./RunReport.ts"

/** One simulated hour's summary. */
export const SoakHour = Schema.Struct({
  hour: Schema.Number,
  /** Data delivered (uplink at the endpoints, downlink at the VMs) during the hour, Mbit/s. */
  throughputMbps: Schema.Number,
  cpuPercent: Schema.Number,
  pingMeanUs: Schema.NullOr(Schema.Number),
  /** Faults injected during the hour. */
  faultsInjected: Schema.Number,
  /** The VMs' own comings and goings during the hour (stop, start, scan, roam): scheduled beside the faults, not faults. */
  lifecycleEvents: Schema.Number,
  recoveries: Schema.Number,
  /** Actor restarts by supervisors during the hour. */
  restarts: Schema.Number,
  vmsConnected: Schema.Number,
  vmsPoweredOn: Schema.Number,
  /** All invariant counters together, cumulative (0 is the only good value). */
  invariantViolations: Schema.Number,
  /** Heap used after a full garbage collection, MiB. */
  heapUsedMb: Schema.Number,
  /** Actor fibers alive. */
  liveFibers: Schema.Number,
  /** Wall-clock seconds since the soak started. */
  wallSeconds: Schema.Number
})
export type SoakHour = typeof SoakHour.Type

export const SoakReport = Schema.Struct({
  options: Schema.Struct({ hours: Schema.Number, vms: Schema.Number, faultsPerHour: Schema.Number, seed: Schema.Number }),
  simulatedHours: Schema.Number,
  wallSeconds: Schema.Number,
  simulatedHoursPerWallMinute: Schema.Number,
  outcome: Schema.String,
  traceDigest: Schema.String,
  hours: Schema.Array(SoakHour),
  invariants: RunReport.fields.invariants,
  faults: FaultsReport,
  vms: Schema.Array(Schema.Struct({ name: Schema.String, state: Schema.String, reconnects: Schema.Number, timeouts: Schema.Number })),
  memory: Schema.Struct({
    /** Heap within 10% and no fiber growth (`src/soak/MemoryVerdict.ts`); null when there are not two hours to compare. */
    flat: Schema.NullOr(Schema.Boolean),
    /** The first hour the verdict compares with (the start window's first); without a verdict, the first hour after the warm-up, if any. */
    firstHour: Schema.NullOr(Schema.Number),
    /** The hours of the start window (after warm-up) and of the end window. */
    startHours: Schema.Array(Schema.Number),
    endHours: Schema.Array(Schema.Number),
    /** Median heap after GC in each window, MiB. */
    heapStartMb: Schema.NullOr(Schema.Number),
    heapEndMb: Schema.NullOr(Schema.Number),
    /** heapEnd / heapStart − 1. */
    heapGrowth: Schema.NullOr(Schema.Number),
    /** Live fibers at the last hour less the most in the start window. */
    fiberGrowth: Schema.NullOr(Schema.Number)
  })
})
export type SoakReport = typeof SoakReport.Type
