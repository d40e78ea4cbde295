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
 * On an RSN (`regs.rsn`) the association response is followed by the 4-way handshake
 * (`WpaSupplicant.ts`, 802.11-2016 12.7.6): the vMAC is associated as far as the air goes (beacons,
 * power save), but its port is closed (no data either way) and the driver hears of the association
 * only when message 3 verified and message 4 is sent, with the pairwise key installed (`regs.keyId`);
 * a deauthentication before that (the AP found message 2's MIC wrong, or gave up) is reported as the
 * association failed. Keys are cleared whenever the association ends.
 *
 * Leaving a BSS (`Disassoc` while associated) is mac80211's `ieee80211_set_disassoc`
 * (net/mac80211/mlme.c): the card first drops what the vMAC had queued (`AssociationEnded`), the
 * deauthentication goes out on the old BSS's channel, and an `Auth` to a new BSS waits until the radio
 * is done with it (acknowledged or given up: `DeauthDone`), as mac80211 flushes the deauthentication
 * out before it releases the channel and `ieee80211_mgd_auth` prepares the new one. A reset while
 * associated (`reset`) says farewell the same way. The old AP hears it and forgets the station at
 * once; it never waits out an inactivity timeout.
 *
 * Power save (`PowerSave.ts`, once its driver asks with `SetPowerSave`): it dozes after a spell
 * without traffic (a null-data frame with the PM bit tells its AP), wakes for the beacons of its
 * listen interval, and fetches what the TIM says its AP holds with PS-Polls, or (U-APSD, if its
 * association asked for it) with trigger frames and service periods. Its power-save state is
 * in its registers (`regs.ps`), where the radio reads it to sleep when every vMAC dozes. Power save
 * ends with the association.
 */
import { eapolBodyBytes, managementBodyBytes, utf8Bytes } from "../air/FrameBytes.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { Parent } from "../actor/Actor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Port } from "../actor/Port.ts"
import type { SupervisionPolicy } from "../actor/Supervision.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { RetryChain } from "../air/RetryChain.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { Prng } from "../kernel/Prng.ts"
import { nonceFrom, pmkOf } from "../vocabulary/Wpa.ts"
import type { EapolKey } from "../vocabulary/Wpa.ts"
import * as Supplicant from "./WpaSupplicant.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { Frame, FrameKind, isNullData, Payload, Reason, Status } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { heardBeacon, noBeaconSignal } from "./BeaconSignal.ts"
import type { BeaconSignal, SignalMonitor } from "./BeaconSignal.ts"
import { AP_PROBE_WAIT_NS, BEACON_LOSS_NS, MAX_AP_PROBES } from "../vocabulary/ModelConstants.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import { after, forward } from "../actor/Port.ts"
import { timHas } from "../vocabulary/Tim.ts"
import * as PowerSave from "./PowerSave.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import { controlledPortOpen } from "./ControlledPort.ts"

/**
 * Messages a vMAC's mailbox holds (a modelling choice, not a hardware figure): it held at most 4 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 12

export type AssocState = "stopped" | "idle" | "authenticating" | "authenticated" | "associating" | "associated"

/** A vMAC's status registers on the card: what the driver reads back, and what survives a firmware crash. */
export interface VmacRegisters {
  state: AssocState
  bssid: number
  /** The channel of the BSS it joins or has joined (the radio must serve it while it is not idle). */
  channel: number
  iommuDomainBytes: number | undefined
  /** Its rate: the first stage of `chain`. */
  phy: PhyConfig
  /** Its retry chain (the rate table a rate command writes): each data frame's attempts go by it. */
  chain: RetryChain
  /**
   * The pairwise key installed by the last 4-way handshake (`Wpa.Ptk.id`; 0: none, an open network):
   * its data frames are CCMP-protected under it, and it accepts downlink only under it. The card's
   * key cache: cleared when the association ends (reset, stop, deauthentication, a new join).
   */
  keyId: number
  /** The association is (being made) to an RSN: data waits for the handshake's key. */
  rsn: boolean
  /** TX frames accepted and TX frames completed (sent or dropped): a watchdog compares them. */
  txQueued: number
  txCompleted: number
  /**
   * The firmware's own power-save frames (doze nulls, PS-Polls, U-APSD triggers, link probes) in its
   * TX ring or on the air: the card's, not the driver's, so outside the two counters above, but
   * frames pending all the same (`PowerSave.timer`).
   */
  ownInFlight: number
  /** The signal monitor its driver asked for (kept until the vMAC is started for another owner). */
  signalMonitor: SignalMonitor | undefined
  /** The Association ID its AP gave it (its bit in the AP's TIM); 0 when not associated. */
  aid: number
  /** Its power save (`PowerSave.ts`): off (`psOff`) unless its driver asked for it. */
  ps: PowerSave.PsState
  /**
   * While it dozes (`ps.phase` "dozing"): when it wakes for its next beacon. The radio, serving
   * another channel meanwhile, starts no exchange that would still be on the air then (`Radio.pump`).
   */
  wakeAtNs: number
  /** Its association asked its AP for U-APSD (the QoS Info of its WMM Information element); false when not associated. */
  uapsd: boolean
  /** When its last join started (its authentication): a join holds the radio for a while (`ChannelPlan.protectedJoin`). */
  joinStartedNs: number
}

