/**
 * The card's one radio: what the NIC actor decides, on the state the actor runtime holds.
 *
 * It sends one burst at a time from the vMACs' TX rings (`TxRings.ts`; `TxScheduler.ts` picks which
 * ring, among those for the channel it is on), serves one channel at a time and rotates among the vMACs' channels
 * (`ChannelPlan.ts`), announces doze and wake around each switch with null-data frames, runs scans,
 * and passes what it hears to the vMAC it is addressed to.
 *
 * ```
 *   serving ──dwell over / scan──▶ leaving ──air queue empty, PM=1 nulls out──▶ switching
 *      ▲                                                                            │ CHANNEL_SWITCH_NS
 *      └──────────── arrived (PM=0 nulls) ◀───────────────┬──── to serve ◀─────────┤
 *                                                          └── scanning ◀── to scan ┘ (probe, dwell, next)
 *
 *   serving ──every started vMAC dozes, nothing to send──▶ sleeping ──a vMAC needs it (a beacon, TX, a scan)──▶ waking
 *      ▲                                                                                                   │ RADIO_WAKE_NS
 *      └───────────────────────────────────────────────────────────────────────────────────────────────────┘
 * ```
 *
 * A vMAC leaving its BSS holds the radio for its deauthentication (`farewells`): the radio goes to
 * that channel at once, even before its dwell elsewhere is over, stays there, and starts no scan,
 * until the deauthentication is acknowledged or given up, as mac80211 grants a leaving interface
 * immediate airtime (`drv_mgd_prepare_tx` in `ieee80211_set_disassoc`, net/mac80211/mlme.c) and
 * flushes the frame out before anything else (the deauthentication request returns only then).
 * A join holds it next (`ChannelPlan.protectedJoin`): the radio goes to the joining vMAC's channel
 * at once and stays there until the association completes (and, unless its driver knew the AP's
 * beacon, until the first beacon heard after it) or its protection runs out, as mac80211 asks the
 * driver for airtime before the authentication and the association request (`drv_mgd_prepare_tx`)
 * and iwlmvm answers with a session protection, which it ends when it learns the beacon.
 *
 * Power save, consolidated: the radio sleeps only when every started vMAC dozes at its AP
 * (`PowerSave.ts`) and nothing is left to send; it wakes as soon as one needs it (the earliest beacon
 * any of them listens for, traffic to send, a scan). Asleep it neither sends nor hears (its station
 * is paused on the air). Its time in each state is metered for the energy model (`RadioEnergy.ts`).
 * Awake on one channel, it goes to a dozing vMAC's channel for the beacon it wakes for
 * (`ChannelPlan.beaconWakeVmac`), setting off as long before the wake-up as leaving its channel has
 * taken lately (`ChannelPlan.wakesWithin`), and waits there for it.
 */
import { managementBodyBytes } from "../air/FrameBytes.ts"
import type * as Data from "effect/Data"
import type { Port } from "../actor/Port.ts"
import { after, at } from "../actor/Port.ts"
import * as Air from "../air/Air.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { Station } from "../air/Station.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { ScanResult } from "../vocabulary/CardEvent.ts"
import { BROADCAST, Frame, FrameKind } from "../vocabulary/Frame.ts"
import type { RxBuffers } from "../vocabulary/RxBuffers.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { CardStatus } from "./CardStatus.ts"
import {
  addChannel, beaconWakeVmac, departureLeadNs, holdsRadioDozing, listeningOn, mustRotate, nextChannel, noteBeaconWakeVisits, noteDeparture, protectedJoin, wakeElsewhereNs
} from "./ChannelPlan.ts"
import { pickNext } from "./TxScheduler.ts"
import type { TxSchedulerKind } from "./TxScheduler.ts"
import type { TxRings } from "./TxRings.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"
import { takeRateCounts } from "../air/TakeRateCounts.ts"
import { DOUBLE_FIELD_SEED } from "../kernel/StableShapes.ts"
import { dozingAtAp, needsRadioWhileDozing, WAKE_LEAD_NS } from "./PowerSave.ts"
import { CHANNEL_SWITCH_NS, RADIO_WAKE_NS } from "./RadioTimings.ts"
import type { CardEnergyMeter, EnergyTimes } from "./RadioEnergy.ts"
import { ownFrames, txCompleted } from "./Vmac.ts"
import type * as Vmac from "./Vmac.ts"

export { CHANNEL_SWITCH_NS } from "./RadioTimings.ts"

export type RadioMode = "serving" | "leaving" | "switching" | "scanning" | "sleeping" | "waking"

interface Destination {
  readonly then: "serve" | "scan"
  readonly channel: number
  /** A channel the rotation comes back to after a beacon wake-up elsewhere: its dwell goes on from this time, not from the arrival. */
  readonly dwellFromNs?: number
}

interface Scan {
  readonly channels: ReadonlyArray<number>
  next: number
  readonly dwellNs: number
  readonly results: Map<number, ScanResult>
  readonly returnTo: number
  /** Asked while the radio was moving: it starts once the radio has arrived. */
  waiting: boolean
  dwellOver: boolean
}

