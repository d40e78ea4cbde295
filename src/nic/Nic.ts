/**
 * The physical WiFi card: K vMACs (each its own MAC address, association, key and TX queue, i.e. its
 * own station on the air), one radio on one channel at a time, DMA (through an IOMMU when one is
 * configured), and an interrupt line to the driver that owns it.
 *
 * Events that happen at one instant share one interrupt: the first event raises it for the end of
 * the instant, and the driver gets them as one batch.
 *
 * vMAC association states:
 * ```
 *   stopped ──StartVmac──▶ idle ──AuthRequest──▶ authenticating ──status 0──▶ authenticated
 *      ▲                    ▲                          │ fail                        │ AssocRequest
 *      └──────StopVmac──────┴────◀── deauth / beacon loss / fail ◀── associated ◀───┘
 * ```
 */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import type * as Actor from "../actor/Actor.ts"
import * as ModelActor from "../model/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import * as Air from "../air/Air.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { Station } from "../air/Station.ts"
import { initialCw } from "../air/Backoff.ts"
import { timingsFor } from "../air/Timing.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { ScanResult } from "../model/CardEvent.ts"
import { BROADCAST, Frame, FrameKind, Status } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import { SCANNER_MAC_OFFSET } from "../scenario/AddressPlan.ts"
import { BEACON_CHECK_PERIOD_NS, BEACON_LOSS_NS, MAX_AMPDU_FRAMES } from "../model/ModelConstants.ts"
import type { NicEvent } from "./NicEvent.ts"
import type { InvariantMonitor } from "../fault/InvariantMonitor.ts"

export type NicMessage =
  | { readonly _tag: "StartVmac"; readonly vmac: number; readonly iommuDomainBytes: number | undefined }
  | { readonly _tag: "StopVmac"; readonly vmac: number; readonly reason: string }
  | { readonly _tag: "Transmit"; readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "SetVmacRate"; readonly vmac: number; readonly vm: number; readonly phy: PhyConfig }
  | { readonly _tag: "Scan"; readonly channels: ReadonlyArray<number>; readonly dwellNs: number }
  | { readonly _tag: "AuthRequest"; readonly vmac: number; readonly bssid: number; readonly channel: number }
  | { readonly _tag: "AssocRequest"; readonly vmac: number; readonly vm: number; readonly bssid: number; readonly ssid: string; readonly passphrase: string | undefined }
  | { readonly _tag: "Disassoc"; readonly vmac: number }
  | { readonly _tag: "Heard"; readonly station: Station; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "Sent"; readonly station: Station; readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame> }
  | { readonly _tag: "ScanStep" }
  | { readonly _tag: "RaiseIrq" }
  | { readonly _tag: "BeaconCheck" }
  /** The driver resets one vMAC (after a firmware error or a TX hang): queued TX is dropped, the association ends. */
  | { readonly _tag: "ResetVmac"; readonly vmac: number; readonly reason: string }
  /** Injected faults: a vMAC's firmware crashes (and says so) or hangs (silently); interrupts misbehave. */
  | { readonly _tag: "FirmwareFault"; readonly vmac: number; readonly silent: boolean }
  | { readonly _tag: "IrqFault"; readonly action: IrqFaultAction; readonly count: number; readonly delayNs: number }

export type IrqFaultAction = "drop" | "duplicate" | "delay"

export type AssocState = "stopped" | "idle" | "authenticating" | "authenticated" | "associating" | "associated"

interface Vmac {
  readonly index: number
  readonly station: Station
  state: AssocState
  bssid: number
  iommuDomainBytes: number | undefined
  lastBeaconNs: number
  /** Firmware stuck: TX is accepted but never completed (held here) until a reset. */
  hung: boolean
  held: Array<Frame>
  /** TX frames accepted and TX frames completed (sent or dropped): a watchdog compares them. */
  txQueued: number
  txCompleted: number
}

/** What a driver reads of one vMAC from the card's registers (it survives a driver crash). */
export interface VmacRegisters {
  readonly state: AssocState
  readonly bssid: number
  readonly txQueued: number
  readonly txCompleted: number
}

