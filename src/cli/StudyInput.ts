/** What `compare` and `sweep-rate` refuse in a base scenario that `run` would take. */
import * as Effect from "effect/Effect"
import type { Scenario } from "../scenario/Scenario.ts"
import { CliUsageError } from "./CliUsageError.ts"
import { sweepProblems } from "../compare/Sweep.ts"

/**
 * A study compares modes under the same conditions, and several faults exist in one mode only (a
 * driver crash is Virtual WiFi's); kept, they would make the groups differ by more than the mode,
 * and those aimed at VMs the study drops would vanish without a word.
 */
export const refuseFaultsInBase = (base: Scenario, command: "compare" | "sweep-rate"): Effect.Effect<void, CliUsageError> =>
  base.faults.length === 0
    ? Effect.void
    : Effect.fail(new CliUsageError({
      message: `the base scenario's "faults" holds ${base.faults.length} scheduled event(s) (faults, VM lifecycle), which \`vwifi ${command}\` ` +
        "does not take: it compares the modes under the same conditions, and several faults exist in one mode only. Remove them, or see " +
        "them with `vwifi run`"
    }))

/**
 * The PHY-rate sweep sets the card's PHY from 802.11g to 802.11n HT40, and a base scenario must allow
 * every point (one on a 5 GHz channel cannot run 802.11g): refused before any run, not at the sweep's
 * first point after the comparison's runs.
 */
export const refuseUnsweepableBase = (base: Scenario, flag: "--sweep" | "sweep-rate"): Effect.Effect<void, CliUsageError> => {
  const problems = sweepProblems(base)
  return problems.length === 0
    ? Effect.void
    : Effect.fail(new CliUsageError({
      message: `${flag === "--sweep" ? "--sweep" : "`vwifi sweep-rate`"} sets the card to each of its PHY rates, 802.11g 54 Mbps among them, ` +
        `and this base scenario does not allow them all:\n${problems.map((p) => `  ${p}`).join("\n")}\n` +
        "Give it a base scenario on which every rate can run (802.11g needs a 2.4 GHz channel, 1..13; 802.11n needs card.qos)"
    }))
}