/** The radio firmware's state. */
export interface RadioState {
  mode: RadioMode
  /** The channel it is tuned to (or, while switching, leaving). */
  channel: number
  /** Frames handed to the air and not yet reported, and whose they are (-1: the radio's own). */
  airFrames: number
  airOwner: number
  /** The vMAC served last (round-robin goes on after it). */
  lastServed: number
  arrivedNs: number
  dwellArmed: boolean
  /** The armed dwell timer is a join's protection ending at this time; -1: it is the channel's dwell. */
  heldUntilNs: number
  dozeNullsSent: boolean
  leaveTo: Destination
  switchingTo: Destination
  /** When the radio last left each channel (beacons there could not be heard since). */
  readonly leftAtNs: Map<number, number>
  /**
   * The channel a beacon wake-up elsewhere took the radio from, and when its dwell began: the
   * rotation comes back to it once the wake-up is served (`ChannelPlan.beaconWakeVmac`).
   * Undefined when the radio went anywhere for another reason.
   */
  interrupted: { readonly channel: number; readonly arrivedNs: number } | undefined
  scan: Scan | undefined
  /**
   * The earliest wake-up for a beacon of a vMAC dozing on another channel (`ChannelPlan.wakeElsewhereNs`),
   * Infinity: none. Set by each plan.
   */
  wakeElsewhereNs: number
  /** The wake-up elsewhere the pump last held its bursts for (`HoldOver` is armed once for it). */
  heldForNs: number
  /**
   * When the radio sets off for the wake-up elsewhere (`wakeElsewhereNs` less this channel's
   * departure lead, `ChannelPlan.wakesWithin`), and the time a `DepartEarly` was last armed for
   * (once per time).
   */
  departAtNs: number
  departArmedForNs: number
  /**
   * By channel: how long the radio took to leave it, from its decision to its arrival elsewhere, its
   * last few times (`ChannelPlan.noteDeparture`), in ns: it sets off from there that long before a
   * wake-up elsewhere (`ChannelPlan.departureLeadNs`).
   */
  readonly departuresNs: Map<number, Array<number>>
  /** The departure under way: the channel left and when the radio decided to go (−1: none). */
  departedFrom: number
  departStartedNs: number
  /**
   * The vMAC the radio came to this channel for ahead of its wake-up, and that wake-up's time
   * (`ChannelPlan.wakesWithin`): it holds the radio here as if it listened. −1: none.
   */
  awaited: number
  awaitedWakeNs: number
  /** Bumped by every plan and by a restart: a timer of an older one is void. */
  token: number
}

/** The radio's own timers and hand-offs, as messages to the NIC. */
export type RadioTimer = Data.TaggedEnum<{
  DwellOver: { readonly token: number }
  SwitchDone: { readonly token: number }
  ScanDwellOver: { readonly token: number }
  WakeDone: { readonly token: number }
  HoldOver: {}
  DepartEarly: {}
}>

export interface RadioOptions {
  readonly baseMac: number
  /** The card's own address (probe requests). */
  readonly scannerMac: number
  readonly phy: PhyConfig
  readonly txScheduler: TxSchedulerKind
  readonly channelDwellNs: number
  /** Frames per burst at most (the A-MPDU limit on 802.11n, 1 otherwise). */
  readonly burstFramesMax: number
}

/** How the radio's time was split, in ns: on each channel (serving it), retuning, and on scan channels. */
export interface RadioTime {
  readonly byChannelNs: Readonly<Record<string, number>>
  readonly switchingNs: number
  readonly scanningNs: number
  /** Asleep (power save), and waking up. */
  readonly sleepingNs: number
  readonly wakingNs: number
}

export interface RadioStats {
  scans: number
  /** Channel switches of the radio (scans included). */
  channelSwitches: number
  /** Null-data frames its vMACs sent to announce doze (PM=1) and wake (PM=0) around a switch. */
  powerSaveNulls: number
  /** Times the radio went to sleep (every started vMAC dozing). */
  sleeps: number
}

export const initialRadio = (channel: number, nowNs: number): RadioState => {
  const r: RadioState = {
    mode: "serving",
    channel,
    airFrames: 0,
    airOwner: -1,
    lastServed: -1,
    arrivedNs: DOUBLE_FIELD_SEED, // a double from the start (a world starts at 0 ns)
    dwellArmed: false,
    heldUntilNs: -1,
    dozeNullsSent: false,
    leaveTo: { then: "serve", channel },
    switchingTo: { then: "serve", channel },
    leftAtNs: new Map(),
    interrupted: undefined,
    scan: undefined,
    wakeElsewhereNs: Infinity,
    heldForNs: -1,
    departAtNs: Infinity,
    departArmedForNs: -1,
    departuresNs: new Map(),
    departedFrom: -1,
    departStartedNs: -1,
    awaited: -1,
    awaitedWakeNs: -1,
    token: 0
  }
  r.arrivedNs = nowNs
  return r
}

/** The id of a deauthentication among frames done, or -1 (indexed loops: this runs for every TX completion). */
const deauthAmong = (delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): number => {
  for (let i = 0; i < delivered.length; i++) if (delivered[i]!.kind === FrameKind.Deauth) return delivered[i]!.id
  for (let i = 0; i < dropped.length; i++) if (dropped[i]!.kind === FrameKind.Deauth) return dropped[i]!.id
  return -1
}

/** A doze announcement (null data with PM=1, no VM's) among frames done: true acknowledged, false given up, undefined none. */
const dozeNullOutcome = (delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): boolean | undefined => {
  for (let i = 0; i < delivered.length; i++) if (isDozeNull(delivered[i]!)) return true
  for (let i = 0; i < dropped.length; i++) if (isDozeNull(dropped[i]!)) return false
  return undefined
}

const isDozeNull = (f: Frame): boolean => f.kind === FrameKind.Data && f.pm && f.owner < 0

