/**
 * What the invariant monitor asks about ownership (`check/InvariantMonitor.ts`), answered by the run's
 * own tables. Classes, not objects of closures: the monitor asks on every frame, and a call site that
 * meets a new closure in each world of a process deoptimised there.
 */
import type { Ownership } from "../check/InvariantMonitor.ts"
import type { DriverHandle } from "../driver/Driver.ts"

/** Under a host driver (virtual-wifi): its vMAC↔VM table, and each VM's memory. */
export class DriverOwnership implements Ownership {
  private readonly driver: DriverHandle
  private readonly memoryBytes: ReadonlyArray<number>

  constructor(driver: DriverHandle, memoryBytes: ReadonlyArray<number>) {
    this.driver = driver
    this.memoryBytes = memoryBytes
  }

  ownerOfVmac(vmac: number): number | undefined {
    return this.driver.mapping().owner[vmac]
  }

  memoryOf(vm: number): number {
    return this.memoryBytes[vm] ?? 0
  }
}

/** One VM has the card (native: the host, with all memory; passthrough: the VM its card is assigned to). */
export class SingleOwner implements Ownership {
  private readonly memoryBytes: number

  constructor(memoryBytes: number) {
    this.memoryBytes = memoryBytes
  }

  ownerOfVmac(vmac: number): number | undefined {
    return vmac === 0 ? 0 : undefined
  }

  memoryOf(): number {
    return this.memoryBytes
  }
}