export type VmacMessage = Data.TaggedEnum<{
  Start: { readonly iommuDomainBytes: number | undefined }
  Stop: { readonly reason: string }
  /** The driver resets it (after a firmware error or a TX hang): the association ends (the card drops its ring). */
  Reset: { readonly reason: string }
  Transmit: { readonly frames: ReadonlyArray<Frame> }
  SetRate: { readonly vm: number; readonly chain: RetryChain }
  Auth: { readonly bssid: number; readonly channel: number }
  /** `uapsdMaxSpLength`: ask for U-APSD with this Max SP Length (0: all); undefined: do not. `listenInterval`: to announce (undefined: 1). */
  Assoc: {
    readonly vm: number
    readonly bssid: number
    readonly ssid: string
    readonly passphrase: string | undefined
    readonly uapsdMaxSpLength: number | undefined
    readonly listenInterval: number | undefined
  }
  Disassoc: {}
  /** The radio is done with its deauthentication `frameId` (acknowledged or given up): a join held behind it may go. */
  DeauthDone: { readonly frameId: number }
  /** Its doze announcement (null data, PM=1) is done: acknowledged by its AP, or given up. */
  DozeNullDone: { readonly acked: boolean }
  /** Unicast frames the radio received for this vMAC's address. */
  Heard: { readonly frames: ReadonlyArray<Frame> }
  /** The radio heard a beacon of `bssid`, its own AP's, at `signalDbm` (`frame`: its TIM and TBTT). */
  Beacon: { readonly bssid: number; readonly signalDbm: number; readonly frame: Frame }
  /** Its driver turns power save on (a config) or off (undefined). */
  SetPowerSave: { readonly config: PowerSave.PsConfig | undefined }
  /** Its power-save timer (`PowerSave.ts`). */
  PsTimer: { readonly token: number }
  /** Injected: the firmware stops completing TX, silently, until a reset. */
  Hang: {}
  /** Beacon-loss check; the radio sends it only while it is on this vMAC's channel. */
  CheckBeacon: {}
  /** The radio is back on this vMAC's channel after `awayNs` elsewhere (beacons it could not hear). */
  Returned: { readonly awayNs: number }
  /** Its AP answered a probe request with a probe response to its address: the AP is there. */
  ApAnswered: {}
}>

/** What a vMAC tells the card: an interrupt event to raise, and/or frames for its TX ring. */
export interface FromVmac {
  readonly _tag: "FromVmac"
  readonly vmac: number
  readonly event: NicEvent | undefined
  /** Frames for its ring, to go out on `channel` at `phy` by `chain`; `urgent`: ahead of its queued data (management). */
  readonly frames: ReadonlyArray<Frame> | undefined
  readonly urgent: boolean
  readonly channel: number
  readonly phy: PhyConfig
  readonly chain: RetryChain
}

/**
 * A vMAC's association ended (on the AP's word, by beacon loss, on the driver's `Disassoc`, or for a join elsewhere): what its ring
 * holds for that AP goes, dropped for `reason`.
 */
export interface AssociationEnded {
  readonly _tag: "AssociationEnded"
  readonly vmac: number
  readonly reason: "vmac-association-ended" | "vmac-leaving"
}

/** How many of `frames` are data frames (an indexed loop: this runs for every TX completion). */
const dataFrames = (frames: ReadonlyArray<Frame>): number => {
  let n = 0
  for (let i = 0; i < frames.length; i++) if (frames[i]!.kind === FrameKind.Data) n++
  return n
}

/**
 * TX frames of vMAC `vmac` are done (sent or dropped): counts them in its registers and returns the
 * `TxStatus` event to raise, or undefined for a stopped vMAC (nobody may read its events now). Only
 * data counts: management frames the card sends on its own were never queued by a driver. `rates`:
 * the attempts these frames took by rate, as the air counted them (a TX response's retry report).
 */
