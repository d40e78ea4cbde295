/**
 * One vMAC of the card: a supervised actor, child of the NIC, with its own MAC address, association
 * state, key, rate, TX counters and TX queue. It never touches the air itself: it offers its next
 * burst to the card's one radio (the NIC), which sends one burst at a time for all vMACs and tells
 * the owner how it went. Its mailbox is the TX ring the driver writes to.
 *
 * What a firmware crash loses and keeps: the status registers (`VmacRegisters`: state, BSS, channel,
 * rate, IOMMU domain, TX counters) are the card's and survive; the TX queue is the firmware's and is
 * lost (every frame in it is dropped with reason `vmac-crash` and reported completed). After the
 * restart it reports `FirmwareError` so the driver resets it, as the 5300's firmware-error interrupt
 * makes iwlagn restart the device.
 *
 * Association states (the driver's requests move it; frames from its AP answer):
 * ```
 *   stopped ──Start──▶ idle ──Auth──▶ authenticating ──status 0──▶ authenticated
 *      ▲                ▲                  │ fail                       │ Assoc
 *      └──────Stop──────┴───◀── deauth / beacon loss / fail ◀── associated ◀── associating
 * ```
 */
import { Data, Effect } from "effect"
import type * as Scope from "effect/Scope"
import type { Parent } from "../actor/Actor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { SupervisionPolicy } from "../actor/Supervision.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { Frame, FrameKind, Status } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import { BEACON_LOSS_NS } from "../model/ModelConstants.ts"
import * as ModelActor from "../model/ModelActor.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import type { NicEvent } from "./NicEvent.ts"

/**
 * Frames a vMAC queues at most; more are dropped (`vmac-queue-full`) and reported completed.
 * iwlagn's TX queues hold 256 descriptors (TFD_QUEUE_SIZE_MAX, Linux 2.6.33 iwl-fh.h).
 */
export const VMAC_TX_QUEUE_FRAMES_MAX = 256

export type AssocState = "stopped" | "idle" | "authenticating" | "authenticated" | "associating" | "associated"

/** A vMAC's status registers on the card: what the driver reads back, and what survives a firmware crash. */
export interface VmacRegisters {
  state: AssocState
  bssid: number
  /** The channel of the BSS it joins or has joined (the radio must serve it while it is not idle). */
  channel: number
  iommuDomainBytes: number | undefined
  phy: PhyConfig
  /** TX frames accepted and TX frames completed (sent or dropped): a watchdog compares them. */
  txQueued: number
  txCompleted: number
}

export type VmacMessage = Data.TaggedEnum<{
  Start: { readonly iommuDomainBytes: number | undefined }
  Stop: { readonly reason: string }
  /** The driver resets it (after a firmware error or a TX hang): queued TX is dropped, the association ends. */
  Reset: { readonly reason: string }
  Transmit: { readonly frames: ReadonlyArray<Frame> }
  SetRate: { readonly vm: number; readonly phy: PhyConfig }
  Auth: { readonly bssid: number; readonly channel: number }
  Assoc: { readonly vm: number; readonly bssid: number; readonly ssid: string; readonly passphrase: string | undefined }
  Disassoc: {}
  /** Unicast frames the radio received for this vMAC's address. */
  Heard: { readonly frames: ReadonlyArray<Frame> }
  /** The radio heard a beacon of `bssid`. */
  Beacon: { readonly bssid: number }
  /** The radio's outcome for frames of this vMAC's burst; `done` when the whole burst is settled. */
  TxDone: { readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame>; readonly done: boolean }
  /** Injected: the firmware stops completing TX, silently, until a reset. */
  Hang: {}
  /** Beacon-loss check; the radio sends it only while it is on this vMAC's channel. */
  CheckBeacon: {}
  /** The radio is back on this vMAC's channel after `awayNs` elsewhere (beacons it could not hear). */
  Returned: { readonly awayNs: number }
}>

/** What the card's vMACs report as it happens, for checkers to observe. */
export class CardTraces {
  /** The card reads `frames` out of guest memory by DMA for `vmac`. */
  readonly dmaRead = new TraceSource<[vmac: number, frames: ReadonlyArray<Frame>]>()
  /** A rate-table or key write made on behalf of `vm` is applied to `vmac`. */
  readonly vmacWritten = new TraceSource<[vm: number, vmac: number]>()
}

