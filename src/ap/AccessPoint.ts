/**
 * An access point: it sends beacons, answers probe requests, authenticates and associates stations,
 * runs the 4-way handshake with each station of a WPA2-PSK network (`WpaAuthenticator.ts`: the
 * passphrase is proven by message 2's MIC, and only frames under the station's key pass), and
 * bridges data between its stations and the
 * wired endpoint behind it. It has its own radio (a station on the air) and does not use the host's
 * CPU. It follows each station's power-save state from the PM bit of the frames it sends
 * (802.11-2016 11.2.3.2): while a station dozes, the air holds the AP's frames for it; its beacons'
 * TIM names the dozing stations it holds frames for (`PsBuffer.ts`), and a PS-Poll releases one of
 * them, with More Data set while more wait (11.2.3.7), or a null-data frame when none does. A station
 * whose association asked for U-APSD (11.2.3.5) fetches them with trigger frames instead: each starts
 * a service period that releases up to its Max SP Length of them, the last with EOSP, or a QoS Null
 * with EOSP when none is held.
 */
import { eapolBodyBytes, managementBodyBytes, utf8Bytes } from "../air/FrameBytes.ts"
import type { NetworkFeatures } from "../air/FrameBytes.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { after, at, forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import * as Air from "../air/Air.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { Station } from "../air/Station.ts"
import type { StationOwner } from "../air/Station.ts"
import { initialCw } from "../air/Backoff.ts"
import { timingsFor } from "../air/Timing.ts"
import { MAX_24GHZ_CHANNEL } from "../scenario/Bands.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { Prng } from "../kernel/Prng.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { BROADCAST, Frame, FrameKind, Payload, Reason, Status } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { AP_KICKOUT_NS, AP_QUEUE_FRAMES, PS_BUFFER_CHECK_NS, PS_BUFFER_EXPIRE_NS } from "../vocabulary/ModelConstants.ts"
import { KEY_PART_BYTES, nonceFrom, pmkOf } from "../vocabulary/Wpa.ts"
import type { EapolKey } from "../vocabulary/Wpa.ts"
import * as Inactivity from "./ApInactivity.ts"
import * as Stations from "./ApStations.ts"
import * as Wpa from "./WpaAuthenticator.ts"
import * as Ps from "./PsBuffer.ts"
import { MIN_TIM_ELEMENT_BYTES, timElementBytes } from "../vocabulary/Tim.ts"
import type { EndpointMessage } from "./Endpoint.ts"
import { appendTo } from "../kernel/StableShapes.ts"
import type { WiredLink } from "./WiredLink.ts"
import { tbttNs, tsfOffsetNs, tsfRate } from "./BeaconPhase.ts"
import { ApRates } from "./ApRateControl.ts"
import type { ApRateOptions } from "./ApRateControl.ts"
import type { RateControlKind } from "../ratecontrol/Controllers.ts"
import type { RateCounts } from "../vocabulary/RateCounts.ts"
import { takeRateCounts } from "../air/TakeRateCounts.ts"
import { RATE_LADDER_SLOTS } from "../air/RateTally.ts"
import { fixedChain } from "../air/RetryChain.ts"

/**
 * Messages an AP's mailbox holds (a modelling choice, not a hardware figure): it held at most 4 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 14

export type ApMessage = Data.TaggedEnum<{
  Heard: { readonly frames: ReadonlyArray<Frame> }
  /** An outcome of frames it sent; `counts`: their attempts by rate, for data to one station (its rate control's TX status). */
  Sent: { readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame>; readonly counts: RateCounts | undefined }
  Beacon: {}
  Downlink: { readonly frames: ReadonlyArray<Frame> }
  SetPower: { readonly on: boolean }
  Deauthenticate: { readonly station: number }
  /** Look for expired power-save frames of a station that has dozed since `since`. */
  PsExpiry: { readonly station: number; readonly since: number }
  /** The retransmission timer of the EAPOL-Key message with `replayCounter` sent to `station`. */
  EapolTimeout: { readonly station: number; readonly replayCounter: number }
  /** The air let a service period's frames to `address` go (`Air.Released`): `frames` of them, the last `lastFrameId`. */
  Released: { readonly address: number; readonly frames: number; readonly lastFrameId: number }
  /** `station`'s inactivity timer, armed for `dueNs` (`ApInactivity.ts`); stale once another was armed. */
  InactivityCheck: { readonly station: number; readonly dueNs: number }
  /** A departing station's farewell `frameId` has had `Ps.FAREWELL_TIMEOUT_NS` (stale once the station went). */
  FarewellTimeout: { readonly station: number; readonly frameId: number }
}>