export class Radio {
  private readonly kernel: Kernel
  private readonly o: RadioOptions
  private readonly station: Station
  private readonly air: Port<Air.AirMessage>
  private readonly ledger: FrameLedger
  private readonly vmacs: ReadonlyArray<Vmac.VmacHandle>
  /** Their status registers (the same objects for the card's life), for the plan's view of joins. */
  private readonly vmacRegs: ReadonlyArray<Vmac.VmacRegisters>
  private readonly status: CardStatus
  private readonly self: Port<RadioTimer>
  private readonly rings: TxRings
  /** The card's receive ring: a received frame waits in one of its buffers until the driver has handled it. */
  private readonly rxRing: RxBuffers
  private readonly stats: RadioStats
  // The time split is a measurement of the hardware, kept across firmware restarts.
  private readonly byChannelNs = new Map<number, number>()
  // Sums of times: doubles from the declaration (`DOUBLE_FIELD_SEED`), zero from the constructor.
  private switchingNs = DOUBLE_FIELD_SEED
  private scanningNs = DOUBLE_FIELD_SEED
  private sleepingNs = DOUBLE_FIELD_SEED
  private wakingNs = DOUBLE_FIELD_SEED
  private readonly energy: CardEnergyMeter
  private accountedNs = DOUBLE_FIELD_SEED // a double from the declaration, as the sums above
  private accountedMode: RadioMode = "serving"
  private accountedChannel: number
  /**
   * Deauthentications handed to the radio and not yet done, by frame id: the channel each must go
   * out on. The card's, like its rings: a firmware restart keeps them.
   */
  private readonly farewells = new Map<number, number>()
  /** A farewell was done since the radio last looked: the next farewell, or what it held back (a rotation, a scan), may go. */
  private farewellDone = false
  /**
   * By vMAC: its driver knows its AP's beacon, so its join's session protection ended with the
   * association, or it has heard one since (`ChannelPlan.joining`). Set by each association request.
   */
  private readonly beaconKnown: Array<boolean>
  /** By vMAC: the power-save token of its wake-up for a beacon the radio last served (`ChannelPlan.beaconWakeVmac`), −1: none. */
  private readonly wakeVisited: Array<number>
  /** By vMAC: when it last heard a beacon of its AP, −1: never (which of two wake-ups at once is served). */
  private readonly beaconHeardNs: Array<number>

  constructor(
    kernel: Kernel,
    options: RadioOptions,
    parts: {
      readonly station: Station
      readonly air: Port<Air.AirMessage>
      readonly ledger: FrameLedger
      readonly vmacs: ReadonlyArray<Vmac.VmacHandle>
      readonly status: CardStatus
      readonly self: Port<RadioTimer>
      readonly rings: TxRings
      readonly stats: RadioStats
      readonly energy: CardEnergyMeter
      readonly rxRing: RxBuffers
    }
  ) {
    this.rxRing = parts.rxRing
    this.energy = parts.energy
    this.stats = parts.stats
    this.rings = parts.rings
    this.kernel = kernel
    this.o = options
    this.station = parts.station
    this.air = parts.air
    this.ledger = parts.ledger
    this.vmacs = parts.vmacs
    this.vmacRegs = parts.vmacs.map((v) => v.regs)
    this.beaconKnown = parts.vmacs.map(() => false)
    this.wakeVisited = parts.vmacs.map(() => -1)
    this.beaconHeardNs = parts.vmacs.map(() => -1)
    this.status = parts.status
    this.self = parts.self
    this.accountedNs = kernel.nowNs
    this.accountedChannel = parts.station.channel
    this.switchingNs = 0
    this.scanningNs = 0
    this.sleepingNs = 0
    this.wakingNs = 0
  }

  // --- time accounting ---

  private account(r: RadioState): void {
    const dt = this.kernel.nowNs - this.accountedNs
    this.accountedNs = this.kernel.nowNs
    if (this.accountedMode === "switching") this.switchingNs += dt
    else if (this.accountedMode === "scanning") this.scanningNs += dt
    else if (this.accountedMode === "sleeping") this.sleepingNs += dt
    else if (this.accountedMode === "waking") this.wakingNs += dt
    else this.byChannelNs.set(this.accountedChannel, (this.byChannelNs.get(this.accountedChannel) ?? 0) + dt)
    this.accountedMode = r.mode
    this.accountedChannel = r.channel
  }

  private setMode(r: RadioState, mode: RadioMode): void {
    this.account(r)
    r.mode = mode
    this.accountedMode = mode
    this.energy.note(this.kernel.nowNs, mode === "sleeping", this.vmacs)
  }

  time(r: RadioState): RadioTime {
    this.account(r)
    const out: Record<string, number> = {}
    for (const [c, ns] of [...this.byChannelNs.entries()].sort((a, b) => a[0] - b[0])) out[String(c)] = ns
    return { byChannelNs: out, switchingNs: this.switchingNs, scanningNs: this.scanningNs, sleepingNs: this.sleepingNs, wakingNs: this.wakingNs }
  }

  // --- power save: the radio sleeps only when every started vMAC dozes ---

  /** Whether every started vMAC dozes at its AP and none needs the radio now (and at least one is started). */
  private allDozing(): boolean {
    let any = false
    for (const v of this.vmacs) {
      if (v.regs.state === "stopped") continue
      if (!dozingAtAp(v.regs.ps) || needsRadioWhileDozing(v.regs.ps)) return false
      any = true
    }
    return any
  }

  /** Sleeps when it may; wakes when a vMAC needs it. */
  private consolidate(r: RadioState): void {
    if (r.mode === "sleeping") {
      if (!this.allDozing() || this.rings.backlogged > 0 || r.scan !== undefined) this.wake(r)
      return
    }
    if (r.mode !== "serving" || r.scan !== undefined || r.airFrames > 0 || this.rings.backlogged > 0 || !this.allDozing()) return
    this.stats.sleeps++
    r.dwellArmed = false
    r.token++
    this.setMode(r, "sleeping")
    this.air.tellUnsafe(Air.AirMessage.Pause({ stations: [this.station], paused: true }))
  }

  private wake(r: RadioState): void {
    this.setMode(r, "waking")
    after(this.kernel, RADIO_WAKE_NS, this.self, { _tag: "WakeDone", token: ++r.token })
  }

