/**
 * The augmented driver's journal: the few facts it cannot read back from the card after a crash —
 * which VM each vMAC was given to and each VM's rate-table entry. It stands for state a real driver
 * keeps outside its own failure domain (a persistent region, or the hypervisor's record); here it is
 * an object the driver's supervisor keeps across restarts.
 */
export interface JournalEntry {
  readonly vm: number
  readonly vmac: number
  readonly rateIndex: number
}

export class DriverJournal {
  private readonly byVm = new Map<number, JournalEntry>()

  assign(vm: number, vmac: number, rateIndex: number): void {
    this.byVm.set(vm, { vm, vmac, rateIndex })
  }

  setRate(vm: number, rateIndex: number): void {
    const e = this.byVm.get(vm)
    if (e === undefined) return
    this.byVm.set(vm, { ...e, rateIndex })
  }

  release(vm: number): void {
    this.byVm.delete(vm)
  }

  entries(): ReadonlyArray<JournalEntry> {
    return [...this.byVm.values()].sort((a, b) => a.vm - b.vm)
  }
}
