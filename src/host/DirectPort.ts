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
import type { Port } from "../actor/Port.ts"
import { Data, Effect, Exit, Schema } from "effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { withRateIndex, rateLadder } from "../air/RateTable.ts"
import { INTERRUPT_CONTEXT } from "../cpu/CpuCore.ts"
import type { CpuCore, Job, ThreadId } from "../cpu/CpuCore.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { CardCommand } from "../vocabulary/CardCommand.ts"
import { CARD_PCI_ID, totalRejections } from "../vocabulary/CardEvent.ts"
import type { CardEvent, RejectReason } from "../vocabulary/CardEvent.ts"
import { checkDescriptor, checkRate } from "../device-model/CommandCheck.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { frameFromDescriptor } from "../vocabulary/DescriptorFrame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { GuestMemory } from "../vocabulary/GuestMemory.ts"
import { guestEventOf } from "../vocabulary/NicEvent.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import type { NicHandle, NicMessage } from "../nic/Nic.ts"
import { every } from "../driver/TxWatchdog.ts"
import { housekeeping } from "../driver/Housekeeping.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import type { RegisterWrite } from "../guest/GuestVm.ts"
import { DRIVER_TICK_NS } from "../vocabulary/ModelConstants.ts"

export type DirectPortMessage = Data.TaggedEnum<{
  Irq: { readonly events: ReadonlyArray<NicEvent> }
  Tick: {}
  /** The VM is reset (reboot, shutdown): the card stops. */
  VmReset: {}
}> | RegisterWrite /* a guest register write, and the guest's work before it */

export interface DirectPortOptions {
  readonly mode: "passthrough" | "native"
  readonly memory: GuestMemory
  readonly phy: PhyConfig
  readonly scanDwellNs: number
  readonly cpu: CpuCore
  /** The VM's vCPU thread (passthrough) or the host application's thread (native). */
  readonly guestThread: ThreadId
  /** Where the periodic tick runs: the guest's driver in a VM (its vCPU thread), a host worker natively. */
  readonly tickThread: ThreadId
  readonly ledger: FrameLedger
  readonly nic: Pick<NicHandle, "macOf" | "registers" | "poll"> & Port<NicMessage>
  readonly log: RecoveryLog
  readonly guest: Port<Extract<GuestMessage, { readonly _tag: "Irq" }>>
}

export interface DirectPortHandle {
  readonly ref: ModelActor.ModelRef<DirectPortMessage>
  readonly stats: { interrupts: number; readonly rejectedByReason: Partial<Record<RejectReason, number>> }
  readonly rejected: () => number
}

const decodeCommand = Schema.decodeUnknownExit(CardCommand)

