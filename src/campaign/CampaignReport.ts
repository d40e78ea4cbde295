/** The results of `vwifi campaign` (`--json`, `campaign.json`): an exported Schema. */
import * as Schema from "effect/Schema"
import { FaultCase } from "../fault/FaultCase.ts"

/** A failing case, what it broke, and the smaller case it shrank to (which fails alike). */
export const CampaignFailure = Schema.Struct({
  /** Its place in the campaign: case `index` of the seed (`fault/CaseGenerator.ts`). */
  index: Schema.Int,
  faultCase: FaultCase,
  problems: Schema.Array(Schema.String),
  traceDigest: Schema.String,
  shrunk: FaultCase,
  shrunkProblems: Schema.Array(Schema.String),
  /** Smaller failing cases found on the way, and candidates judged (as if one at a time). */
  shrinkSteps: Schema.Int,
  shrinkTried: Schema.Int,
  /** The one command that runs the shrunk case again. */
  replay: Schema.String
})
export type CampaignFailure = typeof CampaignFailure.Type

export const CampaignReport = Schema.Struct({
  seed: Schema.Int,
  /** Cases judged: all those asked for, or the first ones of them when the campaign was stopped. */
  cases: Schema.Int,
  casesAsked: Schema.Int,
  /**
   * Stopped early (Ctrl-C, `CampaignOptions.signal`): the cases after `cases` did not run, and a
   * failure found but not yet shrunk is given as it failed (`shrinkTried` 0).
   */
  stopped: Schema.Boolean,
  passed: Schema.Int,
  failed: Schema.Int,
  /** Threads the cases ran on (1: this thread); with `cluster`, the runners registered when the campaign began. */
  workers: Schema.Int,
  /** The cluster storage the cases went through (`--cluster`), its password hidden; absent when they ran in this process. */
  cluster: Schema.optionalKey(Schema.String),
  /** Wall time of the cases' runs (shrinking apart), and their rate. */
  wallSeconds: Schema.Number,
  casesPerWallSecond: Schema.Number,
  /**
   * CPU time this process used for the cases' runs, all its threads (the workers' included), in
   * seconds; with --cluster only the submitter's, the runs' own CPU being on the runners.
   */
  processCpuSeconds: Schema.Number,
  simulatedSeconds: Schema.Number,
  /** Cases per mode, and the faults the cases scheduled per kind (their runs report those skipped). */
  modes: Schema.Record(Schema.String, Schema.Int),
  faultKinds: Schema.Record(Schema.String, Schema.Int),
  /** Cases per feature they ran with beyond the plain setup (`CaseFeatures.ts`: "802.11n HT40", "U-APSD", "walking host" …). */
  features: Schema.Record(Schema.String, Schema.Int),
  /** Every case's trace digest, in order: two campaigns of one seed give the same list. */
  traceDigests: Schema.Array(Schema.String),
  failures: Schema.Array(CampaignFailure)
})
export type CampaignReport = typeof CampaignReport.Type
