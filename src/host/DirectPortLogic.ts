/**
 * What the card does for a guest that reaches it directly (passthrough, native), on the state the
 * actor runtime holds (`DirectPortState`): each register write (decoded at the trust boundary, then
 * carried out), the card's interrupt to the guest, the driver's periodic tick, a reset of the VM.
 */
import { TxPathStamps } from "../vocabulary/TxPath.ts"
import { rateLadder } from "../air/RateTable.ts"
import { chainOf } from "../driver/RateTableEntry.ts"
import { INTERRUPT_CONTEXT } from "../cpu/CpuCore.ts"
import type { CpuCore, Job, Recipe } from "../cpu/CpuCore.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import * as Exit from "effect/Exit"
import { decodeCardCommand } from "../vocabulary/CardCommandDecode.ts"
import { CARD_PCI_ID } from "../vocabulary/CardEvent.ts"
import type { CardEvent, RejectReason } from "../vocabulary/CardEvent.ts"
import { checkDescriptorFrame, checkRate } from "../device-model/CommandCheck.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { frameFromDescriptor } from "../vocabulary/DescriptorFrame.ts"
import { KERNEL_OWN_PACKET, socketCopyBytes } from "../vocabulary/PacketHeaders.ts"
import { guestEventOf } from "../vocabulary/NicEvent.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import { Housekeeping, newWatchdog } from "../driver/Housekeeping.ts"
import type { TxWatchdog } from "../driver/TxWatchdog.ts"
import type { DirectPortMessage, DirectPortOptions, DirectPortStats } from "./DirectPort.ts"
import { configOf } from "../nic/PowerSave.ts"
import { RxBuffers, SOCKET_RX_QUEUE_PACKETS } from "../vocabulary/RxBuffers.ts"
import type { Port } from "../actor/Port.ts"

/** The card's state as its one driver knows it; a crash of the driver loses it (and it is read back). */
export interface DirectPortState {
  /** The card's MAC once the guest initialized it. */
  mac: number | undefined
  /** The TX watchdog's memory of the card's progress. */
  readonly watchdog: TxWatchdog
}

export const initialDirectPortState = (): DirectPortState => ({ mac: undefined, watchdog: newWatchdog() })


export class DirectPortLogic {
  private readonly kernel: Kernel
  private readonly o: DirectPortOptions
  private readonly stats: DirectPortStats
  private readonly cpu: CpuCore
  private readonly rateCount: number
  private readonly keeper: Housekeeping
  /**
   * The card's interrupt: entry, handler, ack; the lock on the driver's state. Natively iwlagn's handler
   * reads the card's register; KVM's handler for an assigned card reads none (the guest's ISR does).
   */
  private readonly IRQ: Recipe
  /**
   * Passthrough, on the vCPU thread: KVM re-arms the vCPU's emulated APIC timer around the injection,
   * injects, QEMU's vCPU thread returns to and re-enters KVM_RUN, and the guest's EOI write exits.
   */
  private readonly INJECT: Recipe

  /**
   * Natively, the application's socket: packets the stack queued for it that it has not read yet.
   * The application's, not the driver's: a restart of the driver keeps it.
   */
  private readonly socket = new RxBuffers(SOCKET_RX_QUEUE_PACKETS)
  private readonly self: Port<DirectPortMessage>

  constructor(kernel: Kernel, o: DirectPortOptions, stats: DirectPortStats, name: string, self: Port<DirectPortMessage>) {
    this.kernel = kernel
    this.self = self
    this.o = o
    this.stats = stats
    this.cpu = o.cpu
    this.rateCount = rateLadder(o.phy).length
    // The driver's housekeeping, as in virtual-wifi: poll for events whose interrupt was lost, and
    // reset the card when its TX stops completing.
    this.keeper = new Housekeeping(kernel, o.nic, o.log, name)
    this.IRQ = o.mode === "native" ? o.cpu.recipe("hostIrq", "irqRegisterRead", "lock") : o.cpu.recipe("hostIrq", "lock")
    this.INJECT = o.cpu.recipe("timer", "passthroughIrq", "syscall", "exitDecode", "exitVcpuState")
  }

  handle(s: DirectPortState, msg: DirectPortMessage): DirectPortState {
    switch (msg._tag) {
      case "Mmio":
        // What the write causes leaves through the guest's work before it, continued on its thread.
        this.write(s, msg.command, msg.work)
        msg.work.submit()
        break
      case "Irq":
        this.interrupt(msg.events, false)
        break
      case "Tick":
        this.keeper.tick(s.watchdog, s.mac === undefined ? [] : [0], (events) => this.interrupt(events, true))
        break
      case "SocketRead":
        this.socket.give(msg.packets)
        break
      case "VmReset":
        // The VM (or the host) restarts: its card is reset and forgets its MAC.
        if (s.mac !== undefined) this.o.nic.tellUnsafe({ _tag: "StopVmac", vmac: 0, reason: "vm-gone" })
        return initialDirectPortState()
    }
    return s
  }