export const txCompleted = (
  regs: VmacRegisters,
  vmac: number,
  delivered: ReadonlyArray<Frame>,
  dropped: ReadonlyArray<Frame>,
  rates?: RateCounts | undefined
): NicEvent | undefined => {
  if (delivered.some(isPowerSaveFrame) || dropped.some(isPowerSaveFrame)) {
    // The firmware's own power-save frames are nobody's TX: no count, no word to the driver.
    regs.ownInFlight -= ownFrames(delivered) + ownFrames(dropped)
    delivered = delivered.filter((f) => !isPowerSaveFrame(f))
    dropped = dropped.filter((f) => !isPowerSaveFrame(f))
    if (delivered.length + dropped.length === 0) return undefined
  }
  regs.txCompleted += dataFrames(delivered) + dataFrames(dropped)
  if (regs.state === "stopped") return undefined
  return rates === undefined ? { _tag: "TxStatus", vmac, delivered, dropped } : { _tag: "TxStatus", vmac, delivered, dropped, rates }
}

/** A frame the firmware sends for its power save (a doze null, a PS-Poll, a U-APSD trigger): no VM's data. */
const isPowerSaveFrame = (f: Frame): boolean => f.kind === FrameKind.PsPoll || f.kind === FrameKind.QosNull || (f.kind === FrameKind.Data && f.owner < 0)

/** How many of `frames` are the firmware's own power-save frames (`VmacRegisters.ownInFlight`). */
export const ownFrames = (frames: ReadonlyArray<Frame>): number => {
  let n = 0
  for (let i = 0; i < frames.length; i++) if (isPowerSaveFrame(frames[i]!)) n++
  return n
}

/** What the card's vMACs report as it happens, for checkers to observe. */
export class CardTraces {
  /** The card reads `frames` out of guest memory by DMA for `vmac`. */
  readonly dmaRead = new TraceSource<number, ReadonlyArray<Frame>>()
  /** A rate-table or key write made on behalf of `vm` is applied to `vmac`. */
  readonly vmacWritten = new TraceSource<number, number>()
  /** A 4-way handshake on behalf of `vm` installed the pairwise key `keyId`. */
  readonly keyInstalled = new TraceSource<number, number>()
  /** `vmac` sends these data frames under their `keyId` (protected ones only). */
  readonly sentUnderKey = new TraceSource<number, ReadonlyArray<Frame>>()
  /** `vmac` accepted this protected downlink frame under its key. */
  readonly acceptedUnderKey = new TraceSource<number, Frame>()
}

/** The firmware's state: lost in a crash, except what points at the registers. */
interface VmacState {
  readonly regs: VmacRegisters
  /** Firmware stuck: data TX is accepted but never completed (held here) until a reset; management still goes. */
  hung: boolean
  held: Array<Frame>
  lastBeaconNs: number
  /** Beacon loss: probe requests sent to its AP since its last beacon or answer, and when the last went. */
  apProbes: number
  lastApProbeNs: number
  /** The SSID of its association (what its probe requests ask for). */
  ssid: string
  /** Its AP's beacon signal, averaged (lost in a crash: the next beacon starts again). */
  readonly beaconSignal: BeaconSignal
  /** The 4-way handshake of the association to an RSN under way or done, and the VM it is for (lost in a crash). */
  wpa: { readonly vm: number; supplicant: Supplicant.Supplicant } | undefined
  /**
   * Leaving its BSS: the deauthentication `deauthId` is not yet done, and `auth`, the driver's next
   * join, waits for it (its frame would go on the new channel). A crash keeps the farewell, which is
   * in the card's ring and still goes, and loses the join held behind it: the driver's times out.
   */
  leaving: { readonly deauthId: number; auth: { readonly bssid: number; readonly channel: number } | undefined } | undefined
}

