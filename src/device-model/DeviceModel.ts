/**
 * The device model of one VM (virtual-wifi mode): it exposes a virtual card identical to the real
 * one, traps every register access the guest makes (each a VM exit with its CPU cost), checks what
 * the guest wrote (the trust boundary: a Schema decode, then ownership checks), tags commands with
 * the VM's id for the augmented driver, and injects virtual interrupts, optionally coalesced.
 *
 * A rejected command is counted by reason and answered with a `Rejected` event; it never reaches
 * the driver, another VM or the card.
 *
 * Where its work runs (qemu-kvm on Linux 2.6.33): a trapped access is handled synchronously on the
 * VM's vCPU thread (the exit, KVM's forward to user space, QEMU's global lock and this model's
 * register decode); a command or TX batch is then handed to the VM's I/O thread (a wake-up), which
 * translates addresses and calls the augmented driver. Events from the driver arrive on the I/O
 * thread too, which copies received frames into guest memory (on the fast data path the card wrote
 * them there, and without an IOMMU the I/O thread translates the buffers the guest posts again:
 * `RxDelivery.ts`) and injects the virtual interrupt, kicking the vCPU thread; the guest ISR's
 * register read traps on the vCPU thread.
 */
import { RX_RING_BUFFERS, RxBuffers } from "../vocabulary/RxBuffers.ts"
import { TxPathStamps } from "../vocabulary/TxPath.ts"
import type { GuestMessage } from "../guest/GuestVm.ts"
import { after, forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { CpuCore, Job, Recipe, ThreadId } from "../cpu/CpuCore.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { decodeCardCommand } from "../vocabulary/CardCommandDecode.ts"
import { CARD_PCI_ID, totalRejections } from "../vocabulary/CardEvent.ts"
import type { CardEvent, RejectReason } from "../vocabulary/CardEvent.ts"
import { checkDescriptorFrame, checkRate, checkVmac } from "./CommandCheck.ts"
import { arrived, decide, noArrivals } from "./CoalescingPolicy.ts"
import { copiesReceivedFrames, pagesTranslatedOnRepost } from "./RxDelivery.ts"
import type { ArrivalHistory, CoalescingRule } from "./CoalescingPolicy.ts"
import type { VmView } from "./CommandCheck.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { frameFromDescriptor } from "../vocabulary/DescriptorFrame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { GuestMemory } from "../vocabulary/GuestMemory.ts"
import type { DriverMessage } from "../driver/Driver.ts"
import type { NicMessage } from "../nic/Nic.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import type { RegisterWrite } from "../guest/GuestVm.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import { appendTo, objectArray } from "../kernel/StableShapes.ts"

/**
 * Messages a device model's mailbox holds (a modelling choice, not a hardware figure): it held at most 248 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 14

export type DeviceModelMessage = Data.TaggedEnum<{
  /** Events for this VM from the driver. */
  Events: { readonly events: ReadonlyArray<CardEvent> }
  /** The coalescing delay ran out. */
  CoalesceTimeout: { readonly generation: number }
  /** The VM is reset (reboot, shutdown): the virtual card goes back to its power-on state. */
  VmReset: {}
  /** Events this device model raised itself (a refusal, the PCI header), once the trap that found them has run. */
  Raise: { readonly events: ReadonlyArray<CardEvent> }
  /** The guest's driver handled `frames` received frames: their buffers in its receive ring are posted again. */
  RxRestock: { readonly frames: number }
}> | RegisterWrite /* a guest register write carrying a command (untrusted: decoded here), and the vCPU's work before it */


