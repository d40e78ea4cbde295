/**
 * The physical WiFi card: K vMAC actors (each its own MAC address, association, key, rate and TX
 * queue) over ONE radio — one transmitter that contends on the air as one station, on one channel at
 * a time — plus DMA (through an IOMMU when one is configured) and an interrupt line to the driver.
 *
 * The radio takes one burst at a time from the vMACs' offers, by the card's TX scheduling policy
 * (`TxScheduler.ts`), among the vMACs whose channel it is on; a card's own vMACs therefore never
 * collide with each other. When the vMACs that hold or seek an association are on several channels,
 * the radio visits them in turn (`ChannelPlan.ts`), a dwell each. Before it leaves a channel each
 * associated vMAC there tells its AP it dozes (a null-data frame with the PM bit set), so the AP holds
 * its frames; on return each says it is awake (PM bit clear). A scan leaves the same way.
 *
 * Radio states:
 * ```
 *   serving ──dwell over / scan──▶ leaving ──air queue empty, PM=1 nulls out──▶ switching
 *      ▲                                                                            │ CHANNEL_SWITCH_NS
 *      └──────────── arrived (PM=0 nulls) ◀───────────────┬──── to serve ◀─────────┤
 *                                                          └── scanning ◀── to scan ┘ (probe, dwell, next)
 * ```
 *
 * Events that happen at one instant share one interrupt: the first event raises it for the end of
 * the instant, and the driver gets them as one batch.
 */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import * as Air from "../air/Air.ts"
import { initialCw } from "../air/Backoff.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { Station } from "../air/Station.ts"
import { timingsFor } from "../air/Timing.ts"
import type { InvariantMonitor } from "../fault/InvariantMonitor.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { ScanResult } from "../model/CardEvent.ts"
import { BROADCAST, Frame, FrameKind } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import { BEACON_CHECK_PERIOD_NS, MAX_AMPDU_FRAMES } from "../model/ModelConstants.ts"
import * as ModelActor from "../model/ModelActor.ts"
import { SCANNER_MAC_OFFSET } from "../scenario/AddressPlan.ts"
import { channelsToServe, mustRotate, nextChannel } from "./ChannelPlan.ts"
import type { NicEvent } from "./NicEvent.ts"
import { pickNext } from "./TxScheduler.ts"
import type { TxSchedulerKind } from "./TxScheduler.ts"
import * as Vmac from "./Vmac.ts"

export type { AssocState, VmacRegisters } from "./Vmac.ts"

/**
 * Time the radio is off the air while it retunes to another channel. SSCH (Bahl, Chandra & Dunagan,
 * MobiCom 2004, §3) takes 80 µs from a 2.4 GHz radio's datasheet; the 5300's firmware-managed
 * switch is not published, so this is that figure, not a measurement of the 5300.
 */
export const CHANNEL_SWITCH_NS = 80_000

export type NicMessage =
  | { readonly _tag: "StartVmac"; readonly vmac: number; readonly iommuDomainBytes: number | undefined }
  | { readonly _tag: "StopVmac"; readonly vmac: number; readonly reason: string }
  | { readonly _tag: "Transmit"; readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "SetVmacRate"; readonly vmac: number; readonly vm: number; readonly phy: PhyConfig }
  | { readonly _tag: "Scan"; readonly channels: ReadonlyArray<number>; readonly dwellNs: number }
  | { readonly _tag: "AuthRequest"; readonly vmac: number; readonly bssid: number; readonly channel: number }
  | { readonly _tag: "AssocRequest"; readonly vmac: number; readonly vm: number; readonly bssid: number; readonly ssid: string; readonly passphrase: string | undefined }
  | { readonly _tag: "Disassoc"; readonly vmac: number }
  /** The driver resets one vMAC (after a firmware error or a TX hang): queued TX is dropped, the association ends. */
  | { readonly _tag: "ResetVmac"; readonly vmac: number; readonly reason: string }
  /** Injected faults: a vMAC's firmware crashes (its actor crashes) or hangs (silently); interrupts misbehave. */
  | { readonly _tag: "FirmwareFault"; readonly vmac: number; readonly silent: boolean }
  | { readonly _tag: "IrqFault"; readonly action: IrqFaultAction; readonly count: number; readonly delayNs: number }
  // The radio's own traffic: from the air, from its vMACs, and its timers.
  | { readonly _tag: "Heard"; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "Sent"; readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame> }
  | Vmac.FromVmac
  | { readonly _tag: "DwellOver"; readonly token: number }
  | { readonly _tag: "SwitchDone" }
  | { readonly _tag: "ScanDwellOver" }
  | { readonly _tag: "RaiseIrq" }
  | { readonly _tag: "BeaconCheck" }

