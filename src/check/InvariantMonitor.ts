/**
 * The always-on invariant counters of one run. The model's actors report what they see at the points
 * where a breach would show (a frame delivered to a VM, a DMA reaching the card, a write to a vMAC's
 * rate table or key, a frame sent or accepted under a pairwise key); each check is a comparison or
 * two, cheap enough to stay on in every run.
 */

/** Who owns what, as the monitor needs to know it (read at check time, never copied). */
export interface Ownership {
  /** The VM a vMAC is assigned to (the driver's table), undefined when free. */
  ownerOfVmac(vmac: number): number | undefined
  /** Bytes of guest memory of a VM. */
  memoryOf(vm: number): number
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
  /**
   * A data frame sent by a vMAC, or accepted by an AP or a vMAC, under a pairwise key that is not its
   * VM's (the VM whose handshake installed the key): another VM's key, or a previous VM's left on a
   * reused vMAC.
   */
  keyIsolation = 0
  private ownership: Ownership | undefined
  /** Each pairwise key installed, and the VM whose handshake installed it. */
  private readonly keyOwner = new Map<number, number>()

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
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      if (f.owner < 0) continue
      if (f.owner !== vm || f.dmaEnd > o.memoryOf(f.owner)) this.dmaIsolation++
    }
  }

  /** The card applies a rate or key write made on behalf of `vm` to `vmac`. */
  wrote(vm: number, vmac: number): void {
    const o = this.ownership
    if (o !== undefined && o.ownerOfVmac(vmac) !== vm) this.crossVmWrites++
  }

  /** A 4-way handshake on behalf of `vm` installed `keyId`. */
  keyInstalled(vm: number, keyId: number): void {
    this.keyOwner.set(keyId, vm)
  }

  /** `vmac` sends these frames under their keys: each must be the key of the frame's VM and of the vMAC's. */
  sentUnderKey(vmac: number, frames: ReadonlyArray<{ readonly owner: number; readonly keyId: number }>): void {
    const vm = this.ownership?.ownerOfVmac(vmac)
    for (let i = 0; i < frames.length; i++) this.underKey(vm, frames[i]!)
  }

  /** A protected data frame was accepted under its key (by an AP, or by a vMAC: then `vmac`'s VM must own the key too). */
  acceptedUnderKey(vmac: number | undefined, f: { readonly owner: number; readonly keyId: number }): void {
    this.underKey(vmac === undefined ? undefined : this.ownership?.ownerOfVmac(vmac), f)
  }

  private underKey(vm: number | undefined, f: { readonly owner: number; readonly keyId: number }): void {
    if (f.keyId === 0) return
    const owner = this.keyOwner.get(f.keyId)
    if (owner === undefined || (f.owner >= 0 && f.owner !== owner) || (vm !== undefined && vm !== owner)) this.keyIsolation++
  }

  get isolationViolations(): number {
    return this.frameIsolation + this.scanIsolation + this.dmaIsolation + this.keyIsolation
  }
}
