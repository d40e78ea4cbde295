/**
 * The check that both sides did the same work. A speed ratio between runs that did different work
 * would mean nothing, so any disagreement fails the benchmark.
 */
import { expectedTimerFirings } from "./workload.ts"
import type { RunFigures, WorkloadConfig } from "./workload.ts"

/** Every disagreement between the runs (all of both sides) and with the expected counts. */
export const verifySameWork = (
  config: WorkloadConfig,
  sides: ReadonlyArray<{ readonly name: string; readonly runs: ReadonlyArray<RunFigures> }>
): Array<string> => {
  const errors: Array<string> = []
  const firings = expectedTimerFirings(config)
  const expected = { timerFirings: firings, messages: firings * config.chainLength, drops: 0 }
  for (const [field, value] of Object.entries(expected)) {
    for (const side of sides) {
      for (const run of side.runs) {
        const got = run[field as keyof typeof expected]
        if (got !== value) errors.push(`${side.name}: ${field} ${got}, expected ${value}`)
      }
    }
  }
  // Beyond the counts: the same messages through the same actors in the same order, same draws.
  const reference = sides[0]?.runs[0]
  if (reference === undefined) return errors
  for (const field of ["messages", "timerFirings", "checksum", "randomDraws"] as const) {
    for (const side of sides) {
      for (const run of side.runs) {
        if (run[field] !== reference[field]) {
          errors.push(`${side.name}: ${field} ${run[field]} differs from ${sides[0]!.name}'s ${reference[field]}`)
        }
      }
    }
  }
  return [...new Set(errors)]
}