  private toGuest(access: Job, events: ReadonlyArray<CardEvent>): void {
    access.then(this.o.guest, { _tag: "Irq", events })
  }

  private reject(access: Job, command: string, reason: RejectReason): void {
    this.stats.rejectedByReason[reason] = (this.stats.rejectedByReason[reason] ?? 0) + 1
    this.toGuest(access, [{ _tag: "Rejected", command, reason }])
  }

  private write(s: DirectPortState, raw: unknown, access: Job): void {
    const { o } = this
    const { nic, ledger, memory } = o
    const decoded = decodeCardCommand(raw)
    if (Exit.isFailure(decoded)) return this.reject(access, "unknown", "malformed")
    const command = decoded.value
    if (command._tag !== "InitCard" && command._tag !== "ReadPciConfig" && command.vmac !== 0) return this.reject(access, command._tag, "unknown-vmac")
    switch (command._tag) {
      case "ReadPciConfig":
        this.toGuest(access, [{ _tag: "PciConfig", ...CARD_PCI_ID }])
        return
      case "InitCard":
        if (s.mac === undefined) {
          s.mac = nic.macOf(0)
          access.then(nic, { _tag: "StartVmac", vmac: 0, iommuDomainBytes: o.mode === "passthrough" ? memory.sizeBytes : undefined })
        }
        // The MAC address is a register read: answered by the card at once.
        this.toGuest(access, [{ _tag: "InitDone", vmac: 0, mac: s.mac }])
        return
      case "StartScan":
        access.then(nic, { _tag: "Scan", channels: command.channels, dwellNs: o.scanDwellNs })
        return
      case "Authenticate":
        access.then(nic, { _tag: "AuthRequest", vmac: 0, bssid: command.bssid, channel: command.channel })
        return
      case "Associate":
        access.then(nic, {
          _tag: "AssocRequest", vmac: 0, vm: 0, bssid: command.bssid, ssid: command.ssid, passphrase: command.passphrase, uapsdMaxSpLength: command.uapsdMaxSpLength,
          listenInterval: command.listenInterval, beaconKnown: command.beaconKnown === true
        })
        return
      case "SetRate": {
        const problem = checkRate({ mac: s.mac, memoryBytes: memory.sizeBytes, rateCount: this.rateCount }, command.rateIndex, command.chain)
        if (problem !== undefined) return this.reject(access, "SetRate", problem)
        access.then(nic, { _tag: "SetVmacRate", vmac: 0, vm: 0, chain: chainOf(o.phy, command) })
        return
      }
      case "SetPowerSave":
        access.then(nic, { _tag: "SetVmacPowerSave", vmac: 0, config: configOf(command) })
        return
      case "Disassociate":
        access.then(nic, { _tag: "Disassoc", vmac: 0 })
        return
      case "MonitorSignal":
        access.then(nic, { _tag: "MonitorSignal", vmac: 0, monitor: { thresholdDbm: command.thresholdDbm, hysteresisDb: command.hysteresisDb } })
        return
      case "TxDoorbell": {
        const frames: Array<Frame> = []
        // The card itself only refuses what it cannot send; DMA range is the IOMMU's job. (The packet
        // content the model carries, its kind, numbers and times, is checked as a device model checks it:
        // the simulation trusts no guest's content.)
        const card = { mac: s.mac, memoryBytes: Infinity, rateCount: this.rateCount }
        for (const d of memory.read(command.count)) {
          const frame = frameFromDescriptor(ledger, d, 0)
          if (frame === undefined) {
            this.reject(access, "TxDoorbell", "malformed")
            continue
          }
          if (o.stampTxPath) frame.txPath = new TxPathStamps()
          const problem = checkDescriptorFrame(card, frame, Infinity, this.kernel.nowNs)
          if (problem !== undefined) {
            ledger.drop(frame, `rejected:${problem}`)
            this.reject(access, "TxDoorbell", problem)
          } else {
            frames.push(frame)
          }
        }
        if (frames.length > 0) {
          if (o.mode === "native") {
            // The host application's send(): a system call and a copy of its payload into the kernel
            // per packet; what the kernel sends of its own (TCP's ACKs) has neither.
            socketCallsOf(frames)
            chargeSocketCalls(access)
            access.op("hostDriverTx")
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

  /**
   * The card's interrupt, or events the driver's tick found (`polled`). Natively the tick is a timer,
   * which runs in softirq context as the interrupt's handler does: on one core one runs after the
   * other, so the events reach the application in the order they were read (served on a thread of
   * their own, a later interrupt's handler overtook them). In a VM that owns the card (passthrough)
   * its own driver polls, on its vCPU: no host interrupt and no injection (the guest charges its
   * handler, as for an injected interrupt), and a later interrupt's injection queues behind it there.
   */
  private interrupt(events: ReadonlyArray<NicEvent>, polled: boolean): void {
    const { o, cpu, kernel } = this
    const { nic } = o
    this.stats.interrupts++
    const inGuest = polled && o.mode === "passthrough"
    const irq = inGuest ? cpu.job(o.guestThread) : cpu.job(INTERRUPT_CONTEXT).run(this.IRQ)
    // What the guest's side does next, on its own thread, before the events reach it.
    let guestSide: Job | undefined
    if (o.mode === "passthrough" && !inGuest) {
      // KVM injects the interrupt into the vCPU, waking its thread; the guest's EOI write exits.
      irq.op("threadWakeup")
      guestSide = cpu.job(o.guestThread).run(this.INJECT)
    }
    const out: Array<CardEvent> = []
    let received = 0
    let read = 0
    for (let e of events) {
      if (e._tag === "Rx") received += e.frames.length
      if (e._tag === "Rx" && o.mode === "native") {
        // The stack's receive path (NET_RX softirq), which queues each packet on the application's
        // socket while its receive queue has room, then recv(): a system call and a copy of the payload
        // out per packet the application reads (TCP's ACKs end in the stack).
        irq.op("hostStackPacket", e.frames.length)
        const queued = this.toSocket(e.frames) // leaves `socketCalls` counting what was queued
        if (queued !== e.frames) e = { _tag: "Rx", vmac: e.vmac, frames: queued }
        read += socketCalls.calls
        if (socketCalls.calls > 0) chargeSocketCalls(guestSide ??= cpu.job(o.guestThread))
      } else if (e._tag === "DmaFault") {
        this.stats.rejectedByReason["dma-out-of-range"] = (this.stats.rejectedByReason["dma-out-of-range"] ?? 0) + e.frames
      } else if (e._tag === "FirmwareError") {
        // The driver resets the card's firmware; the association ends and the guest joins again.
        nic.tellUnsafe({ _tag: "ResetVmac", vmac: 0, reason: "firmware-error" })
        o.log.recovered("vmac-firmware-reset", "vmac-0", kernel.nowNs, kernel.nowNs)
        continue
      } else if (e._tag === "VmacStopped") {
        continue
      }
      out.push(guestEventOf(e))
    }
    // Natively the application sleeps until the stack wakes it.
    if (o.mode === "native") irq.op("threadWakeup")
    // The received frames' buffers are posted again once their driver has handled them: the host's
    // natively (its handler ran the stack), the guest's through an assigned card.
    if (received > 0) (o.mode === "native" || guestSide === undefined ? irq : guestSide).then(nic, { _tag: "RxRestock", frames: received })
    if (read > 0) guestSide!.then(this.self, { _tag: "SocketRead", packets: read })
    const irqDelivery = { _tag: "Irq", events: out } as const
    if (guestSide === undefined) irq.then(o.guest, irqDelivery)
    else irq.next(guestSide.then(o.guest, irqDelivery))
    irq.submit()
  }

  /**
   * `frames` as the stack queues them on the application's socket: the kernel's own (TCP's ACKs) all,
   * the application's while the socket's receive queue has room; the rest are dropped (`socket-queue-full`).
   * The same array when nothing is dropped. `socketCalls` then counts the application's packets queued.
   */
  private toSocket(frames: ReadonlyArray<Frame>): ReadonlyArray<Frame> {
    socketCallsOf(frames)
    const forApplication = socketCalls.calls
    const room = this.socket.reserve(forApplication)
    if (room === forApplication) return frames
    const queued: Array<Frame> = []
    let taken = 0
    for (const f of frames) {
      if (socketCopyBytes(f.payload, f.payloadBytes) === KERNEL_OWN_PACKET || taken++ < room) queued.push(f)
      else this.o.ledger.drop(f, "socket-queue-full")
    }
    socketCallsOf(queued)
    return queued
  }
}

/** `socketCallsOf`'s answer (one object, reused: it is read at once). */
const socketCalls = { calls: 0, bytes: 0 }

/** Natively, the application's socket calls for `frames`: one per packet it sends or reads, and the payload bytes they copy. */
const socketCallsOf = (frames: ReadonlyArray<Frame>): void => {
  let calls = 0
  let bytes = 0
  for (let i = 0; i < frames.length; i++) {
    const f = frames[i]!
    const n = socketCopyBytes(f.payload, f.payloadBytes)
    if (n === KERNEL_OWN_PACKET) continue
    calls++
    bytes += n
  }
  socketCalls.calls = calls
  socketCalls.bytes = bytes
}

/** Charges what `socketCallsOf` last counted: a system call and a copy per packet, and the bytes. */
const chargeSocketCalls = (job: Job): void => {
  const { calls, bytes } = socketCalls
  if (calls > 0) job.op("syscall", calls).op("copyPacket", calls).op("copyByte", bytes)
}