  wakeDone(r: RadioState, token: number): void {
    if (token !== r.token || r.mode !== "waking") return
    this.air.tellUnsafe(Air.AirMessage.Pause({ stations: [this.station], paused: false }))
    this.setMode(r, "serving")
    r.arrivedNs = this.kernel.nowNs
    if (this.startWaitingScan(r)) return
    this.plan(r)
    this.pump(r)
    this.consolidate(r)
  }

  /** The radio's time by state so far, for the energy model. */
  energyTimes(r: RadioState): EnergyTimes {
    this.account(r)
    return this.energy.times(this.kernel.nowNs)
  }

  /** The driver posted `frames` buffers of the receive ring again. */
  rxRestock(frames: number): void {
    this.rxRing.give(frames)
  }

  // --- TX: one burst at a time ---

  /** A vMAC hands frames to its TX ring (and/or raises an event). */
  fromVmac(r: RadioState, msg: Vmac.FromVmac): void {
    const e = msg.event
    let replan = false
    if (e !== undefined) {
      if (e._tag === "VmacStopped") {
        for (const p of this.status.void(msg.vmac)) {
          if (p._tag !== "Rx") continue
          for (const f of p.frames) this.ledger.drop(f, "vm-gone")
          this.rxRing.give(p.frames.length)
        }
      }
      if (e._tag === "Rx") {
        // Written into the driver's posted buffers, as far as there are free ones; the rest are lost.
        const kept = this.rxRing.take(e.frames, this.ledger, "rx-ring-full")
        if (kept.length > 0) this.status.raise(kept === e.frames ? e : { _tag: "Rx", vmac: e.vmac, frames: kept })
      } else {
        this.status.raise(e)
      }
      replan = e._tag !== "TxStatus" && e._tag !== "Rx"
    } else if (msg.frames === undefined) {
      replan = true // a vMAC's power save changed what it needs of the radio
    }
    if (replan) this.energy.note(this.kernel.nowNs, r.mode === "sleeping", this.vmacs)
    if (msg.frames !== undefined) {
      // Its own power-save frames are pending until completed. They always go urgent (ahead of its
      // data), so the driver's data, frame by frame, is not looked through for them.
      if (msg.urgent) this.vmacs[msg.vmac]!.regs.ownInFlight += ownFrames(msg.frames)
      const full = this.rings.push(msg.vmac, msg.frames, msg.channel, msg.phy, msg.chain, msg.urgent)
      if (full.length > 0) {
        for (const f of full) this.ledger.drop(f, "vmac-queue-full")
        this.completed(msg.vmac, [], full)
      }
      if (msg.urgent) this.noteFarewells(msg.frames, msg.channel)
      if (msg.channel !== r.channel) replan = true
    }
    if (replan) this.plan(r)
    this.pump(r)
    this.consolidate(r)
  }

  private pump(r: RadioState): void {
    if (r.mode !== "serving" || r.airFrames > 0 || this.rings.backlogged === 0) return
    const v = pickNext(this.o.txScheduler, this.rings, r.channel, r.lastServed)
    if (v < 0) return
    // Queues stopped ahead of a wake-up elsewhere: its plan takes the radio away then, with the air
    // free for the doze nulls (`ChannelPlan.wakeElsewhereNs`); the wake-up's replan pumps again.
    if (r.wakeElsewhereNs !== Infinity && this.holds(r, v)) return
    const burst = this.rings.takeBurst(v, this.o.burstFramesMax)
    r.lastServed = v
    r.airOwner = v
    r.airFrames = burst.length
    for (let i = 0; i < burst.length; i++) {
      const f = burst[i]!
      if (f.txPath !== undefined) f.txPath.airQueuedNs = this.kernel.nowNs
    }
    this.air.tellUnsafe(Air.enqueue(this.station, burst, false, this.rings.phy[v], this.rings.chain[v]))
  }

  /**
   * Whether vMAC `v`'s next burst waits for a wake-up elsewhere: its exchange would still be on the
   * air when the radio sets off for it (`departAtNs`). Once per wake-up a `HoldOver` is armed for
   * its TBTT: a vMAC whose firmware hangs does not wake, and nothing else might pump again.
   */
  private holds(r: RadioState, v: number): boolean {
    const wakeNs = r.wakeElsewhereNs
    const nowNs = this.kernel.nowNs
    if (nowNs >= wakeNs || nowNs + this.rings.burstExchangeNs(v, this.o.burstFramesMax) <= r.departAtNs) return false
    if (r.heldForNs !== wakeNs) {
      r.heldForNs = wakeNs
      at(this.kernel, wakeNs + WAKE_LEAD_NS, this.self, { _tag: "HoldOver" })
    }
    return true
  }

  /** A held wake-up's TBTT: the wake-ups ahead, looked at again, and the pump goes on if nothing holds it. */
  holdOver(r: RadioState): void {
    this.noteWakeElsewhere(r)
    this.pump(r)
  }

  /**
   * The earliest wake-up elsewhere (`ChannelPlan.wakeElsewhereNs`) and when the radio sets off for
   * it: as long before it as leaving this channel may take (`ChannelPlan.departureLeadNs`). A
   * `DepartEarly` is armed for that time (once per time), when no other step might look at the plan.
   */
  private noteWakeElsewhere(r: RadioState): void {
    const nowNs = this.kernel.nowNs
    const wakeNs = wakeElsewhereNs(this.vmacRegs, r.channel, nowNs)
    r.wakeElsewhereNs = wakeNs
    r.departAtNs = wakeNs - departureLeadNs(r.departuresNs.get(r.channel))
    if (r.departAtNs > nowNs && r.departAtNs < wakeNs && r.departArmedForNs !== r.departAtNs) {
      r.departArmedForNs = r.departAtNs
      at(this.kernel, r.departAtNs, this.self, { _tag: "DepartEarly" })
    }
  }