export interface VmacOptions {
  readonly index: number
  readonly mac: number
  readonly regs: VmacRegisters
  readonly ledger: FrameLedger
  readonly traces: CardTraces
  /** The card's radio and interrupt logic. */
  readonly nic: Port<FromVmac | AssociationEnded>
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
  const sim = yield* Simulation
  const { kernel } = sim
  const { regs, ledger, index } = options
  // Its SNonces come from its own stream: the same seed gives the same handshakes.
  const self = forward<VmacMessage>()
  const firmware = new VmacFirmware(kernel, options, sim.stream(`wpa-nonces/vmac-${index}`), self)
  const ref = yield* ModelActor.makeStateful<VmacMessage, VmacState>({
    name: `vmac-${index}`,
    capacity: MAILBOX_MESSAGES,
    initial: () => ({ regs, hung: false, held: [], lastBeaconNs: kernel.nowNs, apProbes: 0, lastApProbeNs: kernel.nowNs, ssid: "", beaconSignal: noBeaconSignal(), wpa: undefined, leaving: undefined }),
    handle: (state, msg) => firmware.handle(state, msg),
    parent: options.parent,
    supervision: options.supervision,
    recover: (crashed) => {
      // What the hung firmware held is gone with it; the registers and the TX ring are not.
      for (const f of crashed.held) ledger.drop(f, "vmac-crash")
      if (crashed.held.length > 0) firmware.completed([], crashed.held)
      if (regs.state !== "stopped") firmware.tell({ _tag: "FirmwareError", vmac: index })
      // A join after the crash still waits for the farewell: ahead of it, its authentication would take the ring to its channel.
      const leaving = crashed.leaving === undefined ? undefined : { deauthId: crashed.leaving.deauthId, auth: undefined }
      return { regs, hung: false, held: [], lastBeaconNs: kernel.nowNs, apProbes: 0, lastApProbeNs: kernel.nowNs, ssid: "", beaconSignal: noBeaconSignal(), wpa: undefined, leaving }
    }
  })
  self.set(ref)
  return { ref, mac: options.mac, regs }
})

/** The vMAC's decisions, on the state the actor runtime holds. */
class VmacFirmware {
  private readonly kernel: Kernel
  private readonly o: VmacOptions
  private readonly nonces: Prng
  private readonly self: Port<VmacMessage>
  constructor(kernel: Kernel, options: VmacOptions, nonces: Prng, self: Port<VmacMessage>) {
    this.kernel = kernel
    this.o = options
    this.nonces = nonces
    this.self = self
  }

  handle(s: VmacState, msg: VmacMessage): VmacState {
    const r = s.regs
    switch (msg._tag) {
      case "Transmit":
        for (let i = 0; i < msg.frames.length; i++) {
          const f = msg.frames[i]!
          if (f.txPath !== undefined) f.txPath.vmacNs = this.kernel.nowNs
        }
        this.transmit(s, msg.frames)
        break
      case "Heard":
        this.heard(s, msg.frames)
        break
      case "Beacon": {
        if (r.state !== "associated" || msg.bssid !== r.bssid) break
        this.apHeard(s)
        const event = heardBeacon(s.beaconSignal, msg.bssid, msg.signalDbm, r.signalMonitor)
        if (event !== undefined) this.tell({ _tag: "Signal", vmac: this.o.index, signalDbm: event.signalDbm, low: event.low })
        const info = msg.frame.info
        if (r.ps.config !== undefined && info?.tim !== undefined && info.tbttNs !== undefined && info.beaconIntervalNs !== undefined) {
          this.powerSave(s, PowerSave.beacon(r.ps, info.tbttNs, info.beaconIntervalNs, timHas(info.tim, r.aid), this.kernel.nowNs))
        }
        break
      }
      case "SetPowerSave":
        if (r.state !== "associated") break
        if (msg.config === undefined) this.setPs(PowerSave.disable(r.ps))
        else this.powerSave(s, PowerSave.enable(r.ps, PowerSave.negotiated(msg.config, r.uapsd), r.aid, this.kernel.nowNs))
        break
      case "PsTimer":
        if (r.state === "associated") this.powerSave(s, PowerSave.timer(r.ps, msg.token, this.kernel.nowNs, r.txQueued !== r.txCompleted, r.ownInFlight > 0))
        break
      case "Start":
        // A farewell of its last owner still on its way keeps the next join waiting for it (`reset`).
        if (s.leaving !== undefined) s.leaving.auth = undefined
        this.dropKeys(s)
        r.state = "idle"
        r.signalMonitor = undefined
        r.iommuDomainBytes = msg.iommuDomainBytes
        this.apHeard(s)
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
        r.chain = msg.chain
        r.phy = msg.chain.stages[0]!.phy
        break
      case "Auth":
        if (r.state === "stopped") break
        if (r.state === "associated") {
          // A join while associated (a guest driver reloaded over its association): the vMAC leaves
          // its BSS first, as mac80211's `ieee80211_mgd_auth` disassociates before it authenticates
          // anew: what its ring holds for the old AP goes, its deauthentication goes out on the old
          // channel, and the join waits for it (as after `Disassoc`).
          this.leaveBss(s)
          this.dropKeys(s)
          r.state = "idle"
        }
        if (s.leaving !== undefined) s.leaving.auth = { bssid: msg.bssid, channel: msg.channel }
        else this.authenticate(s, msg.bssid, msg.channel)
        break
      case "DozeNullDone":
        if (r.state === "associated") this.powerSave(s, PowerSave.announced(r.ps, msg.acked, this.kernel.nowNs))
        break
      case "DeauthDone": {
        const leaving = s.leaving
        if (leaving === undefined || leaving.deauthId !== msg.frameId) break
        s.leaving = undefined
        if (leaving.auth !== undefined && r.state !== "stopped") this.authenticate(s, leaving.auth.bssid, leaving.auth.channel)
        break
      }
      case "Assoc":
        if (r.state !== "authenticated" || r.bssid !== msg.bssid) break
        r.state = "associating"
        this.dropKeys(s)
        s.ssid = msg.ssid
        r.rsn = msg.passphrase !== undefined
        if (msg.passphrase !== undefined) {
          this.o.traces.vmacWritten.fire(msg.vm, this.o.index) // the PSK is set for this vMAC
          s.wpa = { vm: msg.vm, supplicant: Supplicant.start(msg.bssid, this.o.mac, pmkOf(msg.passphrase, msg.ssid)) }
        }
        // U-APSD is asked in the WMM Information element: only on a WMM link.
        r.uapsd = msg.uapsdMaxSpLength !== undefined && this.o.qos
        this.sendManagement(s, FrameKind.AssocRequest, {
          ssid: msg.ssid,
          ...(msg.passphrase === undefined ? {} : { rsn: true }),
          ...(r.uapsd ? { uapsd: { maxSpLength: msg.uapsdMaxSpLength! } } : {}),
          ...(msg.listenInterval === undefined ? {} : { listenInterval: msg.listenInterval })
        })
        break
      case "Disassoc":
        if (r.state === "stopped") break
        // Its channel stays as it was: the deauthentication goes out there, and a join waits for it.
        if (r.state === "associated") this.leaveBss(s)
        else if (s.leaving !== undefined) s.leaving.auth = undefined // a join held behind the deauthentication is called off
        this.dropKeys(s)
        r.state = "idle"
        break
      case "CheckBeacon":
        if (r.state === "associated") this.checkBeacon(s)
        break
      case "Returned":
        // Time on other channels does not count toward beacon loss (a probe's wait is a timer's, and runs on).
        s.lastBeaconNs += msg.awayNs
        break
      case "ApAnswered":
        if (r.state === "associated") this.apHeard(s)
        break
    }
    return s
  }

