/**
 * The radio medium: one shared channel per channel number, with 802.11 DCF among every station
 * tuned to it: each card's one radio and each AP (a card's vMACs share its radio, so they never
 * contend with each other here). Each exchange is one contention round: the
 * stations' backoff counters run down after DIFS, the lowest wins (ties collide), the winner's
 * PPDU (an A-MPDU on 802.11n) takes its airtime, frames are lost with the probability of the loss
 * model, and the sender retries with a doubled window up to the retry limit.
 *
 * Simplifications (documented in docs/model.md): ACKs are never lost; a station that joins a
 * countdown already under way starts counting at the next replan; no capture effect.
 */
import { Data, Effect } from "effect"
import type * as Actor from "../actor/Actor.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { BROADCAST } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type * as Scope from "effect/Scope"
import { ackTimeoutNs, ampduBytes, exchangeAirtimeNs, maxAmpduMpdus, mpduBytes, ppduDurationNs } from "./Airtime.ts"
import { backoffSlots, nextCw, initialCw, SHORT_RETRY_LIMIT } from "./Backoff.ts"
import { frameErrorRate, snrFromSignal } from "./LossModel.ts"
import { timingsFor } from "./Timing.ts"
import type { PhyConfig } from "./PhyConfig.ts"
import type { Station } from "./Station.ts"

/** What the air is told: plain objects (one per exchange on the hot path), declared once. */
export type AirMessage = Data.TaggedEnum<{
  /**
   * Hand frames to a station's hardware queue (`urgent`: ahead of what is queued, as beacons go out
   * at their TBTT). `phy`, when given, is the rate the station sends at from now on (a card's radio
   * sends each vMAC's frames at that vMAC's rate).
   */
  Enqueue: { readonly station: Station; readonly frames: ReadonlyArray<Frame>; readonly urgent: boolean; readonly phy: PhyConfig | undefined }
  /** Drop every frame queued at a station (a radio reset, an AP off), recording why. */
  Flush: { readonly station: Station; readonly reason: string }
  /** Drop the frames queued at a station for one receiver (an AP forgetting a station), recording why. */
  FlushTo: { readonly station: Station; readonly receiver: number; readonly reason: string; readonly createdBeforeNs?: number | undefined }
  /** Drop the frames queued at a station from one transmitter address (a vMAC being reset), recording why. */
  FlushFrom: { readonly station: Station; readonly source: number; readonly reason: string }
  /** Move stations to another channel (a card retuning its radio). */
  Tune: { readonly stations: ReadonlyArray<Station>; readonly channel: number }
  /** Add a station to the medium (or remove it: `attached` false). */
  Attach: { readonly station: Station; readonly attached: boolean }
  /** Stop or resume stations' radio (a card retuning to another channel). */
  Pause: { readonly stations: ReadonlyArray<Station>; readonly paused: boolean }
  /**
   * A station's power-save state as its AP (`station`) learnt it from the PM bit (802.11-2016
   * 11.2.3): while it dozes, that AP holds its frames for it and sends others.
   */
  Doze: { readonly station: Station; readonly address: number; readonly dozing: boolean }
  /** Extra loss on a channel (an interference burst; 1 = an outage), until told otherwise. */
  Impair: { readonly channel: number; readonly loss: number }
  /** Internal: a medium's planned event is due. */
  Due: { readonly medium: Medium; readonly token: number }
}>

/** Constructors for the air's messages (off the hot path; hot paths write the literal). */
export const AirMessage = Data.taggedEnum<AirMessage>()

/** Frames to `station`'s queue, at the back (`urgent`: ahead of what is queued), sent at `phy` if given. */
export const enqueue = (station: Station, frames: ReadonlyArray<Frame>, urgent = false, phy?: PhyConfig): AirMessage =>
  ({ _tag: "Enqueue", station, frames, urgent, phy })

/** Counters of the medium, all channels together. */
export interface AirStats {
  exchanges: number
  collisions: number
  retries: number
  framesDelivered: number
  framesLost: number
  busyNs: number
  readonly dropsByReason: Record<string, number>
  /** Per station name: collisions it took part in (a collision counts once for each transmitter in it). */
  readonly collisionsByStation: Record<string, number>
}

interface Transmission {
  readonly station: Station
  readonly frames: Array<Frame>
}

/** The air's state, held by the actor runtime: one medium per channel. */
export interface AirState {
  readonly media: Map<number, Medium>
}