export type IrqFaultAction = "drop" | "duplicate" | "delay"

export interface NicOptions {
  readonly vmacs: number
  /** MAC of vMAC 0; vMAC i is base + i (locally administered addresses). */
  readonly baseMac: number
  /** The radio's channel at power-on. */
  readonly homeChannel: number
  readonly phy: PhyConfig
  /** How the radio picks the next vMAC to serve. */
  readonly txScheduler: TxSchedulerKind
  /** How long the radio stays on a channel when vMACs need several. */
  readonly channelDwellNs: number
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
  /** Channel switches of the radio (scans included). */
  channelSwitches: number
  /** Null-data frames its vMACs sent to announce doze (PM=1) and wake (PM=0) around a switch. */
  powerSaveNulls: number
}

/** How the radio's time was split, in ns: on each channel (serving it), retuning, and on scan channels. */
export interface RadioTime {
  readonly byChannelNs: Readonly<Record<string, number>>
  readonly switchingNs: number
  readonly scanningNs: number
}

export interface NicHandle {
  readonly ref: ModelActor.ModelRef<NicMessage>
  readonly macOf: (vmac: number) => number
  readonly stats: NicStats
  /** A register read of one vMAC's state and TX counters. */
  readonly registers: (vmac: number) => Readonly<Vmac.VmacRegisters>
  /** The vMAC actors, by index (what fault injection and tests reach). */
  readonly vmacs: ReadonlyArray<Vmac.VmacHandle>
  /** The radio's time split so far. */
  readonly radioTime: () => RadioTime
  /**
   * Reads and clears the card's event status: events no interrupt has delivered yet (one was lost, or
   * is held back). A driver's periodic poll calls it; `sinceNs` is when the oldest was raised.
   */
  readonly poll: () => { readonly events: ReadonlyArray<NicEvent>; readonly sinceNs: number }
}

type RadioMode = "serving" | "leaving" | "switching" | "scanning"

