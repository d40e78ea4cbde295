/**
 * The always-on invariant counters of one run. The model's actors report what they see at the points
 * where a breach would show (a frame delivered to a VM, a DMA reaching the card, a write to a vMAC's
 * rate table or key); each check is a comparison or two, cheap enough to stay on in every run.
 */

/** Who owns what, as the monitor needs to know it (read at check time, never copied). */
export interface Ownership {
  /** The VM a vMAC is assigned to (the driver's table), undefined when free. */
  readonly ownerOfVmac: (vmac: number) => number | undefined
  /** Bytes of guest memory of a VM. */
  readonly memoryOf: (vm: number) => number
}

export class InvariantMonitor {
  /** A frame or a scan result delivered to a VM it does not belong to. */
  frameIsolation = 0
  scanIsolation = 0
  /** A DMA the card carried out for one VM through another VM's vMAC, or outside the VM's memory. */
  dmaIsolation = 0
  /** A rate-table or key write applied to a vMAC that another VM owns. */
  crossVmWrites = 0
  /** vMAC↔VM table disagreements (with itself, the card or the journal) that persisted across two audits. */
  mappingInconsistencies = 0
  private ownership: Ownership | undefined

  /** Installs the ownership view (the driver's table, or the one VM of passthrough/native). */
  watch(ownership: Ownership): void {
    this.ownership = ownership
  }

  /** VM `vm` received a data frame. */
  delivered(vm: number, owner: number): void {
    if (owner >= 0 && owner !== vm) this.frameIsolation++
  }

  /** The card is about to DMA these frames out of guest memory for `vmac`. */
  transmitted(vmac: number, frames: ReadonlyArray<{ readonly owner: number; readonly dmaEnd: number }>): void {
    const o = this.ownership
    if (o === undefined) return
    const vm = o.ownerOfVmac(vmac)
    for (const f of frames) {
      if (f.owner < 0) continue
      if (f.owner !== vm || f.dmaEnd > o.memoryOf(f.owner)) this.dmaIsolation++
    }
  }

  /** The card applies a rate or key write made on behalf of `vm` to `vmac`. */
  wrote(vm: number, vmac: number): void {
    const o = this.ownership
    if (o !== undefined && o.ownerOfVmac(vmac) !== vm) this.crossVmWrites++
  }

  get isolationViolations(): number {
    return this.frameIsolation + this.scanIsolation + this.dmaIsolation
  }
}
