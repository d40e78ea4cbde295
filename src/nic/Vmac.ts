/**
 * One vMAC of the card: a supervised actor, child of the NIC, with its own MAC address, association
 * state, key, rate and TX counters. Its mailbox is its TX queue as the driver fills it: each batch
 * it takes is checked (state, IOMMU domain) and handed to its TX ring on the card (`TxRings.ts`),
 * from which the card's one radio sends, one burst at a time for all vMACs, and reports completions.
 * It never touches the air itself.
 *
 * What a firmware crash loses and keeps: the status registers (`VmacRegisters`: state, BSS, channel,
 * rate, IOMMU domain, TX counters) and the TX ring are the card's and survive; frames a hung
 * firmware was holding are lost (dropped as `vmac-crash` and reported completed). After the restart
 * it reports `FirmwareError` so the driver resets it, as the 5300's firmware-error interrupt makes
 * iwlagn restart the device.
 *
 * Association states (the driver's requests move it; frames from its AP answer):
 * ```
 *   stopped ──Start──▶ idle ──Auth──▶ authenticating ──status 0──▶ authenticated
 *      ▲                ▲                  │ fail                       │ Assoc
 *      └──────Stop──────┴───◀── deauth / beacon loss / fail ◀── associated ◀── associating
 * ```
 */
import { managementBodyBytes, utf8Bytes } from "../air/FrameBytes.ts"
import { Data, Effect } from "effect"
import type * as Scope from "effect/Scope"
import type { Parent } from "../actor/Actor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Port } from "../actor/Port.ts"
import type { SupervisionPolicy } from "../actor/Supervision.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { Frame, FrameKind, Status } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { BEACON_LOSS_NS } from "../vocabulary/ModelConstants.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"

export type AssocState = "stopped" | "idle" | "authenticating" | "authenticated" | "associating" | "associated"

/** A vMAC's status registers on the card: what the driver reads back, and what survives a firmware crash. */
export interface VmacRegisters {
  state: AssocState
  bssid: number
  /** The channel of the BSS it joins or has joined (the radio must serve it while it is not idle). */
  channel: number
  iommuDomainBytes: number | undefined
  phy: PhyConfig
  /** A pairwise key is installed (the last association was to an RSN): its data frames are CCMP-protected. */
  keyInstalled: boolean
  /** TX frames accepted and TX frames completed (sent or dropped): a watchdog compares them. */
  txQueued: number
  txCompleted: number
}

export type VmacMessage = Data.TaggedEnum<{
  Start: { readonly iommuDomainBytes: number | undefined }
  Stop: { readonly reason: string }
  /** The driver resets it (after a firmware error or a TX hang): the association ends (the card drops its ring). */
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
  /** Injected: the firmware stops completing TX, silently, until a reset. */
  Hang: {}
  /** Beacon-loss check; the radio sends it only while it is on this vMAC's channel. */
  CheckBeacon: {}
  /** The radio is back on this vMAC's channel after `awayNs` elsewhere (beacons it could not hear). */
  Returned: { readonly awayNs: number }
}>

/** What a vMAC tells the card: an interrupt event to raise, and/or frames for its TX ring. */
export interface FromVmac {
  readonly _tag: "FromVmac"
  readonly vmac: number
  readonly event: NicEvent | undefined
  /** Frames for its ring, to go out on `channel` at `phy`; `urgent`: ahead of its queued data (management). */
  readonly frames: ReadonlyArray<Frame> | undefined
  readonly urgent: boolean
  readonly channel: number
  readonly phy: PhyConfig
}

/**
 * TX frames of vMAC `vmac` are done (sent or dropped): counts them in its registers and returns the
 * `TxStatus` event to raise, or undefined for a stopped vMAC (nobody may read its events now). Only
 * data counts: management frames the card sends on its own were never queued by a driver.
 */
export const txCompleted = (regs: VmacRegisters, vmac: number, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): NicEvent | undefined => {
  for (const f of delivered) if (f.kind === FrameKind.Data) regs.txCompleted++
  for (const f of dropped) if (f.kind === FrameKind.Data) regs.txCompleted++
  return regs.state === "stopped" ? undefined : { _tag: "TxStatus", vmac, delivered, dropped }
}

/** What the card's vMACs report as it happens, for checkers to observe. */
export class CardTraces {
  /** The card reads `frames` out of guest memory by DMA for `vmac`. */
  readonly dmaRead = new TraceSource<number, ReadonlyArray<Frame>>()
  /** A rate-table or key write made on behalf of `vm` is applied to `vmac`. */
  readonly vmacWritten = new TraceSource<number, number>()
}

/** The firmware's state: lost in a crash, except what points at the registers. */
interface VmacState {
  readonly regs: VmacRegisters
  /** Firmware stuck: data TX is accepted but never completed (held here) until a reset; management still goes. */
  hung: boolean
  held: Array<Frame>
  lastBeaconNs: number
}