  /** The time to set off for a wake-up elsewhere: the plan looks again. */
  departEarly(r: RadioState): void {
    if (r.mode !== "serving") return
    this.plan(r)
    this.pump(r)
  }

  /** Whether the vMAC the radio came here for ahead of its wake-up still dozes toward that wake-up, here; if not, it is awaited no longer. */
  private awaitedHere(r: RadioState): boolean {
    if (r.awaited < 0) return false
    const v = this.vmacRegs[r.awaited]!
    if (v.state === "associated" && v.channel === r.channel && v.ps.phase === "dozing" && v.wakeAtNs === r.awaitedWakeNs && v.wakeAtNs >= this.kernel.nowNs) return true
    r.awaited = -1
    return false
  }

  /**
   * TX frames of vMAC `v` are done (sent or dropped): the card counts them and tells the driver; a
   * deauthentication done is told to its vMAC too (a join may wait for it).
   */
  private completed(v: number, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>, rates?: RateCounts): void {
    const vmac = this.vmacs[v]!
    const event = txCompleted(vmac.regs, v, delivered, dropped, rates)
    if (event !== undefined) this.status.raise(event)
    // A vMAC that announced its doze hears whether its AP acknowledged the null (it dozes only then).
    if (vmac.regs.ps.phase === "announcing") {
      const outcome = dozeNullOutcome(delivered, dropped)
      if (outcome !== undefined) vmac.ref.tellUnsafe({ _tag: "DozeNullDone", acked: outcome })
    }
    if (this.farewells.size === 0) return
    const deauth = deauthAmong(delivered, dropped)
    if (deauth < 0 || !this.farewells.delete(deauth)) return
    this.farewellDone = true
    this.vmacs[v]!.ref.tellUnsafe({ _tag: "DeauthDone", frameId: deauth })
  }

  /** Deauthentications among a vMAC's management frames (urgent) become farewells: they hold the radio until done. */
  private noteFarewells(frames: ReadonlyArray<Frame>, channel: number): void {
    for (let i = 0; i < frames.length; i++) if (frames[i]!.kind === FrameKind.Deauth) this.farewells.set(frames[i]!.id, channel)
  }

  /** The channel a farewell holds the radio to (the oldest's), or -1 when none does. */
  private farewellChannel(): number {
    for (const channel of this.farewells.values()) return channel
    return -1
  }

  /**
   * After a farewell was done, a serving radio takes up what waited: the next farewell, which may be
   * on another channel, then a scan, or its plan. Whether it left. (A farewell on the radio's own
   * channel disarms the dwell timer: nothing else would move the radio to the next one.)
   */
  private afterFarewell(r: RadioState): boolean {
    if (!this.farewellDone) return false
    this.farewellDone = false
    if (r.mode !== "serving") return false
    if (this.startWaitingScan(r)) return true
    this.plan(r)
    return r.mode !== "serving"
  }

  /** A scan that waits starts, if the radio is free of farewells: it leaves for the scan's first channel. Whether it did. */
  private startWaitingScan(r: RadioState): boolean {
    if (r.scan?.waiting !== true || this.farewells.size > 0) return false
    this.leave(r, { then: "scan", channel: r.scan.channels[0]! })
    return true
  }

  /** The radio's own frames (null-data around a switch, a probe): sent when the air queue is empty. */
  private sendOwn(r: RadioState, frames: ReadonlyArray<Frame>): void {
    r.airOwner = -1
    r.airFrames = frames.length
    this.air.tellUnsafe(Air.enqueue(this.station, frames, false, this.o.phy))
  }

  private ownFrame(kind: FrameKind, src: number, dst: number): Frame {
    const f = new Frame(this.ledger.nextFrameId(), kind, src, dst, dst)
    f.createdNs = this.kernel.nowNs
    this.ledger.register(f)
    return f
  }

  /** Null-data frames with the PM bit `pm` from every associated vMAC on the radio's channel. */
  private powerSaveNulls(r: RadioState, pm: boolean): Array<Frame> {
    const frames: Array<Frame> = []
    for (const v of this.vmacs) {
      // A vMAC in power save that dozes has told its AP so itself.
      if (v.regs.state !== "associated" || v.regs.channel !== r.channel || dozingAtAp(v.regs.ps)) continue
      const f = this.ownFrame(FrameKind.Data, v.mac, v.regs.bssid)
      f.pm = pm
      frames.push(f)
    }
    this.stats.powerSaveNulls += frames.length
    return frames
  }