export interface ApOptions {
  readonly name: string
  readonly ssid: string
  readonly bssid: number
  readonly channel: number
  /** Its fixed signal level both ways, in dBm, when it has no place in the radio environment. */
  readonly signalDbm: number | undefined
  /** Its node in the radio environment, when it has a position. */
  readonly node: number | undefined
  readonly beaconIntervalNs: number
  /** Its first TBTT, ns after the start (0 ≤ it < `beaconIntervalNs`): the phase of its beacons. */
  readonly firstTbttNs: number
  /** How fast its clock runs against the card's, ppm (`BeaconPhase.ts`): its later TBTTs drift from that phase. */
  readonly clockDriftPpm: number
  /** Beacons per DTIM (the TIM's DTIM period, 9.4.2.6). */
  readonly dtimPeriod: number
  /** How long a station may stay quiet before the AP polls it (`ApInactivity.ts`, hostapd's `ap_max_inactivity`). */
  readonly maxInactivityNs: number
  /** WPA2-PSK passphrase; undefined for an open network. */
  readonly passphrase: string | undefined
  readonly phy: PhyConfig
  /** The rate control it runs for each associated station ("fixed": none, every frame at `phy`'s rate). */
  readonly rateControl: RateControlKind
  /** The BSS uses WMM: QoS data frames, EDCA, the WMM Parameter element in beacons. */
  readonly qos: boolean
  /** 802.11n: the BlockAck buffer it offers, and the most MPDUs it aggregates itself (an estimate: the same number). */
  readonly blockAckWindow: number
  /** Its side of the wire to the endpoint (uplink): serialization and latency. */
  readonly uplink: WiredLink
  readonly air: Air.AirHandle
  readonly ledger: FrameLedger
  readonly endpoint: Port<EndpointMessage>
}

export interface ApStats {
  beacons: number
  associations: number
  rejectedAssociations: number
  uplinkFrames: number
  downlinkFrames: number
  /** Stations forgotten because nothing sent to them got through for AP_KICKOUT_NS. */
  kickouts: number
  /** Inactive stations polled, and those disassociated when the poll went unanswered (`ApInactivity.ts`). */
  inactivityPolls: number
  inactivityDisassociations: number
  /** 4-way handshakes completed (message 4 verified, key installed), and failed (deauthenticated: bad MIC or timeout). */
  handshakes: number
  handshakeFailures: number
  /** PS-Polls answered (a buffered frame released, or a null-data frame when none was held). */
  psPolls: number
  /** U-APSD trigger frames that started a service period. */
  uapsdTriggers: number
  /** Per station: its PS-Polls answered, its triggers that started a service period, and the data frames they fetched (delivered). */
  readonly powerSaveBy: Map<number, PowerSaveFetches>
  /** Its data MPDU attempts, and those acknowledged, by ladder index, to every station over the run. */
  readonly attemptsByRate: Array<number>
  readonly framesByRate: Array<number>
}

/** How one dozing station fetched what its AP held. */
export interface PowerSaveFetches {
  psPolls: number
  triggers: number
  /** Data frames the AP held for it and released to a PS-Poll or in a service period, delivered. */
  fetched: number
}

/** What the AP reports as it happens, for checkers to observe. */
export class ApTraces {
  /** The AP accepted a protected data frame from station `mac` under that station's installed key. */
  readonly acceptedUnderKey = new TraceSource<number, Frame>()
}

export interface ApHandle {
  readonly ref: ModelActor.ModelRef<ApMessage>
  readonly stats: ApStats
  readonly traces: ApTraces
  /** Its clock against the card's, ppm: the scenario's or the one drawn (`BeaconPhase.ts`). */
  readonly clockDriftPpm: number
}

interface ApState {
  /** Powered on; the radio itself stays on after power-off until the farewell deauthentications are sent. */
  on: boolean
  readonly table: Stations.StationTable
  /** Deauthentications sent while powering off, by frame id: the radio goes quiet when all are settled. */
  readonly farewells: Set<number>
  /** Power save: the AIDs, the frames queued per station, the DTIM count. */
  readonly ps: Ps.PsBuffer
  /** Rate control of what it sends each associated station. */
  readonly rates: ApRates
}

/**
 * The longest A-MPDU an AP sends, as one PPDU: 4,096 µs. The hostapd APs the model stands for run on
 * mac80211 drivers whose aggregates have such a cap; ath9k's, the common one, is 4 ms ("4ms is the
 * default (and maximum) duration", xmit.c `ath_update_max_aggr_framelen`, txop 4096 µs, its
 * preamble included). Without it an AP's aggregates grew to the HT-mixed PPDU's 5,484 µs (the
 * fidelity audit, 2026-12-05), past the card's 4 ms and any real AP's.
 */
const AP_AMPDU_TIME_LIMIT_NS = 4_096_000

/** What the air tells an AP's station, as messages to the AP (a class: one call target in every world, see `nic/Nic.ts`'s `RadioOwner`). */
class ApStationOwner implements StationOwner {
  private readonly ap: Port<ApMessage>

  constructor(ap: Port<ApMessage>) {
    this.ap = ap
  }

  received(_station: Station, frames: ReadonlyArray<Frame>): void {
    this.ap.tellUnsafe({ _tag: "Heard", frames })
  }

