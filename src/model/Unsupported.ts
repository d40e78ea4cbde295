/**
 * Parts of a scenario the model accepts but does not simulate yet, so that the command line can say
 * so instead of silently ignoring them.
 */
import type { Scenario } from "../scenario/Scenario.ts"

export const unsupportedFeatures = (scenario: Scenario): ReadonlyArray<string> => {
  const notes: Array<string> = []
  if (scenario.card.rateControl !== "fixed") {
    notes.push(`card.rateControl "${scenario.card.rateControl}" is not simulated yet: every vMAC stays at the configured rate unless its guest sets one`)
  }
  for (const [i, vm] of scenario.vms.entries()) {
    for (const [j, t] of vm.traffic.entries()) {
      if (t.kind === "tcp-tx" || t.kind === "tcp-rx") notes.push(`vms[${i}].traffic[${j}]: ${t.kind} is not simulated yet and is ignored`)
    }
  }
  return notes
}
