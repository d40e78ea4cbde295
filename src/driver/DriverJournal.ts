/**
 * The augmented driver's journal: the few facts it cannot read back from the card after a crash —
 * which VM each vMAC was given to and each VM's rate-table entry. It stands for state a real driver
 * keeps outside its own failure domain (a persistent region, or the hypervisor's record); here it is
 * an object the driver's supervisor keeps across restarts.
 */
import type { ChainEntry } from "../vocabulary/CardCommand.ts"

export interface JournalEntry {
  readonly vm: number
  readonly vmac: number
  readonly rateIndex: number
  /** The retry chain of its last rate command, when it gave one. */
  readonly chain?: ReadonlyArray<ChainEntry>
}

export class DriverJournal {
  private readonly byVm = new Map<number, JournalEntry>()

  assign(vm: number, vmac: number, rateIndex: number): void {
    this.byVm.set(vm, { vm, vmac, rateIndex })
  }

  setRate(vm: number, rateIndex: number, chain?: ReadonlyArray<ChainEntry>): void {
    const e = this.byVm.get(vm)
    if (e === undefined) return
    this.byVm.set(vm, chain === undefined ? { vm: e.vm, vmac: e.vmac, rateIndex } : { vm: e.vm, vmac: e.vmac, rateIndex, chain })
  }

  release(vm: number): void {
    this.byVm.delete(vm)
  }

  entries(): ReadonlyArray<JournalEntry> {
    return [...this.byVm.values()].sort((a, b) => a.vm - b.vm)
  }
}