  sent(station: Station, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void {
    // The air counts attempts by rate for data only, one burst at a time: an outcome of data to the
    // receiver counted takes what was counted since the last (a management frame's leaves it, as does
    // a flush of another station's frames while a burst is under way).
    const head = delivered[0] ?? dropped[0]
    const counts = head !== undefined && head.kind === FrameKind.Data && head.ra === station.rates.receiver ? takeRateCounts(station.rates) : undefined
    this.ap.tellUnsafe({ _tag: "Sent", delivered, dropped, counts })
  }
}

export const make = Effect.fnUntraced(function*(options: ApOptions): Effect.fn.Return<ApHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const sim = yield* Simulation
  const { kernel } = sim
  const { air } = options
  const stats: ApStats = {
    beacons: 0, associations: 0, rejectedAssociations: 0, uplinkFrames: 0, downlinkFrames: 0, kickouts: 0, inactivityPolls: 0, inactivityDisassociations: 0,
    handshakes: 0, handshakeFailures: 0, psPolls: 0, uapsdTriggers: 0, powerSaveBy: new Map(),
    attemptsByRate: new Array<number>(RATE_LADDER_SLOTS).fill(0), framesByRate: new Array<number>(RATE_LADDER_SLOTS).fill(0)
  }
  const traces = new ApTraces()
  const self = forward<ApMessage>()
  const station = new Station({
    name: options.name, mac: options.bssid, channel: options.channel, phy: options.phy,
    signalDbm: options.signalDbm, node: options.node, receivesBroadcast: true, maxAggregate: options.phy.standard === "802.11n" ? options.blockAckWindow : 1, qos: options.qos,
    blockAckWindow: options.blockAckWindow,
    ampduTimeLimitNs: AP_AMPDU_TIME_LIMIT_NS,
    cwMin: initialCw(timingsFor(options.phy)),
    owner: new ApStationOwner(self),
    beacons: true
  })
  // Data to a station without a controller of its own goes at the PHY's rate, counted by rate as the rest.
  station.chain = fixedChain(options.phy)
  air.ref.tellUnsafe(Air.AirMessage.Attach({ station, attached: true }))
  // Its ANonces and group key come from its own stream: the same seed gives the same handshakes.
  const logic = new ApLogic(kernel, options, station, stats, traces, sim.stream(`wpa-nonces/${options.name}`))
  // Minstrel's sample tables come from the AP's own stream, for all its stations.
  let rateStream: Prng | undefined
  const rateOptions: ApRateOptions = { kind: options.rateControl, phy: options.phy, random: () => (rateStream ??= sim.stream(`rate-control/${options.name}`)) }
  const ref = yield* ModelActor.makeStateful<ApMessage, ApState>({
    name: options.name,
    capacity: MAILBOX_MESSAGES,
    initial: () => ({ on: true, table: Stations.emptyTable(), farewells: new Set(), ps: Ps.emptyPsBuffer(), rates: new ApRates(station, rateOptions) }),
    handle: (state, msg) => logic.handle(state, msg),
    // An AP that crashes reboots: it forgot its stations (they are deauthenticated when they next send).
    recover: (crashed) => {
      for (const mac of crashed.table.dozing.keys()) air.ref.tellUnsafe(Air.AirMessage.Doze({ station, address: mac, dozing: false }))
      station.enabled = crashed.on
      crashed.rates.clear()
      return { on: crashed.on, table: Stations.emptyTable(), farewells: new Set(), ps: Ps.emptyPsBuffer(), rates: new ApRates(station, rateOptions) }
    }
  })
  self.set(ref)
  logic.self = ref
  after(kernel, options.firstTbttNs, ref, { _tag: "Beacon" })
  return { ref, stats, traces, clockDriftPpm: options.clockDriftPpm }
})

/** The AP's handling of its messages, on the state the actor runtime holds. */
class ApLogic {
  self: Port<ApMessage> | undefined
  private readonly kernel: Kernel
  private readonly o: ApOptions
  private readonly station: Station
  private readonly stats: ApStats
  /** What its management frames advertise (their sizes follow from it). */
  private readonly features: NetworkFeatures
  private readonly traces: ApTraces
  private readonly nonces: Prng
  /** The network's group key (GTK), handed over in message 3. */
  private readonly gtk: Uint8Array
  /** Its TSF minus the run's clock (`BeaconPhase.ts`). */
  private readonly tsfOffsetNs: number
  /** Its TSF's ticks per tick of the run's clock. */
  private readonly tsfRate: number
  /** The index of its next TBTT (the first is 0). */
  private nextTbtt = 1
  constructor(kernel: Kernel, o: ApOptions, station: Station, stats: ApStats, traces: ApTraces, nonces: Prng) {
    this.kernel = kernel
    this.o = o
    this.station = station
    this.stats = stats
    this.traces = traces
    this.nonces = nonces
    this.gtk = nonceFrom(() => nonces.nextUint32()).subarray(0, KEY_PART_BYTES)
    this.tsfRate = tsfRate(o.clockDriftPpm)
    this.tsfOffsetNs = tsfOffsetNs(o.firstTbttNs, o.beaconIntervalNs, this.tsfRate)
    this.features = { ssidBytes: utf8Bytes(o.ssid), rsn: o.passphrase !== undefined, ht: o.phy.standard === "802.11n", wmm: o.qos, erp: o.channel <= MAX_24GHZ_CHANNEL }
  }

