/**
 * Parts of a scenario the model accepts but does not simulate yet, so that the command line can say
 * so instead of silently ignoring them.
 */
import type { Scenario } from "./Scenario.ts"

export const unsupportedFeatures = (scenario: Scenario): ReadonlyArray<string> => {
  const notes: Array<string> = []
  if (scenario.card.rateControl !== "fixed") {
    notes.push(`card.rateControl "${scenario.card.rateControl}" is not simulated yet: every vMAC stays at the configured rate unless its guest sets one`)
  }
  return notes
}