  /** The air's outcome for frames of the radio. */
  sent(r: RadioState, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void {
    r.airFrames -= delivered.length + dropped.length
    // The radio's own frames (nulls, probes) need no word to anyone.
    // The attempts the air counted since the last outcome are the owner's: one owner's burst is on the air at a time.
    const rates = takeRateCounts(this.station.rates)
    if (r.airOwner >= 0) this.completed(r.airOwner, delivered, dropped, rates)
    if (r.airFrames > 0) return
    r.airFrames = 0
    if (r.mode === "leaving") this.continueLeaving(r)
    else if (r.mode === "scanning") this.advanceScan(r)
    else {
      if (this.afterFarewell(r)) return
      this.pump(r)
      this.consolidate(r)
    }
  }

  /** Drops what the card holds for vMAC `v` (a reset or stop): its ring, and its frames still queued on the air. */
  reclaim(r: RadioState, v: number, reason: string): void {
    const lost = this.rings.drain(v)
    if (lost.length > 0) {
      for (const f of lost) this.ledger.drop(f, reason)
      this.completed(v, [], lost)
    }
    if (r.airOwner === v && r.airFrames > 0) this.air.tellUnsafe(Air.AirMessage.FlushFrom({ station: this.station, source: this.vmacs[v]!.mac, reason }))
    // A farewell drained with the ring (the vMAC reset or stopped) holds the radio no longer.
    if (!this.afterFarewell(r) && r.mode === "serving") this.pump(r)
  }

  // --- channel plan ---

  /** The channels the radio must serve now, ascending (`ChannelPlan.addChannel`). */
  private servedChannels(r: RadioState): Array<number> {
    const served: Array<number> = []
    // The vMAC the radio came for ahead of its wake-up needs it, as if it listened already.
    if (this.awaitedHere(r)) addChannel(served, r.channel)
    for (const v of this.vmacs) {
      // A vMAC dozing in power save needs its channel only while it listens, polls or is in a U-APSD service period.
      if (v.regs.state !== "idle" && v.regs.state !== "stopped" && (!dozingAtAp(v.regs.ps) || needsRadioWhileDozing(v.regs.ps)) && v.regs.channel !== undefined) {
        addChannel(served, v.regs.channel)
      }
    }
    for (let v = 0; v < this.vmacs.length; v++) if (this.rings.offerSeq[v]! >= 0) addChannel(served, this.rings.offerChannel[v]!)
    return served
  }

  /** Decides whether the radio must move, now or at the end of its dwell. */
  private plan(r: RadioState): void {
    this.noteWakeElsewhere(r)
    if (r.mode !== "serving") return
    const farewell = this.farewellChannel()
    if (farewell >= 0) {
      // Held for a deauthentication: there at once, and no rotation away until it is done.
      if (farewell !== r.channel) return this.leave(r, { then: "serve", channel: farewell })
      return this.disarmDwell(r)
    }
    if (r.scan !== undefined) return
    // A join holds the radio: there at once, and no rotation away until its protection ends (`ChannelPlan.joining`).
    const join = protectedJoin(this.vmacRegs, this.beaconKnown, this.kernel.nowNs)
    if (join !== undefined && join.channel !== r.channel) return this.leave(r, { then: "serve", channel: join.channel })
    // A dozing vMAC woke for its beacon, or wakes before the radio could leave later: the radio goes
    // there for it, once per wake-up (unless a join holds it).
    noteBeaconWakeVisits(this.vmacRegs, this.wakeVisited, r.channel)
    const awaited = this.awaitedHere(r) ? r.awaited : -1
    const leadNs = departureLeadNs(r.departuresNs.get(r.channel))
    const wake = join === undefined ? beaconWakeVmac(this.vmacRegs, this.wakeVisited, this.beaconHeardNs, r.channel, this.kernel.nowNs, leadNs, awaited) : -1
    if (wake >= 0) {
      // The rotation comes back to the channel it was on (or, after one wake-up, still owes).
      const interrupted = r.interrupted ?? { channel: r.channel, arrivedNs: r.arrivedNs }
      const v = this.vmacRegs[wake]!
      this.leave(r, { then: "serve", channel: v.channel })
      r.interrupted = interrupted
      if (v.ps.phase === "dozing") {
        r.awaited = wake
        r.awaitedWakeNs = v.wakeAtNs
      }
      return
    }
    const served = this.servedChannels(r)
    // The wake-up was served: back to the rotation (whether or not this channel is in it too).
    if (r.interrupted !== undefined && awaited < 0 && !holdsRadioDozing(this.vmacRegs, r.channel) && this.resumeRotation(r, served)) return
    if (!mustRotate(served, r.channel)) return this.disarmDwell(r)
    if (join !== undefined) {
      if (r.dwellArmed && r.heldUntilNs === join.untilNs) return
      return this.armDwell(r, join.untilNs, join.untilNs)
    }
    if (!served.includes(r.channel)) return this.leave(r, { then: "serve", channel: nextChannel(served, r.channel) })
    // A join's protection timer gives way to the channel's own dwell once the join is done.
    if (r.dwellArmed && r.heldUntilNs < 0) return
    this.armDwell(r, r.arrivedNs + this.o.channelDwellNs, -1)
  }

  /** Arms the dwell timer for `atNs` (not before now); `heldUntilNs`: a join's protection end, or −1 for the channel's own dwell. */
  private armDwell(r: RadioState, atNs: number, heldUntilNs: number): void {
    r.dwellArmed = true
    r.heldUntilNs = heldUntilNs
    at(this.kernel, Math.max(this.kernel.nowNs, atNs), this.self, { _tag: "DwellOver", token: ++r.token })
  }

  /** Cancels an armed dwell timer (its token moves on, so it fires for nothing). */
  private disarmDwell(r: RadioState): void {
    if (!r.dwellArmed) return
    r.dwellArmed = false
    r.token++
  }

  dwellOver(r: RadioState, token: number): void {
    if (token !== r.token || r.mode !== "serving") return
    r.dwellArmed = false
    if (this.farewells.size > 0 || protectedJoin(this.vmacRegs, this.beaconKnown, this.kernel.nowNs) !== undefined) return this.plan(r)
    // A vMAC listening here for its beacon (or awaited: about to) keeps the radio until it has heard
    // it or stopped waiting: its power save's next step replans, and the dwell, run out, moves the radio on then.
    if (listeningOn(this.vmacRegs, r.channel) || this.awaitedHere(r)) return
    const served = this.servedChannels(r)
    // A dwell that ends during a wake-up's visit: the rotation goes on from the channel it interrupted.
    if (r.interrupted !== undefined && this.resumeRotation(r, served)) return
    if (mustRotate(served, r.channel)) this.leave(r, { then: "serve", channel: nextChannel(served, r.channel) })
  }

  /**
   * After a beacon wake-up's visit (`r.interrupted`): back to the channel the rotation was on, for the
   * rest of its dwell; if it no longer needs the radio, on to the next after it, or, if this channel
   * does, the rotation goes on from here. Whether the radio left.
   */
  private resumeRotation(r: RadioState, served: ReadonlyArray<number>): boolean {
    const back = r.interrupted!
    r.interrupted = undefined
    if (back.channel === r.channel) {
      // Wake-ups took the radio away and brought it back here: the rest of this channel's dwell.
      r.arrivedNs = back.arrivedNs
      this.disarmDwell(r)
      return false
    }
    if (served.includes(back.channel)) {
      this.leave(r, { then: "serve", channel: back.channel, dwellFromNs: back.arrivedNs })
      return true
    }
    if (served.includes(r.channel) || served.length === 0) return false
    this.leave(r, { then: "serve", channel: nextChannel(served, back.channel) })
    return true
  }

  private leave(r: RadioState, to: Destination): void {
    r.interrupted = undefined
    r.awaited = -1
    r.departedFrom = r.channel
    r.departStartedNs = this.kernel.nowNs
    r.dwellArmed = false
    r.token++
    r.leaveTo = to
    r.dozeNullsSent = false
    this.setMode(r, "leaving")
    if (r.airFrames === 0) this.continueLeaving(r)
  }

  /**
   * Leaving: once the air queue is empty, the vMACs here announce doze; once that is out (acknowledged
   * or given up), retune. The nulls go by AC_VO, their data by AC_BE; with nothing of the card's left
   * on the air and its rings held until it returns, they overtake nothing, as mac80211 stops its
   * queues and flushes the driver's before its nulls (`ieee80211_offchannel_stop_vifs`,
   * net/mac80211/offchannel.c).
   */
  private continueLeaving(r: RadioState): void {
    if (!r.dozeNullsSent) {
      r.dozeNullsSent = true
      const nulls = this.powerSaveNulls(r, true)
      if (nulls.length > 0) return this.sendOwn(r, nulls)
    }
    r.leftAtNs.set(r.channel, this.kernel.nowNs)
    this.switchTo(r, r.leaveTo)
  }

  private switchTo(r: RadioState, to: Destination): void {
    this.stats.channelSwitches++
    r.switchingTo = to
    this.setMode(r, "switching")
    this.air.tellUnsafe(Air.AirMessage.Pause({ stations: [this.station], paused: true }))
    this.air.tellUnsafe(Air.AirMessage.Tune({ stations: [this.station], channel: to.channel }))
    after(this.kernel, CHANNEL_SWITCH_NS, this.self, { _tag: "SwitchDone", token: r.token })
  }

  switchDone(r: RadioState, token: number): void {
    if (token !== r.token || r.mode !== "switching") return
    this.account(r)
    if (r.departStartedNs >= 0) {
      let recent = r.departuresNs.get(r.departedFrom)
      if (recent === undefined) r.departuresNs.set(r.departedFrom, recent = [])
      noteDeparture(recent, this.kernel.nowNs - r.departStartedNs)
      r.departStartedNs = -1
    }
    r.channel = r.switchingTo.channel
    this.air.tellUnsafe(Air.AirMessage.Pause({ stations: [this.station], paused: false }))
    if (r.switchingTo.then === "scan") return this.scanHere(r)
    this.arrive(r)
  }

  /** On a channel to serve: the vMACs here were away, then say they are awake; the plan and TX go on. */
  private arrive(r: RadioState): void {
    this.setMode(r, "serving")
    r.arrivedNs = r.switchingTo.dwellFromNs ?? this.kernel.nowNs
    // Beacons could not be heard while away: the vMACs here do not count that time as beacon loss.
    const left = r.leftAtNs.get(r.channel)
    if (left !== undefined) {
      for (const v of this.vmacs) if (v.regs.state === "associated" && v.regs.channel === r.channel) v.ref.tellUnsafe({ _tag: "Returned", awayNs: this.kernel.nowNs - left })
    }
    if (this.startWaitingScan(r)) return
    if (r.airFrames === 0) {
      const nulls = this.powerSaveNulls(r, false)
      if (nulls.length > 0) this.sendOwn(r, nulls)
    }
    this.plan(r)
    this.pump(r)
    this.consolidate(r)
  }

  // --- scanning ---

  startScan(r: RadioState, channels: ReadonlyArray<number>, dwellNs: number): void {
    if (r.scan !== undefined) return // one radio: the driver consolidates; a second request waits for this one
    if (channels.length === 0) return this.status.raise({ _tag: "ScanComplete", results: [] })
    this.stats.scans++
    // A farewell goes first: the scan waits until it is done (and the radio goes to it if it is elsewhere).
    const held = this.farewells.size > 0
    r.scan = { channels, next: 0, dwellNs, results: new Map(), returnTo: r.channel, waiting: r.mode !== "serving" || held, dwellOver: false }
    if (r.mode === "serving") {
      if (held) this.plan(r)
      else this.leave(r, { then: "scan", channel: channels[0]! })
    } else if (r.mode === "sleeping") this.wake(r)
  }

  private scanHere(r: RadioState): void {
    this.setMode(r, "scanning")
    const s = r.scan!
    s.dwellOver = false
    s.waiting = false
    const probe = this.ownFrame(FrameKind.ProbeRequest, this.o.scannerMac, BROADCAST)
    // A wildcard probe: no SSID, the rates, and the HT capabilities on 802.11n.
    probe.payloadBytes = managementBodyBytes(FrameKind.ProbeRequest, { ssidBytes: 0, rsn: false, ht: this.o.phy.standard === "802.11n", wmm: false })
    this.sendOwn(r, [probe])
    after(this.kernel, s.dwellNs, this.self, { _tag: "ScanDwellOver", token: r.token })
  }

  scanDwellOver(r: RadioState, token: number): void {
    if (token !== r.token || r.scan === undefined || r.mode !== "scanning") return
    r.scan.dwellOver = true
    // A probe still waiting for the medium is given up: the radio must move on.
    if (r.airFrames > 0) this.air.tellUnsafe(Air.AirMessage.Flush({ station: this.station, reason: "scan-dwell-over" }))
    else this.advanceScan(r)
  }

  /** After a scan channel's dwell, and once the probe is settled: the next channel, or back home. */
  private advanceScan(r: RadioState): void {
    const s = r.scan!
    if (!s.dwellOver || r.airFrames > 0) return
    s.next++
    if (s.next < s.channels.length) return this.switchTo(r, { then: "scan", channel: s.channels[s.next]! })
    this.finishScan(r)
    const served = this.servedChannels(r)
    const home = served.length === 0 || served.includes(s.returnTo) ? s.returnTo : served[0]!
    this.switchTo(r, { then: "serve", channel: home })
  }

  private finishScan(r: RadioState): void {
    const s = r.scan!
    r.scan = undefined
    this.status.raise({ _tag: "ScanComplete", results: [...s.results.values()].sort((a, b) => a.bssid - b.bssid) })
  }

  // --- RX: the card's address filter, then each frame to its vMAC ---

  heard(r: RadioState, frames: ReadonlyArray<Frame>, signalDbm: number): void {
    let batch: Array<Frame> | undefined
    let batchVmac = -1
    for (const f of frames) {
      if (f.kind === FrameKind.Beacon) { // broadcast: its sender accounted for it
        this.noteScanResult(r, f, signalDbm)
        let protectionEnded = false
        for (let i = 0; i < this.vmacs.length; i++) {
          const v = this.vmacs[i]!
          if (v.regs.state !== "associated" || v.regs.bssid !== f.src) continue
          v.ref.tellUnsafe({ _tag: "Beacon", bssid: f.src, signalDbm, frame: f })
          this.beaconHeardNs[i] = this.kernel.nowNs
          // Its first beacon since the association: the driver learns it, and its join's protection ends.
          if (!this.beaconKnown[i]) protectionEnded = this.beaconKnown[i] = true
        }
        if (protectionEnded) this.plan(r)
        continue
      }
      if (f.kind === FrameKind.ProbeResponse) {
        this.noteScanResult(r, f, signalDbm)
        this.ledger.deliver(f)
        // The answer to a vMAC's probe of its own AP (beacon loss): the AP is there.
        const to = this.vmacs[f.dst - this.o.baseMac]
        if (to !== undefined && to.regs.state === "associated" && to.regs.bssid === f.src) to.ref.tellUnsafe({ _tag: "ApAnswered" })
        continue
      }
      const v = f.dst - this.o.baseMac
      if (v < 0 || v >= this.vmacs.length || this.vmacs[v]!.regs.state === "stopped") {
        this.ledger.drop(f, "rx-filter")
        continue
      }
      if (v !== batchVmac && batch !== undefined) {
        this.vmacs[batchVmac]!.ref.tellUnsafe({ _tag: "Heard", frames: batch })
        batch = undefined
      }
      batchVmac = v
      ;(batch ??= []).push(f)
    }
    if (batch !== undefined) this.vmacs[batchVmac]!.ref.tellUnsafe({ _tag: "Heard", frames: batch })
  }

  /**
   * A beacon or probe response heard while scanning: its BSS, at the signal the radio measured for
   * that frame (cfg80211 keeps the latest frame's), and whether a beacon of it was among them.
   */
  private noteScanResult(r: RadioState, frame: Frame, signalDbm: number): void {
    if (r.scan === undefined || frame.info?.ssid === undefined) return
    const beaconHeard = frame.kind === FrameKind.Beacon || r.scan.results.get(frame.src)?.beaconHeard === true
    r.scan.results.set(frame.src, { bssid: frame.src, ssid: frame.info.ssid, channel: frame.info.channel ?? r.channel, signalDbm, beaconHeard })
  }

  /** vMAC `vmac` (one of the card's: `NicLogic` routes only to those) is to associate; `beaconKnown`: its driver knows the AP's beacon already (`ChannelPlan.joining`). */
  associating(vmac: number, beaconKnown: boolean): void {
    this.beaconKnown[vmac] = beaconKnown
  }

  /** Only the vMACs on the channel the radio serves could have heard their beacons: they check for beacon loss. */
  checkBeacons(r: RadioState): void {
    if (r.mode !== "serving") return
    for (const v of this.vmacs) if (v.regs.state === "associated" && v.regs.channel === r.channel) v.ref.tellUnsafe({ _tag: "CheckBeacon" })
  }

  /**
   * The firmware restarts after a crash. The hardware keeps its tuning, its TX rings and its air
   * queue; a scan under way ends with what it found; the radio serves the channel it is tuned to,
   * as if it had just arrived.
   */
  restart(crashed: RadioState): RadioState {
    const r = initialRadio(crashed.mode === "switching" ? crashed.switchingTo.channel : crashed.channel, this.kernel.nowNs)
    r.airFrames = crashed.airFrames
    r.airOwner = crashed.airOwner
    r.lastServed = crashed.lastServed
    r.token = crashed.token + 1
    for (const [c, ns] of crashed.leftAtNs) r.leftAtNs.set(c, ns)
    if (crashed.scan !== undefined) {
      r.scan = crashed.scan
      this.finishScan(r)
    }
    this.account(crashed)
    this.air.tellUnsafe(Air.AirMessage.Pause({ stations: [this.station], paused: false }))
    this.arrive(r)
    return r
  }
}