  handle(s: ApState, msg: ApMessage): ApState {
    switch (msg._tag) {
      case "Heard":
        if (s.on) this.heard(s, msg.frames)
        else for (const f of msg.frames) if (f.dst !== BROADCAST) this.o.ledger.drop(f, "ap-off")
        break
      case "Sent": {
        // Powering off: the radio goes quiet once every farewell deauthentication is out (or given up).
        if (s.farewells.size > 0) {
          for (const f of msg.delivered) s.farewells.delete(f.id)
          for (const f of msg.dropped) s.farewells.delete(f.id)
          if (s.farewells.size === 0 && !s.on) this.station.enabled = false
        }
        // Indexed loops: `for … of` made an iterator per list here, two per exchange the AP finished.
        for (let i = 0; i < msg.delivered.length; i++) {
          const f = msg.delivered[i]!
          if (f.dst === BROADCAST) continue
          Ps.noteQueued(s.ps, f.dst, -1)
          if (f.psReleased && f.kind === FrameKind.Data && f.payload !== Payload.None) this.fetchesOf(f.dst).fetched++
          if (f.eosp) Ps.eospDone(s.ps, f.dst, f.id)
        }
        for (let i = 0; i < msg.dropped.length; i++) {
          const f = msg.dropped[i]!
          if (f.dst === BROADCAST) continue
          Ps.noteQueued(s.ps, f.dst, -1)
          if (f.eosp) Ps.eospDone(s.ps, f.dst, f.id)
        }
        // A departing station's farewell is out (or given up): the station goes (hostapd's deauth callback).
        if (s.ps.departures.size > 0) {
          for (const f of msg.delivered) if (Ps.isFarewell(s.ps, f.dst, f.id)) this.departed(s, f.dst)
          for (const f of msg.dropped) if (Ps.isFarewell(s.ps, f.dst, f.id)) this.departed(s, f.dst)
        }
        if (msg.counts !== undefined) {
          for (let i = 0; i < msg.counts.attempts.length; i++) {
            this.stats.attemptsByRate[i]! += msg.counts.attempts[i]!
            this.stats.framesByRate[i]! += msg.counts.acked[i]!
          }
          const head = msg.delivered[0] ?? msg.dropped[0]!
          s.rates.report(head.ra, msg.counts, msg.delivered.length + msg.dropped.length, this.kernel.nowNs)
        }
        const gone = Stations.noteSent(s.table, msg.delivered, msg.dropped, this.kernel.nowNs, AP_KICKOUT_NS)
        for (let i = 0; i < gone.length; i++) this.kick(s, gone[i]!)
        // The endpoint reads them in this order: the delivered, then the dropped (one list when the other is empty, as mostly).
        const done = msg.dropped.length === 0 ? msg.delivered : msg.delivered.length === 0 ? msg.dropped : [...msg.delivered, ...msg.dropped]
        if (done.length > 0) this.o.endpoint.tellUnsafe({ _tag: "Credit", frames: done })
        break
      }
      case "Beacon":
        if (s.on) {
          this.stats.beacons++
          this.beacon(s)
        }
        // Each TBTT from the first and its index, not from the last: no rounding piles up over a long run.
        at(this.kernel, tbttNs(this.o.firstTbttNs, this.o.beaconIntervalNs, this.tsfRate, this.nextTbtt++), this.self!, msg)
        break
      case "Downlink": {
        // Frames refused at the door are done too: the endpoint, which counts what it has queued
        // here, hears of them as of those the air delivered or dropped (else its TCP sender's
        // budget and its saturating flows' windows would shrink for good with each one).
        let refused: Array<Frame> | undefined
        for (const f of msg.frames) {
          const reason = !s.on
            ? "ap-off"
            : !s.table.associated.has(f.dst)
            ? "ap-station-gone"
            : this.features.rsn && !s.table.keys.has(f.dst)
            ? "ap-port-closed"
            : this.station.queued >= AP_QUEUE_FRAMES
            ? "ap-queue-full"
            : undefined
          if (reason !== undefined) {
            this.o.ledger.drop(f, reason)
            ;(refused ??= []).push(f)
          } else {
            this.stats.downlinkFrames++
            // On an RSN every station's link is CCMP-protected under its pairwise key.
            f.protected = this.features.rsn
            f.keyId = s.table.keys.get(f.dst) ?? 0
            Ps.noteQueued(s.ps, f.dst, 1)
            this.o.air.ref.tellUnsafe(Air.enqueue(this.station, [f]))
          }
        }
        if (refused !== undefined) this.o.endpoint.tellUnsafe({ _tag: "Credit", frames: refused })
        break
      }
      case "SetPower":
        if (msg.on === s.on) break
        s.on = msg.on
        if (s.on) {
          this.station.enabled = true
          break
        }
        // Shutting down, an AP deauthenticates its stations (hostapd does), then goes quiet. Each gets
        // its own frame, acknowledged and retried: a lost broadcast would leave a station that only
        // receives believing it is still associated.
        this.o.air.ref.tellUnsafe(Air.AirMessage.Flush({ station: this.station, reason: "ap-off" }))
        for (const mac of [...s.table.associated]) {
          this.stationGone(s, mac)
          s.farewells.add(this.reply(s, FrameKind.Deauth, mac, { status: Reason.DeauthLeaving }).id)
        }
        for (const mac of [...s.table.authenticated]) Stations.forget(s.table, mac)
        for (const mac of [...s.ps.departures.keys()]) this.departed(s, mac)
        if (s.farewells.size === 0) this.station.enabled = false
        break
      case "PsExpiry":
        // Frames held longer than the buffer's lifetime are dropped; the rest wait for the next look.
        if (!Stations.psBufferDue(s.table, msg.station, msg.since, this.kernel.nowNs, PS_BUFFER_EXPIRE_NS)) break
        this.o.air.ref.tellUnsafe(Air.AirMessage.FlushTo({
          station: this.station, receiver: msg.station, reason: "ps-buffer-expired", createdBeforeNs: this.kernel.nowNs - PS_BUFFER_EXPIRE_NS
        }))
        after(this.kernel, PS_BUFFER_CHECK_NS, this.self!, msg)
        break
      case "Deauthenticate":
        if (s.table.associated.has(msg.station)) this.farewell(s, msg.station, FrameKind.Deauth, Status.Unspecified)
        else this.stationGone(s, msg.station)
        break
      case "FarewellTimeout":
        // No TX status came for the farewell (it is still held for a station that never woke): the station goes.
        if (Ps.isFarewell(s.ps, msg.station, msg.frameId)) this.departed(s, msg.station)
        break
      case "Released":
        // What the service period brought: nothing held (the frames counted are on the air or gone), a QoS Null ends it.
        if (msg.frames > 0) Ps.servicePeriodEndsWith(s.ps, msg.address, msg.lastFrameId)
        else if (s.ps.servicePeriods.get(msg.address) === Ps.SP_STARTING) this.endServicePeriodEmpty(s, msg.address)
        break
      case "InactivityCheck":
        if (s.on) this.inactivityCheck(s, msg.station, msg.dueNs)
        break
      case "EapolTimeout": {
        const a = s.table.handshakes.get(msg.station)
        if (!s.on || a === undefined || a.replayCounter !== msg.replayCounter) break // answered, or the station is gone
        this.handshakeStep(s, msg.station, Wpa.timedOut(a))
        break
      }
    }
    return s
  }

