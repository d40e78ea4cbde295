/** What `compare` and `sweep-rate` refuse in a base scenario that `run` would take. */
import * as Effect from "effect/Effect"
import type { Scenario } from "../scenario/Scenario.ts"
import { CliUsageError } from "./CliUsageError.ts"

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
