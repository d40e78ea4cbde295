/**
 * The calibrated cost table: the estimates with the cycle counts `npm run calibrate` fitted to
 * Table 1 (src/cpu/calibration.json, checked against its Schema when loaded). The model uses it
 * unless given another table.
 */
import * as Schema from "effect/Schema"
import calibration from "./calibration.json" with { type: "json" }
import { costNames, estimatedCosts, withCycles } from "./CostTable.ts"
import type { CostName, CostTable } from "./CostTable.ts"

const Cycles = Schema.Number.check(Schema.isGreaterThanOrEqualTo(0))

/** The file `scripts/calibrate.ts` writes. */
export const CalibrationFile = Schema.Struct({
  description: Schema.String,
  fittedOn: Schema.String,
  seed: Schema.Number,
  simulatedSeconds: Schema.Number,
  cpuGhz: Schema.Number,
  /** The pull towards the estimates, chosen by leave-one-out error, and each candidate's error. */
  priorWeight: Schema.Number,
  priorWeightLooRmse: Schema.Array(Schema.Struct({ weight: Schema.Number, looRmse: Schema.Number })),
  /** Guest-side operations that take their host counterpart's fitted cost rather than a fit of their own. */
  derivedFromHost: Schema.Array(Schema.String),
  cycles: Schema.Record(Schema.String, Cycles),
  shares: Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.Number)),
  residuals: Schema.Record(Schema.String, Schema.Record(Schema.String, Schema.Number)),
  maxAbsResidualPoints: Schema.Number
})
export type CalibrationFile = typeof CalibrationFile.Type

export const calibrationFile: CalibrationFile = Schema.decodeUnknownSync(CalibrationFile)(calibration)

const fitted: Partial<Record<CostName, number>> = {}
for (const name of costNames) {
  const c = calibrationFile.cycles[name]
  if (c !== undefined) fitted[name] = c
}

export const calibratedCosts: CostTable = withCycles(estimatedCosts, fitted, "fitted to Table 1 by scripts/calibrate.ts (docs/calibration.md)")