  /**
   * Carries out a step of station `mac`'s handshake: the next message (and its timer), the key, or
   * the end. `first`: a frame to go out just ahead of the message (the association response ahead of
   * message 1; urgent frames queued one by one would overtake each other).
   */
  private handshakeStep(s: ApState, mac: number, step: Wpa.AuthenticatorStep, first?: Frame): void {
    s.table.handshakes.set(mac, step.state)
    if (step.deauthenticate !== undefined) {
      this.stats.handshakeFailures++
      this.farewell(s, mac, FrameKind.Deauth, step.deauthenticate)
      return
    }
    if (step.install !== undefined) {
      s.table.keys.set(mac, step.install.id)
      this.stats.handshakes++
    }
    const frames = first === undefined ? [] : [first]
    if (step.send !== undefined) {
      frames.push(this.eapolFrame(mac, step.send))
      after(this.kernel, Wpa.timeoutNs(step.state), this.self!, { _tag: "EapolTimeout", station: mac, replayCounter: step.state.replayCounter })
    }
    // Ahead of queued data, as management frames go.
    if (frames.length > 0) {
      Ps.noteQueued(s.ps, mac, frames.length)
      this.o.air.ref.tellUnsafe(Air.enqueue(this.station, frames, true))
    }
  }

  /** An EAPOL-Key frame to `to`, registered. */
  private eapolFrame(to: number, key: EapolKey): Frame {
    const f = new Frame(this.o.ledger.nextFrameId(), FrameKind.Eapol, this.o.bssid, to, this.o.bssid)
    f.createdNs = this.kernel.nowNs
    f.info = { eapol: key }
    f.payloadBytes = eapolBodyBytes(key.keyDataBytes)
    this.o.ledger.register(f)
    return f
  }

  private advert() {
    return { ssid: this.o.ssid, channel: this.o.channel, tsfOffsetNs: this.tsfOffsetNs, tsfRate: this.tsfRate }
  }

  /** A beacon at its TBTT (now), with the TIM of the stations that doze and have frames held (9.3.3.3). */
  private beacon(s: ApState): void {
    const tim = Ps.nextTim(s.ps, s.table.dozing, this.o.dtimPeriod)
    const f = this.managementFrame(FrameKind.Beacon, BROADCAST, { ...this.advert(), tim, tbttNs: this.kernel.nowNs, beaconIntervalNs: this.o.beaconIntervalNs })
    // The body counts the smallest TIM; a longer partial bitmap adds its octets.
    f.payloadBytes += timElementBytes(tim) - MIN_TIM_ELEMENT_BYTES
    this.o.air.ref.tellUnsafe(Air.enqueue(this.station, [f], true))
  }

  private fetchesOf(mac: number): PowerSaveFetches {
    let f = this.stats.powerSaveBy.get(mac)
    if (f === undefined) {
      f = { psPolls: 0, triggers: 0, fetched: 0 }
      this.stats.powerSaveBy.set(mac, f)
    }
    return f
  }

