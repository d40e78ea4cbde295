/**
 * How the augmented driver rebuilds itself after a crash, as a pure function: from the journal (who
 * had which vMAC, at which rate) and the card's per-vMAC registers (association state and BSSID),
 * the mapping table and every VM's pair state, plus what the card must be told to agree again.
 */
import type { AssocState } from "../nic/Nic.ts"
import { fromCard } from "./PairState.ts"
import type { PairState } from "./PairState.ts"
import type { JournalEntry } from "./DriverJournal.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import * as Vmacs from "./VmacTable.ts"
import { controlledPortOpen } from "../nic/ControlledPort.ts"

export interface RebuiltPair {
  readonly vm: number
  readonly vmac: number
  readonly state: PairState
  readonly bssid: number
  readonly rateIndex: number
  readonly chain?: ReadonlyArray<ChainEntry>
}

export interface Rebuilt {
  readonly table: Vmacs.VmacTable
  readonly pairs: ReadonlyArray<RebuiltPair>
  /** vMACs the journal assigns but the card has stopped: start them again. */
  readonly restart: ReadonlyArray<number>
  /** vMACs running on the card that no journal entry owns: stop them (and wait for them to quiesce). */
  readonly stop: ReadonlyArray<number>
}

export const rebuild = (
  journal: ReadonlyArray<JournalEntry>,
  vmacs: number,
  card: (vmac: number) => { readonly state: AssocState; readonly bssid: number; readonly rsn?: boolean; readonly keyId?: number }
): Rebuilt => {
  const owner = new Array<number | undefined>(vmacs).fill(undefined)
  const pairs: Array<RebuiltPair> = []
  const restart: Array<number> = []
  const stop: Array<number> = []
  for (const e of journal) {
    // A journal entry outside the card, or a second claim on one vMAC, cannot be trusted: skip it
    // (that VM's next init gets a fresh vMAC).
    if (e.vmac < 0 || e.vmac >= vmacs || owner[e.vmac] !== undefined) continue
    owner[e.vmac] = e.vm
    const regs = card(e.vmac)
    if (regs.state === "stopped") restart.push(e.vmac)
    // Associated on an RSN without a key yet: the 4-way handshake is still under way, the guest still waits.
    const state = regs.state === "associated" && !controlledPortOpen(regs) ? "associating" : regs.state
    const pair = { vm: e.vm, vmac: e.vmac, state: fromCard(state), bssid: regs.bssid, rateIndex: e.rateIndex }
    pairs.push(e.chain === undefined ? pair : { ...pair, chain: e.chain })
  }
  for (let v = 0; v < vmacs; v++) if (owner[v] === undefined && card(v).state !== "stopped") stop.push(v)
  return { table: { owner }, pairs, restart, stop }
}