export interface DeviceModelOptions {
  readonly vm: number
  readonly name: string
  readonly memory: GuestMemory
  readonly rateCount: number
  readonly softwareTranslation: boolean
  readonly coalescing: CoalescingRule
  /** Data frames go to and from the card through the VM's own queue (TX: no trap with an IOMMU, else a trap and translation; RX: no copy); control does not. */
  readonly fastDataPath: boolean
  readonly nic: Port<NicMessage>
  /** The card's first vMAC address, to find the physical vMAC behind this VM's MAC. */
  readonly baseMac: number
  readonly cpu: CpuCore
  /** The VM's vCPU thread and its device model's I/O thread on the core. */
  readonly vcpuThread: ThreadId
  readonly ioThread: ThreadId
  readonly ledger: FrameLedger
  readonly driver: Port<DriverMessage>
  /** The VM's virtual interrupt line. */
  readonly guest: Port<Extract<GuestMessage, { readonly _tag: "Irq" }>>
  /** After a crash: the MAC of the vMAC the driver holds for this VM. */
  readonly macFromDriver: () => number | undefined
  readonly log: RecoveryLog
  /** Stamp each TX frame's path (`vocabulary/TxPath.ts`): off but for latency studies. */
  readonly stampTxPath: boolean
}

export interface DeviceModelStats {
  traps: number
  virtualIrqs: number
  /** Register reads answered by the device model itself, without touching the card. */
  emulatedReads: number
  readonly rejectedByReason: Partial<Record<RejectReason, number>>
}

export interface DeviceModelHandle {
  readonly ref: ModelActor.ModelRef<DeviceModelMessage>
  readonly stats: DeviceModelStats
  readonly rejected: () => number
  /** Fired when a scan answer reaches this VM that it never asked for (an isolation breach): (this VM). */
  readonly traces: { readonly unaskedScanAnswer: TraceSource<number> }
}


/** The device model's state, held by the actor runtime. */
interface DeviceModelState {
  /** What the VM owns, as the trust boundary checks it (its vMAC's MAC once initialized). */
  readonly view: { mac: number | undefined; readonly memoryBytes: number; readonly rateCount: number }
  /**
   * Events held for coalescing: they live in the virtual card's status registers, which a crash of
   * this process does not lose (the guest can still read them).
   */
  pending: Array<CardEvent>
  /** Bumped by each flush and reset: a coalescing timer of an older one is void. */
  generation: number
  /** When events last arrived, and the smoothed gap between arrivals (the adaptive rule's load). */
  arrivals: ArrivalHistory
  /** Scans forwarded to the driver and not yet answered (never less): an answer beyond them is someone else's. */
  scansAsked: number
  /** Events the decode of an access found (refusals, the PCI header): raised once its trap has run. */
  raised: Array<CardEvent>
}

export const make = Effect.fnUntraced(function*(options: DeviceModelOptions): Effect.fn.Return<DeviceModelHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const stats: DeviceModelStats = { traps: 0, virtualIrqs: 0, emulatedReads: 0, rejectedByReason: {} }
  const traces = { unaskedScanAnswer: new TraceSource<number>() }
  const self = forward<DeviceModelMessage>()
  const logic = new DeviceModelLogic(kernel, options, stats, traces, self)
  let crashedAtNs = 0
  const ref = yield* ModelActor.makeStateful<DeviceModelMessage, DeviceModelState>({
    name: options.name,
    capacity: MAILBOX_MESSAGES,
    initial: () => ({
      view: { mac: undefined, memoryBytes: options.memory.sizeBytes, rateCount: options.rateCount },
      pending: [], generation: 0, arrivals: noArrivals, scansAsked: 0, raised: objectArray()
    }),
    handle: (s, msg) => logic.handle(s, msg),
    crashed: (atNs) => {
      crashedAtNs = atNs
    },
    recover: (crashed) => {
      // What this process knew of its VM, read back: the vMAC (from the driver); pending events and
      // the count of scans asked are the virtual card's registers and survive.
      const s: DeviceModelState = {
        view: { ...crashed.view, mac: options.macFromDriver() },
        pending: crashed.pending, generation: crashed.generation + 1, arrivals: crashed.arrivals, scansAsked: crashed.scansAsked, raised: objectArray()
      }
      if (s.pending.length > 0) logic.flush(s)
      options.log.recovered("device-model-restart", options.name, crashedAtNs, kernel.nowNs)
      return s
    }
  })
  self.set(ref)
  return {
    ref,
    stats,
    traces,
    rejected: () => totalRejections(stats.rejectedByReason)
  }
})