  /**
   * Beacon loss as Linux 2.6.33's mac80211 finds it (net/mac80211/mlme.c): `BEACON_LOSS_NS` without
   * a beacon of its AP (as many listen intervals in power save, which listens to one beacon in so
   * many), then a probe request to the AP each `AP_PROBE_WAIT_NS`, `MAX_AP_PROBES` in all; a beacon
   * or the AP's probe response ends it (`apHeard`), and after the last wait without one the AP is gone.
   */
  private checkBeacon(s: VmacState): void {
    const now = this.kernel.nowNs
    if (now - s.lastBeaconNs <= BEACON_LOSS_NS * (s.regs.ps.config?.listenInterval ?? 1)) return
    if (s.apProbes > 0 && now - s.lastApProbeNs < AP_PROBE_WAIT_NS) return
    if (s.apProbes >= MAX_AP_PROBES) return this.associationEnded(s, "beacon-loss", Status.Unspecified)
    s.apProbes++
    s.lastApProbeNs = now
    this.sendManagement(s, FrameKind.ProbeRequest, { ssid: s.ssid })
  }

  /** A beacon or a probe response of its AP: the AP is there. */
  private apHeard(s: VmacState): void {
    s.lastBeaconNs = this.kernel.nowNs
    s.apProbes = 0
  }

  /** Raises `event` on the card. */
  tell(event: NicEvent): void {
    const r = this.o.regs
    this.o.nic.tellUnsafe({ _tag: "FromVmac", vmac: this.o.index, event, frames: undefined, urgent: false, channel: r.channel, phy: r.phy, chain: r.chain })
  }