export const make = Effect.fnUntraced(function*(options: NicOptions): Effect.fn.Return<NicHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { air, ledger } = options
  const K = options.vmacs
  const stats: NicStats = {
    interrupts: 0, dmaFaults: 0, scans: 0, irqsDropped: 0, irqsDuplicated: 0, irqsDelayed: 0, vmacResets: 0, channelSwitches: 0, powerSaveNulls: 0
  }
  let self: ModelActor.ModelRef<NicMessage> | undefined
  const later = { tellUnsafe: (m: NicMessage): boolean => self!.tellUnsafe(m) }
  const scannerMac = options.baseMac + SCANNER_MAC_OFFSET

  // --- the vMACs ---
  const vmacs: Array<Vmac.VmacHandle> = []
  for (let i = 0; i < K; i++) {
    const regs: Vmac.VmacRegisters = {
      state: "stopped", bssid: 0, channel: options.homeChannel, iommuDomainBytes: undefined, phy: options.phy, txQueued: 0, txCompleted: 0
    }
    vmacs.push(yield* Vmac.make({
      index: i, mac: options.baseMac + i, regs, ledger, monitor: options.monitor, nic: later,
      burstFramesMax: options.phy.standard === "802.11n" ? MAX_AMPDU_FRAMES : 1
    }))
  }

  // --- the radio: one station on the air, answering to every started vMAC's address and the card's own ---
  const station = new Station({
    name: "card-radio", mac: scannerMac, channel: options.homeChannel, phy: options.phy, receivesBroadcast: true,
    maxAggregate: options.phy.standard === "802.11n" ? MAX_AMPDU_FRAMES : 1, cwMin: initialCw(timingsFor(options.phy)),
    owner: {
      received: (_s, frames) => later.tellUnsafe({ _tag: "Heard", frames }),
      sent: (_s, delivered, dropped) => later.tellUnsafe({ _tag: "Sent", delivered, dropped })
    }
  })
  air.ref.tellUnsafe(new Air.Attach(station, true))

  let mode: RadioMode = "serving"
  let channel = options.homeChannel
  /** Frames handed to the air and not yet reported, and whose they are (-1: the radio's own). */
  let airFrames = 0
  let airOwner = -1
  // Each vMAC's offered burst (undefined: none), in offer order, with its channel and rate.
  const offers: Array<ReadonlyArray<Frame> | undefined> = new Array(K).fill(undefined)
  const offerView = { offerSeq: new Array<number>(K).fill(-1), offerChannel: new Array<number>(K).fill(0) }
  const offerPhy: Array<PhyConfig> = new Array(K).fill(options.phy)
  let offerCount = 0
  let offerSeqCounter = 0
  let lastServed = -1
  // Channel plan and switching.
  let arrivedNs = kernel.nowNs
  let dwellToken = 0
  let dwellArmed = false
  let dozeNullsSent = false
  let leaveTo: { readonly then: "serve" | "scan"; readonly channel: number } = { then: "serve", channel }
  let switchingTo: { readonly then: "serve" | "scan"; readonly channel: number } = leaveTo
  const leftAtNs = new Map<number, number>()
  let scan: { channels: ReadonlyArray<number>; next: number; dwellNs: number; results: Map<number, ScanResult>; returnTo: number; waiting: boolean; dwellOver: boolean } | undefined
  // The radio's time split.
  const byChannelNs = new Map<number, number>()
  let switchingNs = 0
  let scanningNs = 0
  let accountedNs = kernel.nowNs

  // --- interrupts ---
  // The card's event status: raised, not yet delivered by an interrupt or read by a poll.
  let pending: Array<NicEvent> = []
  let pendingSinceNs = 0
  let irqRaised = false
  const irqFaults: Array<{ readonly action: IrqFaultAction; readonly delayNs: number }> = []

  const raise = (event: NicEvent): void => {
    if (pending.length === 0) pendingSinceNs = kernel.nowNs
    pending.push(event)
    if (!irqRaised) {
      irqRaised = true
      later.tellUnsafe({ _tag: "RaiseIrq" })
    }
  }

  const account = (): void => {
    const dt = kernel.nowNs - accountedNs
    accountedNs = kernel.nowNs
    if (mode === "switching") switchingNs += dt
    else if (mode === "scanning") scanningNs += dt
    else byChannelNs.set(channel, (byChannelNs.get(channel) ?? 0) + dt)
  }

  const setMode = (next: RadioMode): void => {
    account()
    mode = next
  }

  // --- TX: one burst at a time ---
  const pump = (): void => {
    if (mode !== "serving" || airFrames > 0 || offerCount === 0) return
    const v = pickNext(options.txScheduler, offerView, channel, lastServed)
    if (v < 0) return
    const burst = offers[v]!
    offers[v] = undefined
    offerView.offerSeq[v] = -1
    offerCount--
    lastServed = v
    airOwner = v
    airFrames = burst.length
    air.ref.tellUnsafe(new Air.Enqueue(station, burst, false, offerPhy[v]))
  }

  /** The radio's own frames (null-data around a switch, a probe): sent when the air queue is empty. */
  const sendOwn = (frames: ReadonlyArray<Frame>): void => {
    airOwner = -1
    airFrames = frames.length
    air.ref.tellUnsafe(new Air.Enqueue(station, frames, false, options.phy))
  }

  const ownFrame = (kind: FrameKind, src: number, dst: number, bssid: number): Frame => {
    const f = new Frame(ledger.nextFrameId(), kind, src, dst, bssid)
    f.createdNs = kernel.nowNs
    ledger.register(f)
    return f
  }

  /** Null-data frames with the PM bit `pm` from every associated vMAC on the radio's channel. */
  const powerSaveNulls = (pm: boolean): Array<Frame> => {
    const frames: Array<Frame> = []
    for (const v of vmacs) {
      if (v.regs.state !== "associated" || v.regs.channel !== channel) continue
      const f = ownFrame(FrameKind.Data, v.mac, v.regs.bssid, v.regs.bssid)
      f.pm = pm
      frames.push(f)
    }
    stats.powerSaveNulls += frames.length
    return frames
  }

  const sent = (delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void => {
    airFrames -= delivered.length + dropped.length
    // The radio's own frames (nulls, probes) need no word to anyone.
    if (airOwner >= 0) vmacs[airOwner]!.ref.tellUnsafe({ _tag: "TxDone", delivered, dropped, done: airFrames <= 0 })
    if (airFrames > 0) return
    airFrames = 0
    if (mode === "leaving") continueLeaving()
    else if (mode === "scanning") advanceScan()
    else pump()
  }

  // --- channel plan ---
  const servedChannels = (): Array<number> => {
    const channels: Array<number | undefined> = []
    for (const v of vmacs) if (v.regs.state !== "idle" && v.regs.state !== "stopped") channels.push(v.regs.channel)
    for (let v = 0; v < K; v++) if (offers[v] !== undefined) channels.push(offerView.offerChannel[v])
    return channelsToServe(channels)
  }

  /** Decides whether the radio must move, now or at the end of its dwell. */
  const plan = (): void => {
    if (mode !== "serving" || scan !== undefined) return
    const served = servedChannels()
    if (!mustRotate(served, channel)) {
      if (dwellArmed) {
        dwellArmed = false
        dwellToken++
      }
      return
    }
    if (!served.includes(channel)) return leave({ then: "serve", channel: nextChannel(served, channel) })
    if (dwellArmed) return
    dwellArmed = true
    const token = ++dwellToken
    const atNs = Math.max(kernel.nowNs, arrivedNs + options.channelDwellNs)
    kernel.setTimer(atNs, () => later.tellUnsafe({ _tag: "DwellOver", token }))
  }

  const leave = (to: { readonly then: "serve" | "scan"; readonly channel: number }): void => {
    dwellArmed = false
    dwellToken++
    leaveTo = to
    dozeNullsSent = false
    setMode("leaving")
    if (airFrames === 0) continueLeaving()
  }

  /** Leaving: once the air queue is empty, the vMACs here announce doze; once that is out, retune. */
  const continueLeaving = (): void => {
    if (!dozeNullsSent) {
      dozeNullsSent = true
      const nulls = powerSaveNulls(true)
      if (nulls.length > 0) return sendOwn(nulls)
    }
    leftAtNs.set(channel, kernel.nowNs)
    switchTo(leaveTo)
  }

  const switchTo = (to: { readonly then: "serve" | "scan"; readonly channel: number }): void => {
    stats.channelSwitches++
    switchingTo = to
    setMode("switching")
    air.ref.tellUnsafe(new Air.Pause([station], true))
    air.ref.tellUnsafe(new Air.Tune([station], to.channel))
    kernel.setTimer(kernel.nowNs + CHANNEL_SWITCH_NS, () => later.tellUnsafe({ _tag: "SwitchDone" }))
  }

  const switchDone = (): void => {
    account()
    channel = switchingTo.channel
    air.ref.tellUnsafe(new Air.Pause([station], false))
    if (switchingTo.then === "scan") return scanHere()
    setMode("serving")
    arrivedNs = kernel.nowNs
    // Beacons could not be heard while away: the vMACs here do not count that time as beacon loss.
    const left = leftAtNs.get(channel)
    if (left !== undefined) {
      for (const v of vmacs) if (v.regs.state === "associated" && v.regs.channel === channel) v.ref.tellUnsafe({ _tag: "Returned", awayNs: kernel.nowNs - left })
    }
    if (scan?.waiting === true) return leave({ then: "scan", channel: scan.channels[0]! })
    const nulls = powerSaveNulls(false)
    if (nulls.length > 0) sendOwn(nulls)
    plan()
    pump()
  }

  // --- scanning ---
  const startScan = (channels: ReadonlyArray<number>, dwellNs: number): void => {
    if (scan !== undefined) return // one radio: the driver consolidates; a second request waits for this one
    if (channels.length === 0) return raise({ _tag: "ScanComplete", results: [] })
    stats.scans++
    scan = { channels, next: 0, dwellNs, results: new Map(), returnTo: channel, waiting: mode !== "serving", dwellOver: false }
    if (mode === "serving") leave({ then: "scan", channel: channels[0]! })
  }

  const scanHere = (): void => {
    setMode("scanning")
    scan!.dwellOver = false
    scan!.waiting = false
    sendOwn([ownFrame(FrameKind.ProbeRequest, scannerMac, BROADCAST, BROADCAST)])
    kernel.setTimer(kernel.nowNs + scan!.dwellNs, () => later.tellUnsafe({ _tag: "ScanDwellOver" }))
  }

  /** After a scan channel's dwell, and once the probe is settled: the next channel, or back home. */
  const advanceScan = (): void => {
    const s = scan!
    if (!s.dwellOver || airFrames > 0) return
    s.next++
    if (s.next < s.channels.length) return switchTo({ then: "scan", channel: s.channels[s.next]! })
    scan = undefined
    const results = [...s.results.values()].sort((a, b) => a.bssid - b.bssid)
    raise({ _tag: "ScanComplete", results })
    const served = servedChannels()
    const home = served.length === 0 || served.includes(s.returnTo) ? s.returnTo : served[0]!
    switchTo({ then: "serve", channel: home })
  }

  const noteScanResult = (frame: Frame): void => {
    if (scan === undefined || frame.info?.ssid === undefined) return
    scan.results.set(frame.src, { bssid: frame.src, ssid: frame.info.ssid, channel: frame.info.channel ?? channel, signalDbm: frame.info.signalDbm ?? -50 })
  }

  // --- RX: the card's address filter, then each frame to its vMAC ---
  const heard = (frames: ReadonlyArray<Frame>): void => {
    let batch: Array<Frame> | undefined
    let batchVmac = -1
    const flush = (): void => {
      if (batch !== undefined) vmacs[batchVmac]!.ref.tellUnsafe({ _tag: "Heard", frames: batch })
      batch = undefined
    }
    for (const f of frames) {
      if (f.kind === FrameKind.Beacon) { // broadcast: its sender accounted for it
        noteScanResult(f)
        for (const v of vmacs) if (v.regs.state === "associated" && v.regs.bssid === f.src) v.ref.tellUnsafe({ _tag: "Beacon", bssid: f.src })
        continue
      }
      if (f.kind === FrameKind.ProbeResponse) {
        noteScanResult(f)
        ledger.deliver(f)
        continue
      }
      const v = f.dst - options.baseMac
      if (v < 0 || v >= K || vmacs[v]!.regs.state === "stopped") {
        ledger.drop(f, "rx-filter")
        continue
      }
      if (v !== batchVmac) flush()
      batchVmac = v
      ;(batch ??= []).push(f)
    }
    flush()
  }

  // --- from the vMACs ---
  const fromVmac = (msg: Vmac.FromVmac): void => {
    const e = msg.event
    let replan = false
    if (e !== undefined) {
      if (e._tag === "VmacStopped") {
        // Events of it that no interrupt has delivered yet are void: nobody may read them now.
        pending = pending.filter((p) => {
          if (!("vmac" in p) || p.vmac !== msg.vmac) return true
          if (p._tag === "Rx") for (const f of p.frames) ledger.drop(f, "vm-gone")
          return false
        })
      }
      if (e._tag === "DmaFault") stats.dmaFaults += e.frames
      raise(e)
      replan = e._tag !== "TxStatus" && e._tag !== "Rx"
    }
    if (msg.offer !== undefined) {
      const v = msg.vmac
      offers[v] = msg.offer
      offerView.offerSeq[v] = ++offerSeqCounter
      offerView.offerChannel[v] = msg.channel
      offerPhy[v] = msg.phy
      offerCount++
      if (msg.channel !== channel) replan = true
    }
    if (replan) plan()
    pump()
  }

  /** Takes back what the radio holds of vMAC `v` (a reset or stop): the offer, and its frames still queued on the air. */
  const reclaim = (v: number, reason: string): void => {
    const offer = offers[v]
    if (offer !== undefined) {
      offers[v] = undefined
      offerView.offerSeq[v] = -1
      offerCount--
      for (const f of offer) ledger.drop(f, reason)
      vmacs[v]!.ref.tellUnsafe({ _tag: "TxDone", delivered: [], dropped: offer, done: true })
    }
    if (airOwner === v && airFrames > 0) air.ref.tellUnsafe(new Air.FlushFrom(station, vmacs[v]!.mac, reason))
  }

  const vmacAt = (i: number): Vmac.VmacHandle | undefined => vmacs[i]

  const handle = (msg: NicMessage): void => {
    switch (msg._tag) {
      case "Transmit": {
        const v = vmacAt(msg.vmac)
        if (v === undefined) for (const f of msg.frames) ledger.drop(f, "vmac-stopped")
        else v.ref.tellUnsafe(msg)
        return
      }
      case "FromVmac":
        return fromVmac(msg)
      case "Sent":
        return sent(msg.delivered, msg.dropped)
      case "Heard":
        return heard(msg.frames)
      case "StartVmac": {
        const v = vmacAt(msg.vmac)
        if (v === undefined) return
        station.addresses.add(v.mac)
        v.ref.tellUnsafe({ _tag: "Start", iommuDomainBytes: msg.iommuDomainBytes })
        return
      }
      case "StopVmac": {
        const v = vmacAt(msg.vmac)
        if (v === undefined) return
        station.addresses.delete(v.mac)
        v.ref.tellUnsafe({ _tag: "Stop", reason: msg.reason })
        reclaim(msg.vmac, msg.reason)
        return
      }
      case "ResetVmac": {
        const v = vmacAt(msg.vmac)
        if (v === undefined || v.regs.state === "stopped") return
        stats.vmacResets++
        v.ref.tellUnsafe({ _tag: "Reset", reason: msg.reason })
        reclaim(msg.vmac, msg.reason)
        return
      }
      case "FirmwareFault": {
        const v = vmacAt(msg.vmac)
        if (v === undefined || v.regs.state === "stopped") return
        v.ref.tellUnsafe(msg.silent ? { _tag: "Hang" } : ModelActor.CRASH)
        return
      }
      case "SetVmacRate":
        vmacAt(msg.vmac)?.ref.tellUnsafe({ _tag: "SetRate", vm: msg.vm, phy: msg.phy })
        return
      case "AuthRequest":
        vmacAt(msg.vmac)?.ref.tellUnsafe({ _tag: "Auth", bssid: msg.bssid, channel: msg.channel })
        return
      case "AssocRequest":
        vmacAt(msg.vmac)?.ref.tellUnsafe({ _tag: "Assoc", vm: msg.vm, bssid: msg.bssid, ssid: msg.ssid, passphrase: msg.passphrase })
        return
      case "Disassoc":
        vmacAt(msg.vmac)?.ref.tellUnsafe({ _tag: "Disassoc" })
        return
      case "Scan":
        return startScan(msg.channels, msg.dwellNs)
      case "ScanDwellOver":
        if (scan === undefined) return
        scan.dwellOver = true
        // A probe still waiting for the medium is given up: the radio must move on.
        if (airFrames > 0) air.ref.tellUnsafe(new Air.Flush(station, "scan-dwell-over"))
        else advanceScan()
        return
      case "DwellOver": {
        if (msg.token !== dwellToken || mode !== "serving") return
        dwellArmed = false
        const served = servedChannels()
        if (mustRotate(served, channel)) leave({ then: "serve", channel: nextChannel(served, channel) })
        return
      }
      case "SwitchDone":
        return switchDone()
      case "IrqFault":
        for (let i = 0; i < msg.count; i++) irqFaults.push({ action: msg.action, delayNs: msg.delayNs })
        return
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
          kernel.setTimer(kernel.nowNs + fault.delayNs, () => later.tellUnsafe({ _tag: "RaiseIrq" }))
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
        // Only the vMACs on the channel the radio serves could have heard their beacons.
        if (mode === "serving") for (const v of vmacs) if (v.regs.state === "associated" && v.regs.channel === channel) v.ref.tellUnsafe({ _tag: "CheckBeacon" })
        kernel.setTimer(kernel.nowNs + BEACON_CHECK_PERIOD_NS, () => later.tellUnsafe({ _tag: "BeaconCheck" }))
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
    vmacs,
    registers: (vmac) => vmacs[vmac]!.regs,
    radioTime: () => {
      account()
      const out: Record<string, number> = {}
      for (const [c, ns] of [...byChannelNs.entries()].sort((a, b) => a[0] - b[0])) out[String(c)] = ns
      return { byChannelNs: out, switchingNs, scanningNs }
    },
    poll: () => {
      const events = pending
      pending = []
      return { events, sinceNs: pendingSinceNs }
    }
  }
})