/** The device model's decisions, on the state the actor runtime holds. */
class DeviceModelLogic {
  private readonly kernel: Kernel
  private readonly o: DeviceModelOptions
  private readonly stats: DeviceModelStats
  private readonly traces: { readonly unaskedScanAnswer: TraceSource<number> }
  private readonly self: Port<DeviceModelMessage>
  /** A trapped register access: the exit, the forward to QEMU, QEMU's global mutex (taken on every MMIO exit), the decode. */
  private readonly TRAP: Recipe
  /**
   * On the I/O thread: QEMU reads the driver's eventfd, re-arms its interrupt-line timer, kicks the
   * vCPU thread out of its halt, and KVM injects the interrupt.
   */
  private readonly INJECT: Recipe

  /**
   * The buffers the guest's driver posted in its receive ring: in guest memory, so a restart of the
   * device model keeps them.
   */
  private readonly guestRing = new RxBuffers(RX_RING_BUFFERS)

  constructor(kernel: Kernel, o: DeviceModelOptions, stats: DeviceModelStats, traces: { readonly unaskedScanAnswer: TraceSource<number> }, self: Port<DeviceModelMessage>) {
    this.kernel = kernel
    this.o = o
    this.stats = stats
    this.traces = traces
    this.self = self
    this.TRAP = o.cpu.recipe("exitDecode", "exitVcpuState", "exitForward", "lock", "deviceModelAccess")
    this.INJECT = o.cpu.recipe("syscall", "timer", "threadWakeup", "virtualIrq")
  }

  handle(s: DeviceModelState, msg: DeviceModelMessage): DeviceModelState {
    const { cpu, ledger } = this.o
    switch (msg._tag) {
      case "Mmio":
        this.mmio(s, msg.command, msg.work)
        break
      case "Events": {
        let events = msg.events
        for (let i = 0; i < events.length; i++) {
          let e = events[i]!
          if (e._tag === "Rx") {
            // Received frames are copied from the host's buffers into the buffers the guest's driver
            // posted in its own receive ring, on the I/O thread, as far as it has free ones.
            const kept = this.guestRing.take(e.frames, ledger, "guest-rx-ring-full")
            if (kept !== e.frames) {
              e = { _tag: "Rx", vmac: e.vmac, frames: kept }
              events = events.map((x, j) => (j === i ? e : x))
            }
            if (kept.length === 0) continue
            // On the fast data path the card wrote them into the guest's buffers itself (RxDelivery.ts).
            if (copiesReceivedFrames(this.o)) {
              cpu.job(this.o.ioThread)
                .op("copyPacket", kept.length)
                .op("copyByte", kept.reduce((n, f) => n + f.payloadBytes, 0))
                .submit()
            }
          }
          if (e._tag === "InitDone") s.view.mac = e.mac
          // Refusals decided further down (no free vMAC, an IOMMU fault) count for this VM too.
          else if (e._tag === "Rejected") this.stats.rejectedByReason[e.reason] = (this.stats.rejectedByReason[e.reason] ?? 0) + 1
          else if (e._tag === "ScanDone") {
            if (s.scansAsked === 0) this.traces.unaskedScanAnswer.fire(this.o.vm)
            else s.scansAsked--
          }
        }
        this.queueEvents(s, events)
        break
      }
      case "RxRestock": {
        this.guestRing.give(msg.frames)
        // Buffers the card will write itself, without an IOMMU: the I/O thread translates their pages first.
        const pages = pagesTranslatedOnRepost(this.o, msg.frames)
        if (pages > 0) cpu.job(this.o.ioThread).op("translatePage", pages).op("shadowPage", pages).submit()
        break
      }
      case "Raise":
        this.queueEvents(s, msg.events)
        break
      case "CoalesceTimeout":
        if (msg.generation === s.generation) this.flush(s)
        break
      case "VmReset":
        // Power-on state: no vMAC, nothing pending; the driver releases the VM's vMAC.
        for (const e of s.pending) {
          if (e._tag !== "Rx") continue
          for (const f of e.frames) ledger.drop(f, "vm-reset")
          this.guestRing.give(e.frames.length)
        }
        s.pending = []
        s.generation++
        // scansAsked stays: an answer to a scan asked before the reset may still be on its way.
        s.view.mac = undefined
        this.o.driver.tellUnsafe({ _tag: "VmGone", vm: this.o.vm })
        break
    }
    return s
  }

