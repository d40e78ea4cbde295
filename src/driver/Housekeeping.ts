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

export interface Housekeeping {
  /** Polls, then checks the TX of `vmacs`; returns whether the poll found events, and the vMACs it reset. */
  readonly tick: (vmacs: Iterable<number>) => { readonly polled: boolean; readonly reset: ReadonlyArray<number> }
  /** Forgets what the watchdog knew (of one vMAC, or all of them after a restart). */
  readonly forget: (vmac?: number) => void
}

export const housekeeping = (
  kernel: Kernel,
  nic: Pick<NicHandle, "registers" | "poll"> & Port<NicMessage>,
  log: RecoveryLog,
  driverName: string,
  interrupt: (events: ReadonlyArray<NicEvent>) => void
): Housekeeping => {
  const watchdog = new TxWatchdog(WATCHDOG_STALL_NS)
  return {
    tick: (vmacs) => {
      const polled = nic.poll()
      if (polled.events.length > 0) {
        log.recovered("lost-interrupt-poll", driverName, polled.sinceNs, kernel.nowNs)
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
    },
    forget: (vmac) => (vmac === undefined ? watchdog.clear() : watchdog.forget(vmac))
  }
}