  /**
   * A PS-Poll from a dozing station: one held frame goes (the air sets More Data), or a null-data frame
   * says none is held (by AC_VO, as mac80211's `ieee80211_send_null_response` queues it: `Edcaf.goesByVoice`).
   */
  private psPoll(s: ApState, mac: number): void {
    if (!s.table.dozing.has(mac)) return // awake as far as the AP knows: its frames are flowing
    this.stats.psPolls++
    this.fetchesOf(mac).psPolls++
    if (Ps.queuedFor(s.ps, mac) > 0) {
      this.o.air.ref.tellUnsafe(Air.AirMessage.Release({ station: this.station, address: mac, frames: 1, eosp: false, answer: undefined }))
      return
    }
    const f = new Frame(this.o.ledger.nextFrameId(), FrameKind.Data, this.o.bssid, mac, this.o.bssid)
    f.createdNs = this.kernel.nowNs
    f.psReleased = true
    this.o.ledger.register(f)
    Ps.noteQueued(s.ps, mac, 1)
    this.o.air.ref.tellUnsafe(Air.enqueue(this.station, [f], true))
  }

  /**
   * A frame from `mac` with PM bit `pm`, in power save before it or not (`wasDozing`): a U-APSD trigger
   * (`Ps.trigger`) starts a service period: up to its Max SP Length of held frames go, the last with EOSP.
   */
  private maybeTrigger(s: ApState, mac: number, qosData: boolean, wasDozing: boolean, pm: boolean): void {
    if (!Ps.trigger(s.ps, mac, qosData, wasDozing, pm)) return
    this.stats.uapsdTriggers++
    this.fetchesOf(mac).triggers++
    if (Ps.queuedFor(s.ps, mac) === 0) return this.endServicePeriodEmpty(s, mac)
    this.o.air.ref.tellUnsafe(Air.AirMessage.Release({
      station: this.station, address: mac, frames: Ps.maxSpLengthOf(s.ps, mac), eosp: true, answer: this.self!
    }))
  }

  /** A service period with nothing held: a QoS Null with EOSP ends it (11.2.3.5), by AC_VO at TID 7 (`Edcaf.goesByVoice`). */
  private endServicePeriodEmpty(s: ApState, mac: number): void {
    const f = new Frame(this.o.ledger.nextFrameId(), FrameKind.QosNull, this.o.bssid, mac, this.o.bssid)
    f.createdNs = this.kernel.nowNs
    f.psReleased = true
    f.eosp = true
    this.o.ledger.register(f)
    Ps.noteQueued(s.ps, mac, 1)
    Ps.servicePeriodEndsWith(s.ps, mac, f.id)
    this.o.air.ref.tellUnsafe(Air.enqueue(this.station, [f], true))
  }

  private reply(s: ApState, kind: FrameKind, to: number, info: Frame["info"]): Frame {
    const f = this.managementFrame(kind, to, info)
    if (to !== BROADCAST) Ps.noteQueued(s.ps, to, 1)
    // Management frames do not wait behind queued data (beacons go out at their TBTT).
    this.o.air.ref.tellUnsafe(Air.enqueue(this.station, [f], true))
    return f
  }

  private managementFrame(kind: FrameKind, to: number, info: Frame["info"]): Frame {
    const f = new Frame(this.o.ledger.nextFrameId(), kind, this.o.bssid, to, this.o.bssid)
    f.createdNs = this.kernel.nowNs
    f.info = info
    f.payloadBytes = managementBodyBytes(kind, this.features)
    this.o.ledger.register(f)
    return f
  }

  /** The station is gone: forgotten, awake as far as the air knows, and its endpoint flows end. */
  private stationGone(s: ApState, mac: number): void {
    this.disassociated(s, mac)
    Ps.forgetStation(s.ps, mac)
    this.setDozing(s, mac, false)
  }

  /** The station is no longer associated: forgotten, its rate control too, and its endpoint flows end. */
  private disassociated(s: ApState, mac: number): void {
    Stations.forget(s.table, mac)
    s.rates.forget(mac)
    at(this.kernel, this.o.uplink.notice(this.kernel.nowNs), this.o.endpoint, { _tag: "StationGone", station: mac })
  }

  /**
   * Tells associated station `mac` it is gone (a deauthentication or disassociation with `reason`)
   * and forgets it. A station that dozes has its farewell held like any frame to it (`Ps.departing`):
   * its AID and power save stay, so the TIM calls it to fetch the frame, until the frame is out or
   * given up or `Ps.FAREWELL_TIMEOUT_NS` passes (`departed`). Sent to a radio asleep it would be lost,
   * and a station that only receives would never learn it was dropped.
   */
  private farewell(s: ApState, mac: number, kind: FrameKind, reason: number): void {
    const f = this.reply(s, kind, mac, { status: reason })
    if (!s.table.dozing.has(mac)) return this.stationGone(s, mac)
    this.disassociated(s, mac)
    Ps.departing(s.ps, mac, f.id)
    after(this.kernel, Ps.FAREWELL_TIMEOUT_NS, this.self!, { _tag: "FarewellTimeout", station: mac, frameId: f.id })
  }