export interface VmacOptions {
  readonly index: number
  readonly mac: number
  readonly regs: VmacRegisters
  readonly ledger: FrameLedger
  readonly traces: CardTraces
  /** The card's radio and interrupt logic. */
  readonly nic: Port<FromVmac>
  /** Its parent, the NIC: told if it escalates (crashes past its restart budget). */
  readonly parent: Parent
  /** Restart policy (default: the model actors'). */
  readonly supervision?: SupervisionPolicy | undefined
  /** Its links use WMM (QoS): what its association request advertises. */
  readonly qos: boolean
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
    initial: () => ({ regs, hung: false, held: [], lastBeaconNs: kernel.nowNs }),
    handle: (state, msg) => firmware.handle(state, msg),
    parent: options.parent,
    supervision: options.supervision,
    recover: (crashed) => {
      // What the hung firmware held is gone with it; the registers and the TX ring are not.
      for (const f of crashed.held) ledger.drop(f, "vmac-crash")
      if (crashed.held.length > 0) firmware.completed([], crashed.held)
      if (regs.state !== "stopped") firmware.tell({ _tag: "FirmwareError", vmac: index })
      return { regs, hung: false, held: [], lastBeaconNs: kernel.nowNs }
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
        for (const f of msg.frames) if (f.txPath !== undefined) f.txPath.vmacNs = this.kernel.nowNs
        this.transmit(s, msg.frames)
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
        this.tell({ _tag: "VmacStopped", vmac: this.o.index })
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
      case "Assoc":
        if (r.state !== "authenticated" || r.bssid !== msg.bssid) break
        r.state = "associating"
        this.o.traces.vmacWritten.fire(msg.vm, this.o.index) // the key (passphrase) is installed for this vMAC
        r.keyInstalled = msg.passphrase !== undefined
        this.sendManagement(s, FrameKind.AssocRequest, msg.passphrase === undefined ? { ssid: msg.ssid } : { ssid: msg.ssid, passphrase: msg.passphrase })
        break
      case "Disassoc":
        if (r.state === "stopped") break
        if (r.state === "associated") this.sendManagement(s, FrameKind.Deauth, undefined)
        r.state = "idle"
        break
      case "CheckBeacon":
        if (r.state === "associated" && this.kernel.nowNs - s.lastBeaconNs > BEACON_LOSS_NS) {
          r.state = "idle"
          this.tell({ _tag: "Disconnected", vmac: this.o.index, reason: "beacon-loss" })
        }
        break
      case "Returned":
        s.lastBeaconNs += msg.awayNs
        break
    }
    return s
  }

  /** Raises `event` on the card. */
  tell(event: NicEvent): void {
    const r = this.o.regs
    this.o.nic.tellUnsafe({ _tag: "FromVmac", vmac: this.o.index, event, frames: undefined, urgent: false, channel: r.channel, phy: r.phy })
  }

  /** TX frames that never reach the ring are done (dropped): count them and tell the driver. */
  completed(delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void {
    const event = txCompleted(this.o.regs, this.o.index, delivered, dropped)
    if (event !== undefined) this.tell(event)
  }

  private toRing(frames: ReadonlyArray<Frame>, urgent: boolean): void {
    const r = this.o.regs
    this.o.nic.tellUnsafe({ _tag: "FromVmac", vmac: this.o.index, event: undefined, frames, urgent, channel: r.channel, phy: r.phy })
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
        this.tell({ _tag: "DmaFault", vmac: this.o.index, frames: faulted.length })
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
      this.completed([], ok)
      return
    }
    for (const f of ok) {
      f.ra = r.bssid // uplink data goes to the AP, which bridges it to its destination
      f.bssid = r.bssid
      f.protected = r.keyInstalled
    }
    this.toRing(ok, false)
  }

  /** A management frame to the vMAC's BSS, ahead of its queued data (as mac80211 queues management). */
  private sendManagement(s: VmacState, kind: FrameKind, info: Frame["info"]): void {
    const f = new Frame(this.o.ledger.nextFrameId(), kind, this.o.mac, s.regs.bssid, s.regs.bssid)
    f.createdNs = this.kernel.nowNs
    f.info = info
    f.payloadBytes = managementBodyBytes(kind, {
      ssidBytes: utf8Bytes(info?.ssid ?? ""), rsn: info?.passphrase !== undefined, ht: s.regs.phy.standard === "802.11n", wmm: this.o.qos
    })
    this.o.ledger.register(f)
    this.toRing([f], true)
  }

  /** Back to a clean, idle vMAC: held TX dropped (and reported), the association ended. The card drops its ring. */
  private reset(s: VmacState, reason: string): void {
    const r = s.regs
    const held = s.held
    s.held = []
    s.hung = false
    for (const f of held) this.o.ledger.drop(f, reason)
    if (held.length > 0) this.completed([], held)
    if (r.state === "associated") this.sendManagement(s, FrameKind.Deauth, undefined)
    const was = r.state
    r.state = "idle"
    r.bssid = 0
    if (was !== "idle" && reason !== "vm-gone") this.tell({ _tag: "Disconnected", vmac: this.o.index, reason: "vmac-reset" })
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
            this.tell({ _tag: "AuthResult", vmac: this.o.index, status })
          }
          break
        case FrameKind.AssocResponse:
          ledger.deliver(f)
          if (r.state === "associating" && f.src === r.bssid) {
            const status = f.info?.status ?? Status.Unspecified
            r.state = status === Status.Success ? "associated" : "idle"
            s.lastBeaconNs = this.kernel.nowNs
            this.tell({ _tag: "AssocResult", vmac: this.o.index, status })
          }
          break
        case FrameKind.Deauth:
          ledger.deliver(f)
          if (r.state === "associated" && f.src === r.bssid) {
            r.state = "idle"
            this.tell({ _tag: "Disconnected", vmac: this.o.index, reason: "deauthenticated" })
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
    if (data.length > 0) this.tell({ _tag: "Rx", vmac: this.o.index, frames: data })
  }
}
