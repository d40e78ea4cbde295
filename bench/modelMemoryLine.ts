/** What `modelMemoryRun.ts` prints, one JSON line, decoded by `modelMemory.ts` (it crosses a process boundary). */
import * as Schema from "effect/Schema"

export const ModelMemoryLine = Schema.Struct({
  workload: Schema.String,
  simulatedSeconds: Schema.Number,
  framesDelivered: Schema.Number,
  wallSeconds: Schema.Number,
  /** `process.resourceUsage().maxRSS` at the end of the run, KiB. */
  maxRssKiB: Schema.Number
})
export type ModelMemoryLine = typeof ModelMemoryLine.Type