  /** A departing station goes: its power save ends and what is still queued for it is purged (hostapd removes it from the driver). */
  private departed(s: ApState, mac: number): void {
    Ps.forgetStation(s.ps, mac)
    this.setDozing(s, mac, false)
    this.purge(mac)
  }

  /** Whether `mac`'s PM bit, PS-Polls and triggers count: associated, or departing with its farewell held. */
  private inPowerSave(s: ApState, mac: number): boolean {
    return s.table.associated.has(mac) || Ps.isDeparting(s.ps, mac)
  }

  private setDozing(s: ApState, mac: number, pm: boolean): void {
    if (!Stations.notePowerManagement(s.table, mac, pm, this.kernel.nowNs)) return
    if (!pm) Ps.awake(s.ps, mac)
    this.o.air.ref.tellUnsafe(Air.AirMessage.Doze({ station: this.station, address: mac, dozing: pm }))
    if (pm) after(this.kernel, PS_BUFFER_EXPIRE_NS, this.self!, { _tag: "PsExpiry", station: mac, since: this.kernel.nowNs })
  }

  /** The station is gone (`stationGone`) and so is what was queued for it (`purge`). */
  private stationDropped(s: ApState, mac: number): void {
    this.stationGone(s, mac)
    this.purge(mac)
  }

  /**
   * What is queued for `mac` goes, unsent (`ap-station-gone`): mac80211 purges a removed station's
   * queues (`__cleanup_single_sta`, net/mac80211/sta_info.c).
   */
  private purge(mac: number): void {
    this.o.air.ref.tellUnsafe(Air.AirMessage.FlushTo({ station: this.station, receiver: mac, reason: "ap-station-gone" }))
  }

  /** A station that has not acknowledged anything for a long while is gone: forget it (and tell it). */
  private kick(s: ApState, mac: number): void {
    this.stats.kickouts++
    this.purge(mac)
    this.farewell(s, mac, FrameKind.Deauth, Status.Unspecified)
  }

  /** Arms `mac`'s inactivity timer for `timer`'s look (a look armed before it is then stale). */
  private armInactivity(s: ApState, mac: number, timer: Inactivity.InactivityTimer): void {
    s.table.inactivity.set(mac, timer)
    at(this.kernel, timer.dueNs, this.self!, { _tag: "InactivityCheck", station: mac, dueNs: timer.dueNs })
  }

  /** A look of `mac`'s inactivity timer (hostapd's `ap_handle_timer`, `ApInactivity.ts`). */
  private inactivityCheck(s: ApState, mac: number, dueNs: number): void {
    const t = s.table
    const timer = t.inactivity.get(mac)
    if (timer === undefined || timer.dueNs !== dueNs) return // the station left, or came again, since
    const now = this.kernel.nowNs
    const step = Inactivity.inactivityStep(timer.next, now, t.lastActive.get(mac) ?? now, this.o.maxInactivityNs, Inactivity.inactivityFuzzNs(mac))
    switch (step._tag) {
      case "Rearm":
        return this.armInactivity(s, mac, step.timer)
      case "Poll":
        this.stats.inactivityPolls++
        this.pollStation(s, mac)
        return this.armInactivity(s, mac, step.timer)
      case "Disassociate":
        // The poll went unanswered: what was queued for the station goes, it is told, and forgotten
        // (it is no longer associated, and a frame it sends gets a deauthentication back).
        this.stats.inactivityDisassociations++
        this.purge(mac)
        this.farewell(s, mac, FrameKind.Disassoc, Reason.Inactivity)
        return this.armInactivity(s, mac, step.timer)
      case "Deauthenticate":
        t.inactivity.delete(mac)
        this.reply(s, FrameKind.Deauth, mac, { status: Reason.PrevAuthNotValid })
        return
    }
  }

  /**
   * hostapd polls an inactive station (`hostapd_drv_poll_client`): mac80211's `ieee80211_probe_client`
   * sends it a QoS Null on a WMM link, else a null-data frame, at TID 7 by AC_VO (`Edcaf.goesByVoice`),
   * and its acknowledgement is the answer (`Stations.noteSent`). Held like any frame while the station dozes.
   */
  private pollStation(s: ApState, mac: number): void {
    const f = new Frame(this.o.ledger.nextFrameId(), this.o.qos ? FrameKind.QosNull : FrameKind.Data, this.o.bssid, mac, this.o.bssid)
    f.createdNs = this.kernel.nowNs
    this.o.ledger.register(f)
    Ps.noteQueued(s.ps, mac, 1)
    this.o.air.ref.tellUnsafe(Air.enqueue(this.station, [f], true))
  }

