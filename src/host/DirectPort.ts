/**
 * The card as a guest sees it when nothing sits in between: passthrough (the VM owns the card, its
 * register writes reach the hardware without a trap, DMA goes through the VT-d IOMMU, interrupts
 * are injected by KVM) and native (the host's own driver; no VM, no IOMMU). The guest driver is the
 * same as in virtual-wifi; only the path and its costs differ.
 *
 * No consolidation, no cache, no vMAC sharing: the one driver uses vMAC 0 directly.
 *
 * Where its work runs: the card's interrupt in interrupt context. Passthrough: the guest's TX work
 * and KVM's injection path on the VM's vCPU thread. Native: the application's send() (system call,
 * copy, the host driver's TX) on the application's thread; received frames go through the stack in
 * interrupt context (the NET_RX softirq), then recv() copies them out on the application's thread.
 */
import type { GuestMessage } from "../guest/GuestVm.ts"
import { forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { CpuCore, ThreadId } from "../cpu/CpuCore.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { totalRejections } from "../vocabulary/CardEvent.ts"
import type { RejectReason } from "../vocabulary/CardEvent.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { GuestMemory } from "../vocabulary/GuestMemory.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import type { NicHandle, NicMessage } from "../nic/Nic.ts"
import { every } from "../driver/TxWatchdog.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import type { RegisterWrite } from "../guest/GuestVm.ts"
import { DRIVER_TICK_NS } from "../vocabulary/ModelConstants.ts"
import { DirectPortLogic, initialDirectPortState } from "./DirectPortLogic.ts"
import type { DirectPortState } from "./DirectPortLogic.ts"

/**
 * Messages a direct port's mailbox holds (a modelling choice, not a hardware figure): it held at most 248 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 14

export type DirectPortMessage = Data.TaggedEnum<{
  Irq: { readonly events: ReadonlyArray<NicEvent> }
  Tick: {}
  /** The VM is reset (reboot, shutdown): the card stops. */
  VmReset: {}
  /** Natively: the application read `packets` packets, whose room in its socket's receive queue is free again. */
  SocketRead: { readonly packets: number }
}> | RegisterWrite /* a guest register write, and the guest's work before it */

export interface DirectPortOptions {
  readonly mode: "passthrough" | "native"
  readonly memory: GuestMemory
  readonly phy: PhyConfig
  readonly scanDwellNs: number
  readonly cpu: CpuCore
  /** The VM's vCPU thread (passthrough) or the host application's thread (native). */
  readonly guestThread: ThreadId
  readonly ledger: FrameLedger
  readonly nic: Pick<NicHandle, "macOf" | "registers" | "poll"> & Port<NicMessage>
  readonly log: RecoveryLog
  readonly guest: Port<Extract<GuestMessage, { readonly _tag: "Irq" }>>
  /** Stamp each TX frame's path (`vocabulary/TxPath.ts`): off but for latency studies. */
  readonly stampTxPath: boolean
}

export interface DirectPortStats {
  interrupts: number
  readonly rejectedByReason: Partial<Record<RejectReason, number>>
}

export interface DirectPortHandle {
  readonly ref: ModelActor.ModelRef<DirectPortMessage>
  readonly stats: DirectPortStats
  readonly rejected: () => number
}

export const make = Effect.fnUntraced(function*(options: DirectPortOptions): Effect.fn.Return<DirectPortHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const stats: DirectPortStats = { interrupts: 0, rejectedByReason: {} }
  const name = options.mode === "native" ? "host-driver" : "assigned-card"
  const self = forward<DirectPortMessage>()
  const logic = new DirectPortLogic(kernel, options, stats, name, self)
  const ref = yield* ModelActor.makeStateful<DirectPortMessage, DirectPortState>({
    name,
    capacity: MAILBOX_MESSAGES,
    initial: initialDirectPortState,
    handle: (s, msg) => logic.handle(s, msg),
    // What this process knew is read back from the card: its MAC, if it runs. The watchdog's memory
    // of the card's progress is lost and starts again.
    recover: () => ({ ...initialDirectPortState(), mac: options.nic.registers(0).state === "stopped" ? undefined : options.nic.macOf(0) })
  })
  self.set(ref)
  every(kernel, DRIVER_TICK_NS, () => ref.tellUnsafe({ _tag: "Tick" }))
  return {
    ref,
    stats,
    rejected: () => totalRejections(stats.rejectedByReason)
  }
})
