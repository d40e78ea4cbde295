/**
 * A VM's rate-table entry as the card holds it: the retry chain a rate command asks for (checked at
 * the trust boundary first, `CommandCheck.checkRate`). A command without a chain is a fixed rate:
 * every attempt at its rate, up to the standard's retry limit.
 */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { FIXED_RATE_ATTEMPTS, makeChain } from "../air/RetryChain.ts"
import type { RetryChain } from "../air/RetryChain.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"

/** The chain of a (checked) rate command on `phy`'s ladder. */
export const chainOf = (phy: PhyConfig, command: { readonly rateIndex: number; readonly chain?: ReadonlyArray<ChainEntry> | undefined }): RetryChain =>
  makeChain(phy, command.chain ?? [{ rateIndex: command.rateIndex, tries: FIXED_RATE_ATTEMPTS }])