  private heard(s: ApState, frames: ReadonlyArray<Frame>): void {
    const { ledger } = this.o
    // A PPDU's frames have one sender: heard from, an associated station is active (mac80211's last RX).
    const from = frames[0]?.src
    if (from !== undefined && s.table.lastActive.has(from)) s.table.lastActive.set(from, this.kernel.nowNs)
    let uplink: Array<Frame> | undefined
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      switch (f.kind) {
        case FrameKind.ProbeRequest:
          // A broadcast one's sender accounted for it; one sent to this AP (a station's beacon-loss probe) arrives here.
          if (f.dst !== BROADCAST) ledger.deliver(f)
          this.reply(s, FrameKind.ProbeResponse, f.src, this.advert())
          break
        case FrameKind.Auth:
          ledger.deliver(f)
          // A station that authenticates starts over: whatever the endpoint had going with it ends,
          // and so do the frames queued for its previous association (they may be another VM's, if the
          // card gave the address to another VM since).
          this.stationDropped(s, f.src)
          Stations.authenticate(s.table, f.src)
          this.reply(s, FrameKind.Auth, f.src, { status: Status.Success })
          break
        case FrameKind.AssocRequest: {
          ledger.deliver(f)
          const status = Stations.associate(s.table, f.src, f.info?.ssid, this.o)
          if (status === Status.Success) {
            this.stats.associations++
            s.rates.associated(f.src, this.kernel.nowNs)
            s.table.lastActive.set(f.src, this.kernel.nowNs)
            this.armInactivity(s, f.src, Inactivity.firstLook(this.kernel.nowNs, this.o.maxInactivityNs))
          } else this.stats.rejectedAssociations++
          // A station's AID comes with its association (9.4.1.8): its bit in the TIM.
          // The response's Capability says whether the BSS is an RSN (Privacy, 9.4.1.4).
          const answer = status === Status.Success ? { status, aid: Ps.assignAid(s.ps, f.src), rsn: this.features.rsn } : { status, rsn: this.features.rsn }
          // U-APSD, asked in the QoS Info of its WMM Information element: a WMM BSS grants it.
          if (status === Status.Success) Ps.noteUapsd(s.ps, f.src, this.o.qos ? f.info?.uapsd?.maxSpLength : undefined)
          // On an RSN the 4-way handshake follows at once: message 1 with a fresh ANonce (12.7.6.2), behind the response.
          if (status === Status.Success && this.features.rsn) {
            const response = this.managementFrame(FrameKind.AssocResponse, f.src, answer)
            this.handshakeStep(s, f.src, Wpa.start(this.o.bssid, f.src, nonceFrom(() => this.nonces.nextUint32()), this.gtk), response)
          } else this.reply(s, FrameKind.AssocResponse, f.src, answer)
          break
        }
        case FrameKind.Eapol: {
          const a = s.table.handshakes.get(f.src)
          const key = f.info?.eapol
          if (a === undefined || key === undefined || !s.table.associated.has(f.src)) {
            ledger.drop(f, "eapol-unexpected")
            break
          }
          const step = Wpa.receive(a, key, pmkOf(this.o.passphrase!, this.o.ssid))
          if (step.verdict === "accepted") ledger.deliver(f)
          else ledger.drop(f, `eapol-${step.verdict}`)
          this.handshakeStep(s, f.src, step)
          break
        }
        case FrameKind.Deauth:
          ledger.deliver(f)
          // The station left: what was queued for it goes too, not sent to a station that is gone.
          this.stationDropped(s, f.src)
          break
        case FrameKind.PsPoll:
          ledger.deliver(f)
          if (this.inPowerSave(s, f.src)) this.psPoll(s, f.src)
          break
        case FrameKind.QosNull:
          // A U-APSD trigger frame ends here; its answer is the service period.
          ledger.deliver(f)
          if (this.inPowerSave(s, f.src)) {
            const wasDozing = s.table.dozing.has(f.src)
            this.setDozing(s, f.src, f.pm)
            this.maybeTrigger(s, f.src, true, wasDozing, f.pm)
          }
          break
        case FrameKind.Data:
          // A null-data frame (a station's connection monitor, or its power-save announcement) ends
          // here: its acknowledgement was the answer.
          if (this.inPowerSave(s, f.src)) {
            const wasDozing = s.table.dozing.has(f.src)
            this.setDozing(s, f.src, f.pm)
            // Data on a WMM link is QoS data, a U-APSD trigger if it keeps PM=1; null data (non-QoS Null, as mac80211 sends PM announcements) is not.
            if (f.pm && wasDozing) this.maybeTrigger(s, f.src, this.o.qos && f.payload !== Payload.None, wasDozing, f.pm)
          }
          if (s.table.associated.has(f.src)) {
            if (f.payload === Payload.None) ledger.deliver(f)
            else if (!Stations.acceptsData(s.table, this.features.rsn, f.src, f)) {
              ledger.drop(f, s.table.keys.has(f.src) ? "ap-wrong-key" : "ap-port-closed")
            } else {
              if (f.protected) this.traces.acceptedUnderKey.fire(f.src, f)
              uplink = appendTo(uplink, f)
            }
          } else {
            ledger.drop(f, "ap-not-associated")
            // Told already when departing (its farewell waits for it).
            if (!Ps.isDeparting(s.ps, f.src)) this.reply(s, FrameKind.Deauth, f.src, { status: Status.Unspecified })
          }
          break
        default:
          ledger.drop(f, "ap-unexpected-frame")
      }
    }
    if (uplink !== undefined) {
      const arrivesNs = this.o.uplink.send(this.kernel.nowNs, uplink)
      this.stats.uplinkFrames += uplink.length
      if (uplink.length > 0) at(this.kernel, arrivesNs, this.o.endpoint, { _tag: "Uplink", frames: uplink })
    }
  }
}