export interface NicOptions {
  readonly vmacs: number
  /** MAC of vMAC 0; vMAC i is base + i (locally administered addresses). */
  readonly baseMac: number
  readonly homeChannel: number
  readonly phy: PhyConfig
  readonly air: Air.AirHandle
  readonly ledger: FrameLedger
  /** Where interrupts go: the driver that owns the card. */
  readonly interrupt: (events: ReadonlyArray<NicEvent>) => void
  readonly monitor: InvariantMonitor
}

export interface NicStats {
  interrupts: number
  dmaFaults: number
  scans: number
  /** Interrupts lost, doubled or held back by injected faults. */
  irqsDropped: number
  irqsDuplicated: number
  irqsDelayed: number
  vmacResets: number
}

export interface NicHandle {
  readonly ref: ModelActor.ModelRef<NicMessage>
  readonly macOf: (vmac: number) => number
  readonly stats: NicStats
  /** A register read of one vMAC's state and TX counters. */
  readonly registers: (vmac: number) => VmacRegisters
  /**
   * Reads and clears the card's event status: events no interrupt has delivered yet (one was lost, or
   * is held back). A driver's periodic poll calls it; `sinceNs` is when the oldest was raised.
   */
  readonly poll: () => { readonly events: ReadonlyArray<NicEvent>; readonly sinceNs: number }
}