  /** TX frames that never reach the ring are done (dropped): count them and tell the driver. */
  completed(delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void {
    const event = txCompleted(this.o.regs, this.o.index, delivered, dropped)
    if (event !== undefined) this.tell(event)
  }

  private toRing(frames: ReadonlyArray<Frame>, urgent: boolean): void {
    const r = this.o.regs
    this.o.nic.tellUnsafe({ _tag: "FromVmac", vmac: this.o.index, event: undefined, frames, urgent, channel: r.channel, phy: r.phy, chain: r.chain })
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
    if (r.state !== "associated" || !controlledPortOpen(r)) {
      for (const f of ok) ledger.drop(f, r.state !== "associated" ? "not-associated" : "port-closed")
      this.completed([], ok)
      return
    }
    for (let i = 0; i < ok.length; i++) {
      const f = ok[i]!
      f.ra = r.bssid // uplink data goes to the AP, which bridges it to its destination
      f.bssid = r.bssid
      f.protected = r.keyId !== 0
      f.keyId = r.keyId
    }
    if (r.keyId !== 0) this.o.traces.sentUnderKey.fire(this.o.index, ok)
    if (r.ps.config !== undefined) {
      if (ok.length === 1 && isNullData(ok[0]!)) {
        // The connection monitor's probe (a null-data frame alone): PM=0, awake for the AP's answer.
        this.powerSave(s, PowerSave.probing(r.ps, this.kernel.nowNs))
      } else {
        // U-APSD in power save: its frames keep PM=1, each a trigger frame.
        if (PowerSave.sendsPm(r.ps)) for (const f of ok) f.pm = true
        // Sending wakes it (legacy: its frames carry PM=0), before the radio hears of them.
        this.powerSave(s, PowerSave.activity(r.ps, this.kernel.nowNs, true))
      }
    }
    this.toRing(ok, false)
  }

  /**
   * Leaves its BSS by its own choice: the card drops what the ring still holds for the AP, then the
   * deauthentication goes, as mac80211 flushes the queues with drop before it sends one
   * (`ieee80211_set_disassoc`, net/mac80211/mlme.c: it "should not insist sending these frames" and
   * delay the roam). Both go to the card in this order, so the farewell is not dropped with the ring.
   */
  private leaveBss(s: VmacState): void {
    this.o.nic.tellUnsafe({ _tag: "AssociationEnded", vmac: this.o.index, reason: "vmac-leaving" })
    this.sayFarewell(s)
  }

  /**
   * Sends its deauthentication to its AP, on the channel it is on, and leaves (`leaving`): a join asked
   * meanwhile waits until the radio is done with the frame (`DeauthDone`).
   */
  private sayFarewell(s: VmacState): void {
    s.leaving = { deauthId: this.sendManagement(s, FrameKind.Deauth, { status: Reason.DeauthLeaving }).id, auth: undefined }
  }

  /** Starts a join: authentication with `bssid` on `channel`. */
  private authenticate(s: VmacState, bssid: number, channel: number): void {
    const r = s.regs
    this.dropKeys(s)
    r.state = "authenticating"
    r.bssid = bssid
    r.channel = channel
    r.joinStartedNs = this.kernel.nowNs
    this.sendManagement(s, FrameKind.Auth, undefined)
  }

  /** A management frame to the vMAC's BSS, ahead of its queued data (as mac80211 queues management). */
  private sendManagement(s: VmacState, kind: FrameKind, info: Frame["info"]): Frame {
    const f = new Frame(this.o.ledger.nextFrameId(), kind, this.o.mac, s.regs.bssid, s.regs.bssid)
    f.createdNs = this.kernel.nowNs
    f.info = info
    f.payloadBytes = managementBodyBytes(kind, {
      ssidBytes: utf8Bytes(info?.ssid ?? ""), rsn: info?.rsn === true, ht: s.regs.phy.standard === "802.11n", wmm: this.o.qos
    })
    this.o.ledger.register(f)
    this.toRing([f], true)
    return f
  }

  /** The association ends: its keys go with it (a vMAC reused by another VM never carries them). */
  private dropKeys(s: VmacState): void {
    s.regs.keyId = 0
    s.regs.rsn = false
    s.wpa = undefined
    // Power save, U-APSD and the AID go with the association.
    s.regs.aid = 0
    s.regs.uapsd = false
    if (s.regs.ps.config !== undefined) this.setPs(PowerSave.disable(s.regs.ps))
  }

  /** Carries out a power-save step: its frames to the ring, its timer; the radio hears of a change of state. */
  private powerSave(s: VmacState, step: PowerSave.PsStep): void {
    this.setPs(step.state)
    for (const a of step.actions) {
      if (a._tag === "Timer") {
        if (step.state.phase === "dozing") s.regs.wakeAtNs = a.atNs
        after(this.kernel, Math.max(0, a.atNs - this.kernel.nowNs), this.self, { _tag: "PsTimer", token: a.token })
      }
      else this.toRing([this.powerSaveFrame(s, a._tag === "SendPsPoll" ? FrameKind.PsPoll : a._tag === "SendTrigger" ? FrameKind.QosNull : FrameKind.Data)], true)
    }
  }

  /**
   * Sets its power-save registers; a change of what it needs of the radio is told to the radio, and so
   * is the end of a wait for a beacon: a dwell that ran out while it listened waits for that
   * (`ChannelPlan.listeningOn`). Until 2026-12-06 a vMAC that went from listening to a service period
   * or a poll told nothing (it needed the radio before and after), and the radio, its dwell run out,
   * stayed on that channel for as long as the vMAC's service periods followed one another: another
   * VM's TCP download on another channel stopped for the run's last 2 s (campaign seed 879, case 100).
   */
  private setPs(ps: PowerSave.PsState): void {
    const r = this.o.regs
    const before = PowerSave.dozingAtAp(r.ps) && !PowerSave.needsRadioWhileDozing(r.ps)
    const wasListening = r.ps.phase === "listening"
    r.ps = ps
    if (before !== (PowerSave.dozingAtAp(ps) && !PowerSave.needsRadioWhileDozing(ps)) || wasListening !== (ps.phase === "listening")) {
      this.o.nic.tellUnsafe({ _tag: "FromVmac", vmac: this.o.index, event: undefined, frames: undefined, urgent: false, channel: r.channel, phy: r.phy, chain: r.chain })
    }
  }

  /** A doze announcement (null data, PM=1), a PS-Poll or a U-APSD trigger (QoS Null) to its AP; the PM bit stays set (it dozes on). */
  private powerSaveFrame(s: VmacState, kind: FrameKind): Frame {
    const f = new Frame(this.o.ledger.nextFrameId(), kind, this.o.mac, s.regs.bssid, s.regs.bssid)
    f.createdNs = this.kernel.nowNs
    f.pm = true
    if (kind === FrameKind.PsPoll) f.info = { aid: s.regs.aid }
    this.o.ledger.register(f)
    return f
  }

  /**
   * The AP ended the association (deauthentication, disassociation, beacon loss): a connected link is lost; one
   * still in its handshake never completed, which the driver hears as the association failing.
   */
  private associationEnded(s: VmacState, reason: "beacon-loss" | "deauthenticated" | "disassociated", status: number): void {
    const handshaking = !controlledPortOpen(s.regs)
    this.dropKeys(s)
    s.regs.state = "idle"
    this.o.nic.tellUnsafe({ _tag: "AssociationEnded", vmac: this.o.index, reason: "vmac-association-ended" })
    if (handshaking) this.tell({ _tag: "AssocResult", vmac: this.o.index, status })
    else this.tell({ _tag: "Disconnected", vmac: this.o.index, reason })
  }

  /** An EAPOL-Key frame to its AP, ahead of its queued data (a data frame in the clear, the link's control traffic). */
  private sendEapol(s: VmacState, key: EapolKey): void {
    const f = new Frame(this.o.ledger.nextFrameId(), FrameKind.Eapol, this.o.mac, s.regs.bssid, s.regs.bssid)
    f.createdNs = this.kernel.nowNs
    f.info = { eapol: key }
    f.payloadBytes = eapolBodyBytes(key.keyDataBytes)
    this.o.ledger.register(f)
    this.toRing([f], true)
  }

  /** An EAPOL-Key frame from its AP: a step of the handshake; the association completes with the key installed. */
  private eapol(s: VmacState, f: Frame): void {
    const r = s.regs
    const key = f.info?.eapol
    const wpa = s.wpa
    if (wpa === undefined || key === undefined || f.src !== r.bssid || r.state !== "associated") {
      this.o.ledger.drop(f, "eapol-unexpected")
      return
    }
    const step = Supplicant.receive(wpa.supplicant, key, () => nonceFrom(() => this.nonces.nextUint32()))
    if (step.verdict === "accepted") this.o.ledger.deliver(f)
    else this.o.ledger.drop(f, `eapol-${step.verdict}`)
    wpa.supplicant = step.state
    if (step.send !== undefined) this.sendEapol(s, step.send)
    if (step.install !== undefined && r.keyId === 0) {
      r.keyId = step.install.id
      this.o.traces.keyInstalled.fire(wpa.vm, r.keyId)
      this.tell({ _tag: "AssocResult", vmac: this.o.index, status: Status.Success })
    }
  }

  /** Back to a clean, idle vMAC: held TX dropped (and reported), the association ended. The card drops its ring. */
  private reset(s: VmacState, reason: string): void {
    const r = s.regs
    const held = s.held
    s.held = []
    s.hung = false
    // A farewell already on its way (a `Disassoc` before this reset) stays awaited: a join asked next
    // waits for it, whoever asks. Until 2026-12-05 the reset forgot it, a guest that rebooted at the
    // instant another came back was given the vMAC and joined on its own channel at once, and the
    // radio, held on the old channel for the farewell, waited there for ever (campaign seed 191, case 47).
    if (s.leaving !== undefined) s.leaving.auth = undefined
    for (const f of held) this.o.ledger.drop(f, reason)
    if (held.length > 0) this.completed([], held)
    // Its farewell to the old AP goes out on the old channel; a join the driver asks next waits for it
    // (as after `Disassoc`): pushed meanwhile, a join on another channel would take the vMAC's ring
    // there, and the deauthentication behind it would wait for a channel the ring no longer offers.
    if (r.state === "associated") this.sayFarewell(s)
    this.dropKeys(s)
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
            this.apHeard(s)
            r.aid = status === Status.Success ? f.info?.aid ?? 0 : 0
            if (status !== Status.Success) this.dropKeys(s)
            r.state = status === Status.Success ? "associated" : "idle"
            // On an RSN the driver hears of it when the handshake (message 1 comes next) installs the key.
            if (status !== Status.Success || !r.rsn) this.tell({ _tag: "AssocResult", vmac: this.o.index, status })
          }
          break
        case FrameKind.Eapol:
          this.eapol(s, f)
          break
        case FrameKind.Deauth:
        case FrameKind.Disassoc:
          // Its AP ended the association, the reason says why: in the handshake 14, message 2's MIC was
          // wrong (a wrong passphrase), or 15, no answer; 4, an inactive station disassociated. mac80211
          // loses the link either way (`ieee80211_rx_mgmt_deauth`, `ieee80211_rx_mgmt_disassoc`, net/mac80211/mlme.c).
          ledger.deliver(f)
          if (r.state === "associated" && f.src === r.bssid) {
            this.associationEnded(s, f.kind === FrameKind.Deauth ? "deauthenticated" : "disassociated", f.info?.status || Status.Unspecified)
          }
          break
        case FrameKind.QosNull:
          // Its AP's end of a U-APSD service period that brought nothing (EOSP), or the AP's poll of a
          // station it has not heard from for long (`ApInactivity.ts`): acknowledged, nothing more.
          if (r.state !== "associated" || f.dst !== this.o.mac || f.src !== r.bssid) ledger.drop(f, "rx-filter")
          else {
            ledger.deliver(f)
            if (r.ps.config !== undefined && f.eosp) this.powerSave(s, PowerSave.serviceFrame(r.ps, true, f.moreData, this.kernel.nowNs, r.txQueued !== r.txCompleted))
          }
          break
        case FrameKind.Data:
          // The hardware RX filter: only frames of its own BSS to an associated vMAC are kept; on an
          // RSN only under its own key (anything else would not decrypt).
          if (r.state !== "associated" || f.dst !== this.o.mac || f.bssid !== r.bssid) ledger.drop(f, "rx-filter")
          else if (f.payload === Payload.None) {
            // A null-data frame (never protected, no body to hand on): the AP's answer to a PS-Poll when it
            // held nothing, the end of the poll; or the AP's poll of a station it has not heard from for long.
            ledger.deliver(f)
            if (f.psReleased && r.ps.config !== undefined) this.powerSave(s, PowerSave.released(r.ps, false, this.kernel.nowNs))
          } else if (f.protected !== (r.keyId !== 0) || f.keyId !== r.keyId) ledger.drop(f, "vmac-wrong-key")
          else {
            if (r.ps.config !== undefined) {
              const now = this.kernel.nowNs
              this.powerSave(s, r.ps.phase === "polling"
                ? PowerSave.released(r.ps, f.moreData, now)
                : r.ps.phase === "service"
                ? PowerSave.serviceFrame(r.ps, f.eosp, f.moreData, now, r.txQueued !== r.txCompleted)
                : PowerSave.activity(r.ps, now, false))
            }
            if (f.protected) this.o.traces.acceptedUnderKey.fire(this.o.index, f)
            data.push(f)
          }
          break
        default:
          ledger.drop(f, "rx-filter")
      }
    }
    if (data.length > 0) this.tell({ _tag: "Rx", vmac: this.o.index, frames: data })
  }
}
