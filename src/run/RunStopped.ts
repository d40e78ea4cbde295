/**
 * A run its caller stopped (`RunScenarioOptions.signal`) before its warm-up ended: nothing was
 * measured yet, so there is no report to give. A run stopped after its warm-up gives its report, over
 * the time it reached (`RunReport.outcome` "stopped").
 */
import * as Schema from "effect/Schema"

export class RunStoppedInWarmup extends Schema.TaggedError<RunStoppedInWarmup>()("RunStoppedInWarmup", {
  /** Virtual time the run had reached, s. */
  atSeconds: Schema.Number,
  warmupSeconds: Schema.Number
}) {
  override get message(): string {
    return this.warmupSeconds === 0
      ? "the run was stopped before any simulated time passed: nothing was measured"
      : `the run was stopped at ${+this.atSeconds.toFixed(3)} s of simulated time, within its ${this.warmupSeconds} s warm-up: nothing was measured`
  }
}