export const make = Effect.fnUntraced(function*(options: NicOptions): Effect.fn.Return<NicHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { air, ledger } = options
  const stats: NicStats = { interrupts: 0, dmaFaults: 0, scans: 0, irqsDropped: 0, irqsDuplicated: 0, irqsDelayed: 0, vmacResets: 0 }
  let self: ModelActor.ModelRef<NicMessage> | undefined
  // The card's event status: raised, not yet delivered by an interrupt or read by a poll.
  let pending: Array<NicEvent> = []
  let pendingSinceNs = 0
  let irqRaised = false
  const irqFaults: Array<{ readonly action: IrqFaultAction; readonly delayNs: number }> = []
  const cwMin = initialCw(timingsFor(options.phy))

  const owner = (vmac: number | undefined) => ({
    received: (station: Station, frames: ReadonlyArray<Frame>) => self!.tellUnsafe({ _tag: "Heard", station, frames }),
    sent: (station: Station, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>) =>
      vmac === undefined ? undefined : self!.tellUnsafe({ _tag: "Sent", station, delivered, dropped })
  })

  const vmacs: Array<Vmac> = []
  for (let i = 0; i < options.vmacs; i++) {
    const station = new Station({
      name: `vmac-${i}`, mac: options.baseMac + i, channel: options.homeChannel, phy: options.phy,
      receivesBroadcast: true, maxAggregate: options.phy.standard === "802.11n" ? MAX_AMPDU_FRAMES : 1, cwMin, owner: owner(i)
    })
    station.enabled = false
    vmacs.push({ index: i, station, state: "stopped", bssid: 0, iommuDomainBytes: undefined, lastBeaconNs: 0, hung: false, held: [], txQueued: 0, txCompleted: 0 })
  }
  // The scanner: the card's own address, used for probe requests while scanning.
  const scanner = new Station({
    name: "scanner", mac: options.baseMac + SCANNER_MAC_OFFSET, channel: options.homeChannel, phy: options.phy,
    receivesBroadcast: true, maxAggregate: 1, cwMin, owner: owner(undefined)
  })
  scanner.enabled = false
  for (const v of vmacs) air.ref.tellUnsafe(new Air.Attach(v.station, true))
  air.ref.tellUnsafe(new Air.Attach(scanner, true))

  let scan: { channels: ReadonlyArray<number>; next: number; dwellNs: number; results: Map<number, ScanResult> } | undefined

  const raise = (event: NicEvent): void => {
    if (pending.length === 0) pendingSinceNs = kernel.nowNs
    pending.push(event)
    if (!irqRaised) {
      irqRaised = true
      self!.tellUnsafe({ _tag: "RaiseIrq" })
    }
  }

  const mgmt = (kind: FrameKind, from: Vmac | Station, bssid: number): Frame => {
    const station = from instanceof Station ? from : from.station
    const frame = new Frame(ledger.nextFrameId(), kind, station.mac, bssid, bssid)
    frame.createdNs = kernel.nowNs
    ledger.register(frame)
    return frame
  }

  const vmacByStation = (station: Station): Vmac | undefined => vmacs.find((v) => v.station === station)

  const noteScanResult = (frame: Frame): void => {
    if (scan === undefined || frame.info?.ssid === undefined) return
    scan.results.set(frame.src, {
      bssid: frame.src,
      ssid: frame.info.ssid,
      channel: frame.info.channel ?? scanner.channel,
      signalDbm: frame.info.signalDbm ?? -50
    })
  }

  const heard = (station: Station, frames: ReadonlyArray<Frame>): void => {
    const v = vmacByStation(station)
    const data: Array<Frame> = []
    for (const f of frames) {
      switch (f.kind) {
        case FrameKind.Beacon: // broadcast: its sender accounted for it
          noteScanResult(f)
          if (v !== undefined && v.state === "associated" && f.src === v.bssid) v.lastBeaconNs = kernel.nowNs
          break
        case FrameKind.ProbeResponse:
          noteScanResult(f)
          ledger.deliver(f)
          break
        case FrameKind.Auth:
          ledger.deliver(f)
          if (v !== undefined && v.state === "authenticating" && f.src === v.bssid) {
            const status = f.info?.status ?? Status.Unspecified
            v.state = status === Status.Success ? "authenticated" : "idle"
            raise({ _tag: "AuthResult", vmac: v.index, status })
          }
          break
        case FrameKind.AssocResponse:
          ledger.deliver(f)
          if (v !== undefined && v.state === "associating" && f.src === v.bssid) {
            const status = f.info?.status ?? Status.Unspecified
            v.state = status === Status.Success ? "associated" : "idle"
            v.lastBeaconNs = kernel.nowNs
            raise({ _tag: "AssocResult", vmac: v.index, status })
          }
          break
        case FrameKind.Deauth:
          ledger.deliver(f)
          if (v !== undefined && v.state === "associated" && f.src === v.bssid) {
            v.state = "idle"
            raise({ _tag: "Disconnected", vmac: v.index, reason: "deauthenticated" })
          }
          break
        case FrameKind.Data:
          // The hardware RX filter: only frames of its own BSS addressed to an up, associated vMAC are kept.
          if (v !== undefined && v.state === "associated" && f.dst === v.station.mac && f.bssid === v.bssid) data.push(f)
          else ledger.drop(f, "rx-filter")
          break
        default:
          ledger.drop(f, "rx-filter")
      }
    }
    if (v !== undefined && data.length > 0) raise({ _tag: "Rx", vmac: v.index, frames: data })
  }

  const scanStep = (): void => {
    if (scan === undefined) return
    if (scan.next < scan.channels.length) {
      const channel = scan.channels[scan.next++]!
      air.ref.tellUnsafe(new Air.Tune([scanner], channel))
      const probe = mgmt(FrameKind.ProbeRequest, scanner, BROADCAST)
      air.ref.tellUnsafe(new Air.Enqueue(scanner, [probe]))
      kernel.setTimer(kernel.nowNs + scan.dwellNs, () => self!.tellUnsafe({ _tag: "ScanStep" }))
      return
    }
    const results = [...scan.results.values()].sort((a, b) => a.bssid - b.bssid)
    scan = undefined
    scanner.enabled = false
    air.ref.tellUnsafe(new Air.Tune([scanner], options.homeChannel))
    air.ref.tellUnsafe(new Air.Pause(vmacs.map((v) => v.station), false))
    raise({ _tag: "ScanComplete", results })
  }

  /** TX frames of `v` are done (sent or dropped): count them and tell the driver. */
  const completed = (v: Vmac, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void => {
    // Only data counts: management frames the card sends on its own were never queued by a driver.
    for (const f of delivered) if (f.kind === FrameKind.Data) v.txCompleted++
    for (const f of dropped) if (f.kind === FrameKind.Data) v.txCompleted++
    raise({ _tag: "TxStatus", vmac: v.index, delivered, dropped })
  }

  /** Back to a clean, idle vMAC: held and queued TX dropped (and reported), the association ended. */
  const reset = (v: Vmac, reason: string): void => {
    if (v.held.length > 0) {
      const held = v.held
      v.held = []
      for (const f of held) ledger.drop(f, reason)
      completed(v, [], held)
    }
    v.hung = false
    if (v.state === "associated") air.ref.tellUnsafe(new Air.Enqueue(v.station, [mgmt(FrameKind.Deauth, v, v.bssid)]))
    air.ref.tellUnsafe(new Air.Flush(v.station, reason))
    const was = v.state
    v.state = "idle"
    v.bssid = 0
    if (was !== "idle" && was !== "stopped" && reason !== "vm-gone") raise({ _tag: "Disconnected", vmac: v.index, reason: "vmac-reset" })
  }

  const handle = (msg: NicMessage): void => {
    switch (msg._tag) {
      case "Transmit": {
        const v = vmacs[msg.vmac]
        if (v === undefined || v.state === "stopped") {
          for (const f of msg.frames) ledger.drop(f, "vmac-stopped")
          return
        }
        let ok: ReadonlyArray<Frame> = msg.frames
        if (v.iommuDomainBytes !== undefined) {
          // The IOMMU refuses DMA outside the VM's domain: the frame never leaves the card.
          const domain = v.iommuDomainBytes
          const faulted = msg.frames.filter((f) => f.dmaEnd > domain)
          if (faulted.length > 0) {
            stats.dmaFaults += faulted.length
            for (const f of faulted) ledger.drop(f, "dma-fault")
            ok = msg.frames.filter((f) => f.dmaEnd <= domain)
            raise({ _tag: "DmaFault", vmac: v.index, frames: faulted.length })
          }
        }
        if (ok.length === 0) return
        options.monitor.transmitted(v.index, ok) // what the card actually reads out of guest memory
        v.txQueued += ok.length
        if (v.hung) {
          for (const f of ok) v.held.push(f)
          return
        }
        if (v.state !== "associated") {
          for (const f of ok) ledger.drop(f, "not-associated")
          completed(v, [], ok)
          return
        }
        for (const f of ok) {
          f.ra = v.bssid // uplink data goes to the AP, which bridges it to its destination
          f.bssid = v.bssid
        }
        air.ref.tellUnsafe(new Air.Enqueue(v.station, ok))
        return
      }
      case "Sent": {
        const v = vmacByStation(msg.station)
        if (v === undefined) return
        completed(v, msg.delivered, msg.dropped)
        return
      }
      case "Heard":
        heard(msg.station, msg.frames)
        return
      case "StartVmac": {
        const v = vmacs[msg.vmac]
        if (v === undefined) return
        v.state = "idle"
        v.iommuDomainBytes = msg.iommuDomainBytes
        v.station.enabled = true
        return
      }
      case "StopVmac": {
        const v = vmacs[msg.vmac]
        if (v === undefined) return
        reset(v, msg.reason)
        v.state = "stopped"
        v.station.enabled = false
        // Events for it that no interrupt has delivered yet are void: nobody may read them now.
        pending = pending.filter((e) => {
          if (!("vmac" in e) || e.vmac !== v.index) return true
          if (e._tag === "Rx") for (const f of e.frames) ledger.drop(f, msg.reason)
          return false
        })
        raise({ _tag: "VmacStopped", vmac: v.index })
        return
      }
      case "ResetVmac": {
        const v = vmacs[msg.vmac]
        if (v === undefined || v.state === "stopped") return
        stats.vmacResets++
        reset(v, msg.reason)
        return
      }
      case "FirmwareFault": {
        const v = vmacs[msg.vmac]
        if (v === undefined || v.state === "stopped") return
        v.hung = true
        if (!msg.silent) raise({ _tag: "FirmwareError", vmac: v.index })
        return
      }
      case "IrqFault":
        for (let i = 0; i < msg.count; i++) irqFaults.push({ action: msg.action, delayNs: msg.delayNs })
        return
      case "SetVmacRate": {
        const v = vmacs[msg.vmac]
        if (v === undefined) return
        options.monitor.wrote(msg.vm, v.index)
        v.station.phy = msg.phy
        return
      }
      case "Scan": {
        if (scan !== undefined) return // one radio: the driver consolidates; a second request waits for this one
        stats.scans++
        scan = { channels: msg.channels, next: 0, dwellNs: msg.dwellNs, results: new Map() }
        scanner.enabled = true
        air.ref.tellUnsafe(new Air.Pause(vmacs.map((v) => v.station), true))
        scanStep()
        return
      }
      case "ScanStep":
        scanStep()
        return
      case "AuthRequest": {
        const v = vmacs[msg.vmac]
        if (v === undefined || v.state === "stopped") return
        v.state = "authenticating"
        v.bssid = msg.bssid
        if (v.station.channel !== msg.channel) air.ref.tellUnsafe(new Air.Tune([v.station], msg.channel))
        air.ref.tellUnsafe(new Air.Enqueue(v.station, [mgmt(FrameKind.Auth, v, msg.bssid)]))
        return
      }
      case "AssocRequest": {
        const v = vmacs[msg.vmac]
        if (v === undefined || v.state !== "authenticated" || v.bssid !== msg.bssid) return
        v.state = "associating"
        options.monitor.wrote(msg.vm, v.index) // the key (passphrase) is installed for this vMAC
        const f = mgmt(FrameKind.AssocRequest, v, msg.bssid)
        f.info = msg.passphrase === undefined ? { ssid: msg.ssid } : { ssid: msg.ssid, passphrase: msg.passphrase }
        air.ref.tellUnsafe(new Air.Enqueue(v.station, [f]))
        return
      }
      case "Disassoc": {
        const v = vmacs[msg.vmac]
        if (v === undefined || v.state === "stopped") return
        if (v.state === "associated") air.ref.tellUnsafe(new Air.Enqueue(v.station, [mgmt(FrameKind.Deauth, v, v.bssid)]))
        v.state = "idle"
        return
      }
      case "RaiseIrq": {
        irqRaised = false
        if (pending.length === 0) return
        const fault = irqFaults.shift()
        if (fault?.action === "drop") {
          stats.irqsDropped++ // the events stay in the status registers, for a poll to find
          return
        }
        if (fault?.action === "delay") {
          stats.irqsDelayed++
          irqRaised = true // the line is held: later events join this interrupt
          kernel.setTimer(kernel.nowNs + fault.delayNs, () => self!.tellUnsafe({ _tag: "RaiseIrq" }))
          return
        }
        const events = pending
        pending = []
        stats.interrupts++
        options.interrupt(events)
        if (fault?.action === "duplicate") {
          // A spurious second interrupt: the driver finds the status already read.
          stats.irqsDuplicated++
          options.interrupt([])
        }
        return
      }
      case "BeaconCheck": {
        if (scan === undefined) {
          for (const v of vmacs) {
            if (v.state === "associated" && kernel.nowNs - v.lastBeaconNs > BEACON_LOSS_NS) {
              v.state = "idle"
              raise({ _tag: "Disconnected", vmac: v.index, reason: "beacon-loss" })
            }
          }
        }
        kernel.setTimer(kernel.nowNs + BEACON_CHECK_PERIOD_NS, () => self!.tellUnsafe({ _tag: "BeaconCheck" }))
        return
      }
    }
  }

  const ref = yield* ModelActor.make<NicMessage>("nic", 1 << 16, handle)
  self = ref
  ref.tellUnsafe({ _tag: "BeaconCheck" })
  return {
    ref,
    macOf: (vmac) => options.baseMac + vmac,
    stats,
    registers: (vmac) => {
      const v = vmacs[vmac]!
      return { state: v.state, bssid: v.bssid, txQueued: v.txQueued, txCompleted: v.txCompleted }
    },
    poll: () => {
      const events = pending
      pending = []
      return { events, sinceNs: pendingSinceNs }
    }
  }
})