  /** A trapped register access, on the vCPU thread (after `before`, the guest's work that led to it). */
  private trap(before?: Job): Job {
    this.stats.traps++
    return (before ?? this.o.cpu.job(this.o.vcpuThread)).run(this.TRAP)
  }

  private reject(s: DeviceModelState, command: string, reason: RejectReason): void {
    this.stats.rejectedByReason[reason] = (this.stats.rejectedByReason[reason] ?? 0) + 1
    s.raised.push({ _tag: "Rejected", command, reason })
  }

  private takeRaised(s: DeviceModelState): ReadonlyArray<CardEvent> {
    const out = s.raised
    s.raised = objectArray()
    return out
  }

  /** On the I/O thread: read the driver's eventfd, inject, kick the vCPU; then the ISR's read traps. */
  private inject(events: ReadonlyArray<CardEvent>): void {
    this.stats.virtualIrqs++
    // The guest's ISR reads the interrupt-cause register: a trap the device model answers locally.
    this.stats.emulatedReads++
    const isr = this.trap().then(this.o.guest, { _tag: "Irq", events })
    // Once its driver has handled them, the guest posts the received frames' buffers again.
    let received = 0
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!
      if (e._tag === "Rx") received += e.frames.length
    }
    if (received > 0) isr.then(this.self, { _tag: "RxRestock", frames: received })
    this.o.cpu.job(this.o.ioThread).run(this.INJECT).next(isr).submit()
  }

  /** Interrupt coalescing (`CoalescingPolicy.ts`): inject now, or hold until `frames` have gathered or `delayNs` has passed. */
  private queueEvents(s: DeviceModelState, events: ReadonlyArray<CardEvent>): void {
    const c = this.o.coalescing
    if (!c.enabled) {
      this.inject(events)
      return
    }
    s.arrivals = arrived(s.arrivals, this.kernel.nowNs)
    const before = s.pending.length
    for (const e of events) s.pending.push(e)
    const decision = decide(c, s.arrivals, before, s.pending.length)
    if (decision === "inject") {
      this.flush(s)
    } else if (decision === "hold-and-arm") {
      const generation = ++s.generation
      this.o.cpu.job(this.o.ioThread).op("timer").submit()
      after(this.kernel, c.delayNs, this.self, { _tag: "CoalesceTimeout", generation })
    }
  }

  flush(s: DeviceModelState): void {
    if (s.pending.length === 0) return
    s.generation++
    const events = s.pending
    s.pending = []
    this.inject(events)
  }

  /**
   * A doorbell: checks each descriptor; the good frames go on through the I/O thread, or on the
   * fast path straight to the card. `access` is the write's job on the vCPU thread (the trap, or on
   * the fast path no work): everything that follows the write leaves when it has run.
   */
  private doorbell(s: DeviceModelState, count: number, vmac: number, access: Job, trapped: boolean): void {
    const o = this.o
    const fast = o.fastDataPath
    const view = s.view
    const vmacProblem = checkVmac(view as VmView, vmac)
    const descriptors = o.memory.read(count)
    if (descriptors.length < count) this.reject(s, "TxDoorbell", "malformed")
    let frames: Array<Frame> | undefined
    let pages = 0
    for (let i = 0; i < descriptors.length; i++) {
      const frame = frameFromDescriptor(o.ledger, descriptors[i], o.vm)
      if (frame === undefined) {
        this.reject(s, "TxDoorbell", "malformed")
        continue
      }
      if (o.stampTxPath) frame.txPath = new TxPathStamps()
      // With an IOMMU the card checks the DMA range itself; without one, the device model must, even
      // on the fast data path (which skips only the translation work, not the check).
      const problem = vmacProblem ?? checkDescriptorFrame(view as VmView, frame, o.softwareTranslation ? view.memoryBytes : Infinity, this.kernel.nowNs)
      if (problem !== undefined) {
        o.ledger.drop(frame, `rejected:${problem}`)
        this.reject(s, "TxDoorbell", problem)
        continue
      }
      if (o.softwareTranslation) pages += GuestMemory.pagesSpanned(frame.dmaEnd - frame.payloadBytes, frame.payloadBytes)
      frames = appendTo(frames, frame)
    }
    if (s.raised.length > 0) access.then(this.self, { _tag: "Raise", events: this.takeRaised(s) })
    if (frames !== undefined) {
      if (fast && view.mac !== undefined) {
        // The data queue is the VM's own: straight to its vMAC, range-checked by the IOMMU on the card.
        // Without an IOMMU the card needs host-physical addresses: the write trapped (`mmio`) and the
        // I/O thread translates the batch's pages first, as on the slow path, but no driver call follows.
        const transmit = { _tag: "Transmit", vmac: view.mac - o.baseMac, frames } as const
        if (pages > 0) access.op("threadWakeup").next(o.cpu.job(o.ioThread).op("translatePage", pages).op("shadowPage", pages).then(o.nic, transmit))
        else access.then(o.nic, transmit)
      } else {
        // The I/O thread translates the batch's pages, then calls the driver, whose ioctl queues
        // behind the translation on the same thread (Driver.ts): the driver hears of it at the hand-off.
        if (trapped) access.op("threadWakeup")
        if (pages > 0) access.next(o.cpu.job(o.ioThread).op("translatePage", pages).op("shadowPage", pages))
        access.then(o.driver, { _tag: "Tx", vm: o.vm, frames })
      }
    }
    access.submit()
  }

  /**
   * A register write, heard as the guest makes it: `access` continues the guest's work before it on
   * the vCPU thread (the trap), and everything the write causes leaves when that job has run.
   */
  private mmio(s: DeviceModelState, raw: unknown, before: Job): void {
    const isDataDoorbell = this.o.fastDataPath && !this.o.softwareTranslation && typeof raw === "object" && raw !== null && (raw as { _tag?: unknown })._tag === "TxDoorbell"
    // A data doorbell on the fast path does not trap, when an IOMMU lets the card read guest memory by
    // the guest's addresses; without one the host must see each doorbell to translate its buffers.
    const access = isDataDoorbell ? before : this.trap(before)
    const decoded = decodeCardCommand(raw)
    if (Exit.isFailure(decoded)) {
      const tag = typeof raw === "object" && raw !== null && "_tag" in raw ? String(raw._tag) : "unknown"
      this.reject(s, tag, "malformed")
      return this.raiseAfter(s, access)
    }
    const command = decoded.value
    if (command._tag === "ReadPciConfig") {
      // PCI config space is the device model's own: answered locally with the real card's IDs.
      this.stats.emulatedReads++
      s.raised.push({ _tag: "PciConfig", ...CARD_PCI_ID })
      return this.raiseAfter(s, access)
    }
    if (command._tag === "TxDoorbell") return this.doorbell(s, command.count, command.vmac, access, !isDataDoorbell)
    if (command._tag !== "InitCard") {
      const problem = checkVmac(s.view as VmView, command.vmac) ?? (command._tag === "SetRate" ? checkRate(s.view as VmView, command.rateIndex, command.chain) : undefined)
      if (problem !== undefined) {
        this.reject(s, command._tag, problem)
        return this.raiseAfter(s, access)
      }
      if (command._tag === "StartScan") s.scansAsked++
    }
    // The I/O thread takes the command to the driver; the driver's ioctl runs on it (Driver.ts).
    access.op("threadWakeup").then(this.o.driver, { _tag: "Command", vm: this.o.vm, command }).submit()
  }

  /** Raises what the decode found once the access has run. */
  private raiseAfter(s: DeviceModelState, access: Job): void {
    access.then(this.self, { _tag: "Raise", events: this.takeRaised(s) }).submit()
  }
}
