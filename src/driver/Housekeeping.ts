/**
 * What a driver that owns the card does on its periodic tick, the same for the augmented driver and
 * for a native driver: read the card's event status for events no interrupt delivered (a lost one),
 * and reset any vMAC whose TX stopped completing (the TX watchdog).
 */
import type { Port } from "../actor/Port.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { WATCHDOG_STALL_NS } from "../vocabulary/ModelConstants.ts"
import type { NicHandle, NicMessage } from "../nic/Nic.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import { TxWatchdog } from "./TxWatchdog.ts"

/**
 * The tick's work. The watchdog's memory is the caller's state (lost in a crash with the rest of the
 * driver), so it is passed in; so is the interrupt path that serves what a poll found.
 */
export class Housekeeping {
  private readonly kernel: Kernel
  private readonly nic: Pick<NicHandle, "registers" | "poll"> & Port<NicMessage>
  private readonly log: RecoveryLog
  private readonly driverName: string

  constructor(kernel: Kernel, nic: Pick<NicHandle, "registers" | "poll"> & Port<NicMessage>, log: RecoveryLog, driverName: string) {
    this.kernel = kernel
    this.nic = nic
    this.log = log
    this.driverName = driverName
  }

  /** Polls, then checks the TX of `vmacs`; returns whether the poll found events, and the vMACs it reset. */
  tick(
    watchdog: TxWatchdog,
    vmacs: Iterable<number>,
    interrupt: (events: ReadonlyArray<NicEvent>) => void
  ): { readonly polled: boolean; readonly reset: ReadonlyArray<number> } {
    const { kernel, nic, log } = this
    const polled = nic.poll()
    if (polled.events.length > 0) {
      log.recovered("lost-interrupt-poll", this.driverName, polled.sinceNs, kernel.nowNs)
      interrupt(polled.events)
    }
    const reset: Array<number> = []
    for (const vmac of vmacs) {
      const regs = nic.registers(vmac)
      const stalledSince = watchdog.check(vmac, regs.txQueued, regs.txCompleted, kernel.nowNs)
      if (stalledSince === undefined) continue
      nic.tellUnsafe({ _tag: "ResetVmac", vmac, reason: "tx-hang" })
      log.recovered("vmac-watchdog-reset", `vmac-${vmac}`, stalledSince, kernel.nowNs)
      reset.push(vmac)
    }
    return { polled: polled.events.length > 0, reset }
  }
}

/** A TX watchdog with the model's stall bound. */
export const newWatchdog = (): TxWatchdog => new TxWatchdog(WATCHDOG_STALL_NS)
