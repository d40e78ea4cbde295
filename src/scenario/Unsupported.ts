/**
 * Parts of a scenario the model accepts but does not simulate yet, so that the command line can say
 * so instead of silently ignoring them.
 */
import type { Scenario } from "./Scenario.ts"

export const unsupportedFeatures = (_scenario: Scenario): ReadonlyArray<string> => {
  const notes: Array<string> = []
  return notes
}