export const make = Effect.fnUntraced(function*(options: DirectPortOptions): Effect.fn.Return<DirectPortHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { cpu, nic, ledger, memory } = options
  const stats = { interrupts: 0, rejectedByReason: {} as Partial<Record<RejectReason, number>> }
  const rateCount = rateLadder(options.phy).length
  let mac: number | undefined

  /**
   * A register write, heard as the guest makes it. What it causes leaves through `access`, the
   * guest's work before the write continued on its thread: it follows that work.
   */
  const mmio = (raw: unknown, access: Job): void => {
    write(raw, access)
    access.submit()
  }

  const toGuest = (access: Job, events: ReadonlyArray<CardEvent>): void => void access.then(options.guest, { _tag: "Irq", events })

  const reject = (access: Job, command: string, reason: RejectReason): void => {
    stats.rejectedByReason[reason] = (stats.rejectedByReason[reason] ?? 0) + 1
    toGuest(access, [{ _tag: "Rejected", command, reason }])
  }

  const write = (raw: unknown, access: Job): void => {
    const decoded = decodeCommand(raw)
    if (Exit.isFailure(decoded)) return reject(access, "unknown", "malformed")
    const command = decoded.value
    if (command._tag !== "InitCard" && command._tag !== "ReadPciConfig" && command.vmac !== 0) return reject(access, command._tag, "unknown-vmac")
    switch (command._tag) {
      case "ReadPciConfig":
        toGuest(access, [{ _tag: "PciConfig", ...CARD_PCI_ID }])
        return
      case "InitCard":
        if (mac === undefined) {
          mac = nic.macOf(0)
          access.then(nic, { _tag: "StartVmac", vmac: 0, iommuDomainBytes: options.mode === "passthrough" ? memory.sizeBytes : undefined })
        }
        // The MAC address is a register read: answered by the card at once.
        toGuest(access, [{ _tag: "InitDone", vmac: 0, mac }])
        return
      case "StartScan":
        access.then(nic, { _tag: "Scan", channels: command.channels, dwellNs: options.scanDwellNs })
        return
      case "Authenticate":
        access.then(nic, { _tag: "AuthRequest", vmac: 0, bssid: command.bssid, channel: command.channel })
        return
      case "Associate":
        access.then(nic, { _tag: "AssocRequest", vmac: 0, vm: 0, bssid: command.bssid, ssid: command.ssid, passphrase: command.passphrase })
        return
      case "SetRate": {
        const problem = checkRate({ mac, memoryBytes: memory.sizeBytes, rateCount }, command.rateIndex)
        if (problem !== undefined) return reject(access, "SetRate", problem)
        access.then(nic, { _tag: "SetVmacRate", vmac: 0, vm: 0, phy: withRateIndex(options.phy, command.rateIndex) })
        return
      }
      case "Disassociate":
        access.then(nic, { _tag: "Disassoc", vmac: 0 })
        return
      case "TxDoorbell": {
        const frames: Array<Frame> = []
        for (const d of memory.read(command.count)) {
          const frame = frameFromDescriptor(ledger, d, 0)
          // The card itself only refuses what it cannot send; DMA range is the IOMMU's job.
          const problem = checkDescriptor({ mac, memoryBytes: Infinity, rateCount }, d)
          if (problem !== undefined) {
            ledger.drop(frame, `rejected:${problem}`)
            reject(access, "TxDoorbell", problem)
          } else {
            frames.push(frame)
          }
        }
        if (frames.length > 0) {
          if (options.mode === "native") {
            // The host application's send(): a system call and a copy into the kernel per packet.
            access.op("syscall", frames.length)
              .op("copyPacket", frames.length)
              .op("copyByte", frames.reduce((n, f) => n + f.payloadBytes, 0))
              .op("hostDriverTx")
              .op("lock")
          } else {
            access.op("shadowPage", frames.length) // DMA-mapped guest pages tracked by KVM
          }
          access.op("hostOtherPacket", frames.length).then(nic, { _tag: "Transmit", vmac: 0, frames })
        }
        return
      }
    }
  }

  /** The card's interrupt: entry, handler, ack; the lock on the driver's state. */
  const IRQ = cpu.recipe("hostIrq", "lock")
  /**
   * Passthrough, on the vCPU thread: KVM re-arms the vCPU's emulated APIC timer around the injection,
   * injects, QEMU's vCPU thread returns to and re-enters KVM_RUN, and the guest's EOI write exits.
   */
  const INJECT = cpu.recipe("timer", "passthroughIrq", "syscall", "exitDecode", "exitVcpuState")

  /** The card's interrupt (in interrupt context), or a poll that found events (on `thread`). */
  const interrupt = (events: ReadonlyArray<NicEvent>, thread: ThreadId): void => {
    stats.interrupts++
    const irq = cpu.job(thread).run(IRQ)
    // What the guest's side does next, on its own thread, before the events reach it.
    let guestSide: Job | undefined
    if (options.mode === "passthrough") {
      // KVM injects the interrupt into the vCPU, waking its thread; the guest's EOI write exits.
      irq.op("threadWakeup")
      guestSide = cpu.job(options.guestThread).run(INJECT)
    }
    const out: Array<CardEvent> = []
    for (const e of events) {
      if (e._tag === "Rx" && options.mode === "native") {
        // The stack's receive path (NET_RX softirq), then recv(): a system call and a copy out per packet.
        irq.op("hostStackPacket", e.frames.length)
        ;(guestSide ??= cpu.job(options.guestThread))
          .op("syscall", e.frames.length)
          .op("copyPacket", e.frames.length)
          .op("copyByte", e.frames.reduce((n, f) => n + f.payloadBytes, 0))
      } else if (e._tag === "DmaFault") {
        stats.rejectedByReason["dma-out-of-range"] = (stats.rejectedByReason["dma-out-of-range"] ?? 0) + e.frames
      } else if (e._tag === "FirmwareError") {
        // The driver resets the card's firmware; the association ends and the guest joins again.
        nic.tellUnsafe({ _tag: "ResetVmac", vmac: 0, reason: "firmware-error" })
        options.log.recovered("vmac-firmware-reset", "vmac-0", kernel.nowNs, kernel.nowNs)
        continue
      } else if (e._tag === "VmacStopped") {
        continue
      }
      out.push(guestEventOf(e))
    }
    // Natively the application sleeps until the stack wakes it.
    if (options.mode === "native") irq.op("threadWakeup")
    const irqDelivery = { _tag: "Irq", events: out } as const
    if (guestSide === undefined) irq.then(options.guest, irqDelivery)
    else irq.next(guestSide.then(options.guest, irqDelivery))
    irq.submit()
  }

  // The driver's housekeeping, as in virtual-wifi: poll for events whose interrupt was lost, and
  // reset the card when its TX stops completing.
  const name = options.mode === "native" ? "host-driver" : "assigned-card"
  const keeper = housekeeping(kernel, nic, options.log, name, (events) => interrupt(events, options.tickThread))
  const tick = (): void => void keeper.tick(mac === undefined ? [] : [0])

  const ref = yield* ModelActor.make<DirectPortMessage>(name, 1 << 14, (msg) => {
    switch (msg._tag) {
      case "Mmio":
        return mmio(msg.command, msg.work)
      case "Irq":
        return interrupt(msg.events, INTERRUPT_CONTEXT)
      case "Tick":
        return tick()
      case "VmReset":
        // The VM (or the host) restarts: its card is reset and forgets its MAC.
        if (mac !== undefined) nic.tellUnsafe({ _tag: "StopVmac", vmac: 0, reason: "vm-gone" })
        mac = undefined
        keeper.forget()
        return
    }
  })
  every(kernel, DRIVER_TICK_NS, () => ref.tellUnsafe({ _tag: "Tick" }))
  return {
    ref,
    stats,
    rejected: () => totalRejections(stats.rejectedByReason)
  }
})