/** What a vMAC tells the card's radio: an interrupt event to raise, and/or its next burst to send. */
export interface FromVmac {
  readonly _tag: "FromVmac"
  readonly vmac: number
  readonly event: NicEvent | undefined
  /** Frames handed to the radio (ownership moves with them), on `channel`, at `phy`. */
  readonly offer: ReadonlyArray<Frame> | undefined
  readonly channel: number
  readonly phy: PhyConfig
}

/** The firmware's state: lost in a crash, except what points at the registers. */
interface VmacState {
  readonly regs: VmacRegisters
  /** Frames accepted, not yet offered to the radio. */
  queue: Array<Frame>
  /** A burst of its is with the radio (the radio's fact: it survives a crash). */
  offered: boolean
  /** Firmware stuck: data TX is accepted but never completed (held here) until a reset; management still goes. */
  hung: boolean
  held: Array<Frame>
  lastBeaconNs: number
}

export interface VmacOptions {
  readonly index: number
  readonly mac: number
  readonly regs: VmacRegisters
  /** Frames per burst at most (the A-MPDU limit on 802.11n, 1 otherwise). */
  readonly burstFramesMax: number
  readonly ledger: FrameLedger
  readonly traces: CardTraces
  /** The card's radio and interrupt logic. */
  readonly nic: { readonly tellUnsafe: (m: FromVmac) => boolean }
  /** Its parent, the NIC: told if it escalates (crashes past its restart budget). */
  readonly parent: Parent
  /** Restart policy (default: the model actors'). */
  readonly supervision?: SupervisionPolicy | undefined
}

export interface VmacHandle {
  readonly ref: ModelActor.ModelRef<VmacMessage>
  readonly mac: number
  readonly regs: VmacRegisters
}

export const make = Effect.fnUntraced(function*(options: VmacOptions): Effect.fn.Return<VmacHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { regs, ledger, index } = options
  const firmware = new VmacFirmware(kernel, options)
  const ref = yield* ModelActor.makeStateful<VmacMessage, VmacState>({
    name: `vmac-${index}`,
    capacity: 1 << 12,
    initial: () => ({ regs, queue: [], offered: false, hung: false, held: [], lastBeaconNs: kernel.nowNs }),
    handle: (state, msg) => firmware.handle(state, msg),
    parent: options.parent,
    supervision: options.supervision,
    recover: (crashed) => {
      // The firmware's queue is gone with it; the registers and the radio's burst are not.
      const lost = [...crashed.held, ...crashed.queue]
      for (const f of lost) ledger.drop(f, "vmac-crash")
      const state: VmacState = { regs, queue: [], offered: crashed.offered, hung: false, held: [], lastBeaconNs: kernel.nowNs }
      if (lost.length > 0) firmware.completed(state, [], lost)
      if (regs.state !== "stopped") firmware.tell(state, { _tag: "FirmwareError", vmac: index })
      return state
    }
  })
  return { ref, mac: options.mac, regs }
})

/** The vMAC's decisions, on the state the actor runtime holds. */
class VmacFirmware {
  private readonly kernel: Kernel
  private readonly o: VmacOptions
  constructor(kernel: Kernel, options: VmacOptions) {
    this.kernel = kernel
    this.o = options
  }