/** One channel's medium. */
export class Medium {
  readonly channel: number
  readonly stations: Array<Station> = []
  /** When the medium last became idle. */
  idleSinceNs = 0
  /** When the current countdown's slots started to count. */
  countdownStartNs = 0
  /** The planned event is valid only while this matches the timer's token. */
  token = 0
  transmitting: Array<Transmission> | undefined = undefined
  /** Extra frame loss probability on top of the channel's noise (an injected burst or outage). */
  extraLoss = 0
  constructor(channel: number) {
    this.channel = channel
  }
}

export interface AirHandle {
  readonly ref: Actor.ActorRef<AirMessage>
  readonly stats: AirStats
}

export const make = Effect.fnUntraced(function*(ledger: FrameLedger): Effect.fn.Return<AirHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel, stream } = yield* Simulation
  const random = stream("air")
  const stats: AirStats = { exchanges: 0, collisions: 0, retries: 0, framesDelivered: 0, framesLost: 0, busyNs: 0, dropsByReason: {}, collisionsByStation: {} }
  const draw = () => random.nextDoubleUnsafe()
  let self: Actor.ActorRef<AirMessage> | undefined

  const mediumOf = (st: AirState, channel: number): Medium => {
    let m = st.media.get(channel)
    if (m === undefined) {
      m = new Medium(channel)
      m.idleSinceNs = kernel.nowNs
      st.media.set(channel, m)
    }
    return m
  }

  const drop = (frames: ReadonlyArray<Frame>, reason: string): void => {
    for (const f of frames) ledger.drop(f, reason)
    stats.dropsByReason[reason] = (stats.dropsByReason[reason] ?? 0) + frames.length
  }

  const schedule = (medium: Medium, atNs: number): void => {
    const token = ++medium.token
    kernel.setTimer(atNs, () => self!.tellUnsafe({ _tag: "Due", medium, token }))
  }

  // A sender holds its frames for the stations that told it they doze (a card's vMACs do before
  // their radio leaves their channel), as an AP buffers for them, and sends the others.
  /** Whether `s` has something to send now; brings its first sendable frame to the head of its queue. */
  const ready = (s: Station): boolean => {
    if (!s.backlogged) return false
    const dozing = s.holdsFor
    if (dozing.size === 0 || !dozing.has(s.queue[0]!.ra)) return true
    const j = s.queue.findIndex((f) => f.ra === BROADCAST || !dozing.has(f.ra))
    if (j < 0) return false
    s.queue.unshift(s.queue.splice(j, 1)[0]!)
    s.retries = 0
    return true
  }

  /** Frames at the head of `s`'s queue that are on the air now (they finish where they are). */
  const inAirCount = (st: AirState, s: Station): number => mediumOf(st, s.channel).transmitting?.find((t) => t.station === s)?.frames.length ?? 0

  /**
   * Drops the queued frames of `s` that `which` picks (never those on the air now) for `reason`, and
   * tells the owner they will not be sent (its TX ring frees their slots). Returns how many.
   */
  const flushQueued = (st: AirState, s: Station, reason: string, which: (f: Frame) => boolean): number => {
    const inAir = inAirCount(st, s)
    const kept: Array<Frame> = []
    const flushed: Array<Frame> = []
    s.queue.forEach((f, i) => (i >= inAir && which(f) ? flushed : kept).push(f))
    if (flushed.length === 0) return 0
    s.queue.length = 0
    for (const f of kept) s.queue.push(f)
    drop(flushed, reason)
    s.owner.sent(s, [], flushed)
    return flushed.length
  }

  const replan = (medium: Medium): void => {
    if (medium.transmitting !== undefined) return
    const now = kernel.nowNs
    let contenders = 0
    let minSlots = Infinity
    let any: Station | undefined
    for (const s of medium.stations) {
      if (ready(s)) {
        any = s
        break
      }
    }
    if (any === undefined) {
      medium.token++ // nothing to do: cancel any planned round
      return
    }
    const t = timingsFor(any.phy)
    const countStart = Math.max(medium.idleSinceNs + t.difsNs, medium.countdownStartNs)
    const elapsedSlots = now > countStart ? Math.floor((now - countStart) / t.slotNs) : 0
    for (const s of medium.stations) {
      if (!ready(s)) continue
      if (s.backoffSlots < 0) s.backoffSlots = backoffSlots(draw, s.cw)
      else s.backoffSlots = Math.max(0, s.backoffSlots - elapsedSlots)
      contenders++
      if (s.backoffSlots < minSlots) minSlots = s.backoffSlots
    }
    medium.countdownStartNs = Math.max(now, medium.idleSinceNs + t.difsNs)
    if (contenders > 0) schedule(medium, medium.countdownStartNs + minSlots * t.slotNs)
  }

  const startExchange = (medium: Medium): void => {
    let minSlots = Infinity
    for (const s of medium.stations) if (ready(s) && s.backoffSlots < minSlots) minSlots = s.backoffSlots
    const winners: Array<Transmission> = []
    for (const s of medium.stations) {
      if (!ready(s)) continue
      s.backoffSlots -= minSlots
      if (s.backoffSlots === 0) winners.push({ station: s, frames: takeBurst(s) })
    }
    let durationNs = 0
    if (winners.length === 1) {
      const w = winners[0]!
      const first = w.frames[0]!
      durationNs = first.ra === BROADCAST
        ? ppduDurationNs(w.station.phy, mpduBytes(first.payloadBytes))
        : exchangeAirtimeNs(w.station.phy, first.payloadBytes, w.frames.length)
    } else {
      stats.collisions++
      for (const w of winners) {
        stats.collisionsByStation[w.station.name] = (stats.collisionsByStation[w.station.name] ?? 0) + 1
        const psdu = ampduBytes(w.frames.length, mpduBytes(w.frames[0]!.payloadBytes))
        durationNs = Math.max(durationNs, ppduDurationNs(w.station.phy, psdu) + ackTimeoutNs(w.station.phy))
      }
    }
    stats.exchanges++
    stats.busyNs += durationNs
    medium.transmitting = winners
    schedule(medium, kernel.nowNs + durationNs)
  }

  // The frames one exchange carries: the head frame, plus (802.11n) following frames to the same receiver.
  const takeBurst = (s: Station): Array<Frame> => {
    const head = s.queue[0]!
    let n = 1
    if (head.ra !== BROADCAST) {
      // An A-MPDU may not exceed the PPDU's legal length at this rate (maxAmpduMpdus).
      const limit = s.maxAggregate > 1 ? Math.min(s.maxAggregate, maxAmpduMpdus(s.phy, head.payloadBytes)) : 1
      while (n < limit && n < s.queue.length && s.queue[n]!.ra === head.ra && s.queue[n]!.src === head.src && s.queue[n]!.payloadBytes === head.payloadBytes) n++
    }
    return s.queue.slice(0, n)
  }

  const receiverOf = (medium: Medium, sender: Station, mac: number): Station | undefined => {
    for (const s of medium.stations) if (s !== sender && s.listening && s.answersTo(mac)) return s
    return undefined
  }

  const linkSignal = (a: Station, b: Station): number => a.signalDbm ?? b.signalDbm ?? -50

  /** A frame error rate with the medium's injected extra loss on top: both must spare the frame. */
  const withExtraLoss = (medium: Medium, fer: number): number => (medium.extraLoss === 0 ? fer : 1 - (1 - fer) * (1 - medium.extraLoss))

  const finishExchange = (st: AirState, medium: Medium): void => {
    const winners = medium.transmitting!
    medium.transmitting = undefined
    medium.idleSinceNs = kernel.nowNs
    medium.countdownStartNs = 0
    const collided = winners.length > 1
    for (const { station, frames } of winners) {
      const head = frames[0]!
      if (head.ra === BROADCAST) {
        // No ACK and no retry for group-addressed frames; each receiver draws its own loss.
        station.queue.splice(0, frames.length)
        station.backoffSlots = -1
        if (!collided) {
          for (const r of medium.stations) {
            if (r === station || !r.listening || !r.receivesBroadcast) continue
            const snr = snrFromSignal(linkSignal(station, r))
            if (draw() >= withExtraLoss(medium, frameErrorRate(station.phy, snr, mpduBytes(head.payloadBytes)))) r.owner.received(r, frames)
          }
        }
        for (const f of frames) ledger.deliver(f)
        station.owner.sent(station, frames, [])
        continue
      }
      const receiver = collided ? undefined : receiverOf(medium, station, head.ra)
      const delivered: Array<Frame> = []
      if (receiver !== undefined) {
        const fer = withExtraLoss(medium, frameErrorRate(station.phy, snrFromSignal(linkSignal(station, receiver)), mpduBytes(head.payloadBytes)))
        for (const f of frames) if (draw() >= fer) delivered.push(f)
      }
      stats.framesDelivered += delivered.length
      stats.framesLost += frames.length - delivered.length
      // Remove what got through; what did not stays at the head for a retry.
      const failed = frames.filter((f) => !delivered.includes(f))
      station.queue.splice(0, frames.length, ...failed)
      let dropped: Array<Frame> = []
      if (failed.length === 0) {
        station.cw = initialCw(timingsFor(station.phy))
        station.retries = 0
      } else {
        station.retries++
        stats.retries++
        station.cw = nextCw(station.cw, timingsFor(station.phy))
        if (station.retries > SHORT_RETRY_LIMIT) {
          station.queue.splice(0, failed.length)
          dropped = failed
          drop(failed, receiver === undefined && !collided ? "no-receiver" : "retry-limit")
          station.cw = initialCw(timingsFor(station.phy))
          station.retries = 0
        }
      }
      station.backoffSlots = -1
      if (receiver !== undefined && delivered.length > 0) receiver.owner.received(receiver, delivered)
      if (delivered.length > 0 || dropped.length > 0) station.owner.sent(station, delivered, dropped)
    }
    for (const { station } of winners) {
      if (station.retuneTo === undefined) continue
      const touched = new Set<Medium>()
      move(st, station, station.retuneTo, touched)
      station.retuneTo = undefined
      for (const m of touched) if (m !== medium) replan(m)
    }
    replan(medium)
  }

  /** Moves a station to another channel's medium; `touched` collects the media to replan. */
  const move = (st: AirState, s: Station, channel: number, touched: Set<Medium>): void => {
    const from = mediumOf(st, s.channel)
    const i = from.stations.indexOf(s)
    if (i >= 0) from.stations.splice(i, 1)
    touched.add(from)
    s.channel = channel
    s.backoffSlots = -1
    const to = mediumOf(st, channel)
    to.stations.push(s)
    touched.add(to)
  }

  const handle = (st: AirState, msg: AirMessage): void => {
    switch (msg._tag) {
      case "Enqueue": {
        const s = msg.station
        if (!s.enabled) {
          drop(msg.frames, "station-disabled")
          return
        }
        if (msg.phy !== undefined) s.phy = msg.phy
        if (msg.urgent) {
          // Behind the frames on the air now (they finish first), ahead of everything else.
          s.queue.splice(inAirCount(st, s), 0, ...msg.frames)
        } else {
          for (const f of msg.frames) s.queue.push(f)
        }
        replan(mediumOf(st, s.channel))
        return
      }
      case "FlushTo": {
        const s = msg.station
        const before = msg.createdBeforeNs ?? Infinity
        if (flushQueued(st, s, msg.reason, (f) => f.ra === msg.receiver && f.createdNs < before) > 0) replan(mediumOf(st, s.channel))
        return
      }
      case "FlushFrom": {
        const s = msg.station
        if (flushQueued(st, s, msg.reason, (f) => f.src === msg.source) > 0) replan(mediumOf(st, s.channel))
        return
      }
      case "Doze": {
        if (msg.dozing) msg.station.holdsFor.add(msg.address)
        else msg.station.holdsFor.delete(msg.address)
        // Held frames may be sendable now (or the head may be held).
        replan(mediumOf(st, msg.station.channel))
        return
      }
      case "Tune": {
        const touched = new Set<Medium>()
        for (const s of msg.stations) {
          if (mediumOf(st, s.channel).transmitting?.some((t) => t.station === s)) {
            s.retuneTo = msg.channel // finishes where it started, then moves
            continue
          }
          s.retuneTo = undefined
          move(st, s, msg.channel, touched)
        }
        for (const m of touched) replan(m)
        return
      }
      case "Attach": {
        const m = mediumOf(st, msg.station.channel)
        const i = m.stations.indexOf(msg.station)
        if (msg.attached && i < 0) m.stations.push(msg.station)
        if (!msg.attached && i >= 0) m.stations.splice(i, 1)
        replan(m)
        return
      }
      case "Flush": {
        const s = msg.station
        const m = mediumOf(st, s.channel)
        flushQueued(st, s, msg.reason, () => true)
        s.backoffSlots = -1
        s.retries = 0
        replan(m)
        return
      }
      case "Impair":
        mediumOf(st, msg.channel).extraLoss = msg.loss
        return
      case "Pause": {
        const touched = new Set<Medium>()
        for (const s of msg.stations) {
          s.paused = msg.paused
          s.backoffSlots = -1
          touched.add(mediumOf(st, s.channel))
        }
        for (const m of touched) replan(m)
        return
      }
      case "Due": {
        const m = msg.medium
        if (msg.token !== m.token) return // superseded by a replan
        if (m.transmitting !== undefined) finishExchange(st, m)
        else startExchange(m)
        return
      }
    }
  }
  const ref = yield* ModelActor.makeStateful<AirMessage, AirState>({
    name: "air",
    capacity: 1 << 16,
    initial: () => ({ media: new Map() }),
    handle: (st, msg) => {
      handle(st, msg)
      return st
    }
  })
  self = ref
  return { ref, stats }
})