  handle(s: VmacState, msg: VmacMessage): VmacState {
    const r = s.regs
    switch (msg._tag) {
      case "Transmit":
        this.transmit(s, msg.frames)
        break
      case "TxDone":
        if (msg.done) s.offered = false
        if (msg.delivered.length + msg.dropped.length > 0) this.completed(s, msg.delivered, msg.dropped)
        else this.tell(s, undefined)
        break
      case "Heard":
        this.heard(s, msg.frames)
        break
      case "Beacon":
        if (r.state === "associated" && msg.bssid === r.bssid) s.lastBeaconNs = this.kernel.nowNs
        break
      case "Start":
        r.state = "idle"
        r.iommuDomainBytes = msg.iommuDomainBytes
        s.lastBeaconNs = this.kernel.nowNs
        break
      case "Stop":
        if (r.state === "stopped") break
        this.reset(s, msg.reason)
        r.state = "stopped"
        this.tell(s, { _tag: "VmacStopped", vmac: this.o.index })
        break
      case "Reset":
        if (r.state === "stopped") break
        this.reset(s, msg.reason)
        break
      case "Hang":
        if (r.state !== "stopped") s.hung = true
        break
      case "SetRate":
        if (r.state === "stopped") break
        this.o.traces.vmacWritten.fire(msg.vm, this.o.index)
        r.phy = msg.phy
        break
      case "Auth":
        if (r.state === "stopped") break
        r.state = "authenticating"
        r.bssid = msg.bssid
        r.channel = msg.channel
        this.sendManagement(s, FrameKind.Auth, undefined)
        break
      case "Assoc": {
        if (r.state !== "authenticated" || r.bssid !== msg.bssid) break
        r.state = "associating"
        this.o.traces.vmacWritten.fire(msg.vm, this.o.index) // the key (passphrase) is installed for this vMAC
        this.sendManagement(s, FrameKind.AssocRequest, msg.passphrase === undefined ? { ssid: msg.ssid } : { ssid: msg.ssid, passphrase: msg.passphrase })
        break
      }
      case "Disassoc":
        if (r.state === "stopped") break
        if (r.state === "associated") this.sendManagement(s, FrameKind.Deauth, undefined)
        r.state = "idle"
        break
      case "CheckBeacon":
        if (r.state === "associated" && this.kernel.nowNs - s.lastBeaconNs > BEACON_LOSS_NS) {
          r.state = "idle"
          this.tell(s, { _tag: "Disconnected", vmac: this.o.index, reason: "beacon-loss" })
        }
        break
      case "Returned":
        s.lastBeaconNs += msg.awayNs
        break
    }
    return s
  }

  /** TX frames of this vMAC are done (sent or dropped): count them and tell the driver. */
  completed(s: VmacState, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void {
    // Only data counts: management frames the card sends on its own were never queued by a driver.
    for (const f of delivered) if (f.kind === FrameKind.Data) s.regs.txCompleted++
    for (const f of dropped) if (f.kind === FrameKind.Data) s.regs.txCompleted++
    // A stopped vMAC's completions are counted but not signalled: nobody may read its events now.
    this.tell(s, s.regs.state === "stopped" ? undefined : { _tag: "TxStatus", vmac: this.o.index, delivered, dropped })
  }

  /** Tells the radio `event` (if any) and, when it holds no burst of ours, offers the next one. */
  tell(s: VmacState, event: NicEvent | undefined): void {
    let offer: Array<Frame> | undefined
    if (!s.offered && s.queue.length > 0) {
      offer = this.takeBurst(s)
      s.offered = true
    }
    if (event === undefined && offer === undefined) return
    this.o.nic.tellUnsafe({ _tag: "FromVmac", vmac: this.o.index, event, offer, channel: s.regs.channel, phy: s.regs.phy })
  }

  /** The head frame, and on 802.11n the following frames to the same receiver and of the same size (one A-MPDU). */
  private takeBurst(s: VmacState): Array<Frame> {
    const q = s.queue
    const head = q[0]!
    let n = 1
    if (head.kind === FrameKind.Data) {
      while (n < this.o.burstFramesMax && n < q.length && q[n]!.kind === FrameKind.Data && q[n]!.ra === head.ra && q[n]!.payloadBytes === head.payloadBytes) n++
    }
    return q.splice(0, n)
  }

  private transmit(s: VmacState, frames: ReadonlyArray<Frame>): void {
    const r = s.regs
    const { ledger } = this.o
    if (r.state === "stopped") {
      for (const f of frames) ledger.drop(f, "vmac-stopped")
      return
    }
    let ok: ReadonlyArray<Frame> = frames
    if (r.iommuDomainBytes !== undefined) {
      // The IOMMU refuses DMA outside the VM's domain: the frame never leaves the card.
      const domain = r.iommuDomainBytes
      const faulted = frames.filter((f) => f.dmaEnd > domain)
      if (faulted.length > 0) {
        for (const f of faulted) ledger.drop(f, "dma-fault")
        ok = frames.filter((f) => f.dmaEnd <= domain)
        this.tell(s, { _tag: "DmaFault", vmac: this.o.index, frames: faulted.length })
      }
    }
    if (ok.length === 0) return
    this.o.traces.dmaRead.fire(this.o.index, ok) // what the card actually reads out of guest memory
    r.txQueued += ok.length
    if (s.hung) {
      for (const f of ok) s.held.push(f)
      return
    }
    if (r.state !== "associated") {
      for (const f of ok) ledger.drop(f, "not-associated")
      this.completed(s, [], ok)
      return
    }
    const full: Array<Frame> = []
    for (const f of ok) {
      f.ra = r.bssid // uplink data goes to the AP, which bridges it to its destination
      f.bssid = r.bssid
      if (s.queue.length < VMAC_TX_QUEUE_FRAMES_MAX) s.queue.push(f)
      else full.push(f)
    }
    for (const f of full) ledger.drop(f, "vmac-queue-full")
    if (full.length > 0) this.completed(s, [], full)
    else this.tell(s, undefined)
  }

  /** A management frame to the vMAC's BSS, ahead of its queued data (as mac80211 queues management). */
  private sendManagement(s: VmacState, kind: FrameKind, info: Frame["info"]): void {
    const f = new Frame(this.o.ledger.nextFrameId(), kind, this.o.mac, s.regs.bssid, s.regs.bssid)
    f.createdNs = this.kernel.nowNs
    f.info = info
    this.o.ledger.register(f)
    s.queue.unshift(f)
    this.tell(s, undefined)
  }

  /** Back to a clean, idle vMAC: held and queued TX dropped (and reported), the association ended. */
  private reset(s: VmacState, reason: string): void {
    const r = s.regs
    const lost = [...s.held, ...s.queue]
    s.held = []
    s.queue = []
    s.hung = false
    for (const f of lost) this.o.ledger.drop(f, reason)
    if (lost.length > 0) this.completed(s, [], lost)
    // The radio drops what it holds of ours (the NIC saw the reset first) and reports it as TxDone.
    if (r.state === "associated") this.sendManagement(s, FrameKind.Deauth, undefined)
    const was = r.state
    r.state = "idle"
    r.bssid = 0
    if (was !== "idle" && reason !== "vm-gone") this.tell(s, { _tag: "Disconnected", vmac: this.o.index, reason: "vmac-reset" })
  }

  private heard(s: VmacState, frames: ReadonlyArray<Frame>): void {
    const r = s.regs
    const { ledger } = this.o
    const data: Array<Frame> = []
    for (const f of frames) {
      switch (f.kind) {
        case FrameKind.Auth:
          ledger.deliver(f)
          if (r.state === "authenticating" && f.src === r.bssid) {
            const status = f.info?.status ?? Status.Unspecified
            r.state = status === Status.Success ? "authenticated" : "idle"
            this.tell(s, { _tag: "AuthResult", vmac: this.o.index, status })
          }
          break
        case FrameKind.AssocResponse:
          ledger.deliver(f)
          if (r.state === "associating" && f.src === r.bssid) {
            const status = f.info?.status ?? Status.Unspecified
            r.state = status === Status.Success ? "associated" : "idle"
            s.lastBeaconNs = this.kernel.nowNs
            this.tell(s, { _tag: "AssocResult", vmac: this.o.index, status })
          }
          break
        case FrameKind.Deauth:
          ledger.deliver(f)
          if (r.state === "associated" && f.src === r.bssid) {
            r.state = "idle"
            this.tell(s, { _tag: "Disconnected", vmac: this.o.index, reason: "deauthenticated" })
          }
          break
        case FrameKind.Data:
          // The hardware RX filter: only frames of its own BSS to an associated vMAC are kept.
          if (r.state === "associated" && f.dst === this.o.mac && f.bssid === r.bssid) data.push(f)
          else ledger.drop(f, "rx-filter")
          break
        default:
          ledger.drop(f, "rx-filter")
      }
    }
    if (data.length > 0) this.tell(s, { _tag: "Rx", vmac: this.o.index, frames: data })
  }
}
