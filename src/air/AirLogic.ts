/**
 * The air's decisions, on the state the actor runtime holds (`AirState`: one medium per channel):
 * EDCA/DCF contention among the stations tuned to a channel (each with its EDCAFs, `Edcaf.ts`), the exchange's airtime, losses, retries and
 * their backoff, and the bookkeeping of queues when a station retunes, pauses, dozes or is flushed.
 * The timings, backoff and loss are pure (`Timing.ts`, `Airtime.ts`, `Backoff.ts`, `LossModel.ts`).
 */
import type { Kernel } from "../kernel/Kernel.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { BROADCAST, FrameKind, isNullData } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { MAX_PS_BUFFERED_FRAMES } from "../vocabulary/ModelConstants.ts"
import type { AirMessage, AirStats, AirTraces, PpduOnAir } from "./Air.ts"
import { burstLength, firstSubframe, withSubframe } from "./Aggregation.ts"
import type { AggregationLimits, BurstSize } from "./Aggregation.ts"
import { ackDurationNs, ackTimeoutNs, blockAckDurationNs, ppduDurationNs, psduExchangeNs } from "./Airtime.ts"
import { frameMpduBytes } from "./FrameBytes.ts"
import type { PhyConfig } from "./PhyConfig.ts"
import { stageAt } from "./RetryChain.ts"
import { basicRateFor, LOWEST_BASIC_RATE } from "./RateTable.ts"
import { aifsNs, backoffSlots, eifsNs, SHORT_RETRY_LIMIT } from "./Backoff.ts"
import { DEFAULT_NOISE_FLOOR_DBM, frameErrorRate, snrFromSignal } from "./LossModel.ts"
import { ACK_BYTES, BLOCK_ACK_BYTES, MAX_AMPDU_MPDUS, timingsFor } from "./Timing.ts"
import type { Station } from "./Station.ts"
import type { Edcaf } from "./Edcaf.ts"
import { cwAfterFailureOf, cwMinOf } from "./Edcaf.ts"
import type { RadioEnvironment } from "../environment/RadioEnvironment.ts"
import { appendTo, objectArray } from "../kernel/StableShapes.ts"
import type { Timer } from "../kernel/TimerHeap.ts"

/**
 * The level of a link with no fixed level and no place in a radio environment (a test's bare
 * stations), in dBm: the same modelling choice as the scenario's `DEFAULT_AP_SIGNAL_DBM` (a strong
 * link), repeated here because the air sits below the scenario and does not import it.
 */
const FIXED_LINK_SIGNAL_DBM = -50

interface Transmission {
  readonly station: Station
  /** The EDCAF of `station` it was sent by (its frames are the head of that EDCAF's queue). */
  readonly edcaf: Edcaf
  readonly frames: Array<Frame>
  /** The rate it goes at: the station's, or the lowest basic rate for management and group-addressed frames. */
  readonly phy: PhyConfig
  /** Its PSDU: one MPDU, or the A-MPDU of `frames`. */
  readonly psduBytes: number
  /** When its PPDU begins: the exchange's start, or (a collision) the sender's slot boundary less than aCCATime after it. */
  readonly startNs: number
  /** The rate's ladder index when it goes by the station's retry chain (counted for its TX status); -1 otherwise. */
  readonly rateIndex: number
}

/** The air's state, held by the actor runtime: one medium per channel. */
export interface AirState {
  readonly media: Map<number, Medium>
}

/** One channel's medium. */
export class Medium {
  readonly channel: number
  readonly stations: Array<Station> = objectArray()
  /** The kernel timer of its planned event (an exchange's start or end), moved as plans change; kept once fired. */
  readonly timer: Timer
  /** What the timer calls. */
  readonly due: () => void
  transmitting: Array<Transmission> | undefined = undefined
  /** Extra frame loss probability on top of the channel's noise (an injected burst or outage). */
  extraLoss = 0
  /** When its last exchange ended, in ns (−1: none yet), and who sent in it. */
  busyEndNs = -1
  lastSenders: ReadonlyArray<Transmission> = []
  constructor(channel: number, timer: Timer, logic: AirLogic) {
    this.channel = channel
    this.timer = timer
    this.due = () => logic.mediumDue(this)
  }
}

/** A PPDU and its fate, for the air's `ppdu` trace (built only when someone listens). */
const onAir = (
  medium: Medium, w: Transmission, collided: boolean, arrived: ReadonlyArray<Frame> | undefined, answered: boolean, answerLost: boolean, signalDbm: number
): PpduOnAir => ({
  channel: medium.channel, startNs: w.startNs, station: w.station, frames: w.frames, phy: w.phy, psduBytes: w.psduBytes, collided, arrived, answered, answerLost, signalDbm
})

/** No frames: shared by every outcome that has none (the arrays an outcome passes on are only read). */
const NO_FRAMES: ReadonlyArray<Frame> = Object.freeze([])

/** The frames their receiver does not have yet (a retry after a lost Ack is a duplicate): `frames` itself when none is. */
const withoutDuplicates = (frames: ReadonlyArray<Frame>): ReadonlyArray<Frame> => {
  for (let j = 0; j < frames.length; j++) if (frames[j]!.receivedOnAir) return frames.filter((f) => !f.receivedOnAir)
  return frames
}

/**
 * Removes the first `n` frames of a station's queue. Emptied by `pop`, which keeps the array's store:
 * `shift`, `splice` or a length of 0 let go of it, and the next frame queued grew a new one (152
 * bytes, once per frame when the queue holds one at a time); `shift` for one frame of several, as it
 * makes no array of what it removed.
 */
const removeHead = (queue: Array<Frame>, n: number): void => {
  if (n >= queue.length) while (queue.length > 0) queue.pop()
  else if (n === 1) queue.shift()
  else queue.splice(0, n)
}

/** The first boundary at or after `nowNs` of the slot grid that starts at `originNs`. */
const nextBoundaryNs = (originNs: number, nowNs: number, slotNs: number): number =>
  nowNs <= originNs ? originNs : originNs + Math.ceil((nowNs - originNs) / slotNs) * slotNs

/** Whether `f` may go in an A-MPDU: a unicast data frame with a body, not one a PS-Poll released (which goes alone). */
const aggregable = (f: Frame): boolean => f.kind === FrameKind.Data && f.ra !== BROADCAST && !f.psReleased && !isNullData(f)

/**
 * Gives the next receiver its turn: when the head is for `served`, the receiver the last exchange
 * went to, and a data frame for another receiver waits before any management or group-addressed
 * frame, and is not held for it (a dozing receiver's, `held`), that receiver's oldest frame comes to the head (its others follow it when the A-MPDU is
 * gathered). Frames to one receiver keep their order. An aggregating AP schedules its stations in
 * turn, one aggregate each, as ath9k's TID scheduler (xmit.c `ath_txq_schedule`) and mac80211's
 * per-station TX queues (`ieee80211_next_txq`) round-robin them; out of one FIFO, the frames a
 * receiver's last aggregate left behind went next, as an aggregate of a few (a 4 ms cap left 2 of
 * a 64-frame window: every second A-MPDU carried 2 MPDUs).
 */
export const turnToNextReceiver = (queue: Array<Frame>, served: number, held: ReadonlySet<number>): void => {
  if (queue[0]!.ra !== served) return
  for (let j = 1; j < queue.length; j++) {
    const f = queue[j]!
    if (f.ra === BROADCAST || f.kind !== FrameKind.Data) return
    if (f.ra === served || !aggregable(f) || (held.size > 0 && held.has(f.ra))) continue
    moveToHead(queue, j)
    return
  }
}

/**
 * Moves `queue[j]` to the head, the frames before it one place back, in place: a `splice` and an
 * `unshift` made an array for the removed frame and could copy the queue into a new store.
 */
const moveToHead = (queue: Array<Frame>, j: number): void => {
  const f = queue[j]!
  for (let k = j; k > 0; k--) queue[k] = queue[k - 1]!
  queue[0] = f
}

/**
 * Brings the data frames queued for the head's receiver, from the head's address, up behind the head
 * (in their order, as many as the A-MPDU carries within `limits`: its frames, its PSDU, its time),
 * past frames queued for other receivers, so that an A-MPDU carries what its receiver has waiting,
 * as a sender that queues per receiver and TID aggregates (802.11-2016 10.13; mac80211's per-station
 * TX queues). It stops at a frame for that
 * receiver that may not join an A-MPDU (a management or null-data frame, a frame released by a
 * PS-Poll), so no frame overtakes another to the same receiver, and at a group-addressed or
 * management frame for anyone: an AP's beacon, queued ahead of its data at its TBTT, would otherwise
 * be passed by every aggregate while a backlog of one station's data lasted (hardware sends beacons
 * from a queue of their own; campaign seed 101, case 39: a beacon held for the rest of the run). A
 * card's radio hands the air one burst at a time, so this reorders only an AP's queue, where several
 * stations' downlinks interleave. One pass over the part of the queue it reorders; nothing moves when
 * the head's frames already follow it. Until 2026-12-05 it gathered up to the frame limit (a BlockAck
 * window of 64) where the 4 ms time limit sent 21: the 43 left up front had passed the other
 * receivers' frames for good, and two saturated downlinks kept a third station's frame 107 places
 * back for the whole run (campaign seed 482, case 13: every ping reply to two VMs held until the end).
 */
export const gatherBehindHead = (queue: Array<Frame>, limits: AggregationLimits): void => {
  const head = queue[0]!
  if (head.kind !== FrameKind.Data || head.ra === BROADCAST || head.psReleased || isNullData(head)) return
  let matched = 1
  let lastMatch = 0
  let firstOther = -1
  let psdu = firstSubframe(head, limits)
  for (let j = 1; j < queue.length && matched < limits.framesMax; j++) {
    const f = queue[j]!
    if (f.ra !== head.ra || f.src !== head.src) {
      if (f.ra === BROADCAST || f.kind !== FrameKind.Data) break
      if (firstOther < 0) firstOther = j
      continue
    }
    if (f.kind !== FrameKind.Data || f.psReleased || isNullData(f)) break
    // Only what the aggregate carries: a frame left behind up front would stay ahead of the frames it passed.
    const next = withSubframe(psdu, f, limits)
    if (next < 0) break
    psdu = next
    matched++
    lastMatch = j
  }
  if (firstOther < 0 || firstOther > lastMatch) return
  const others: Array<Frame> = []
  let w = firstOther
  for (let j = firstOther; j <= lastMatch; j++) {
    const f = queue[j]!
    if (f.ra === head.ra && f.src === head.src) queue[w++] = f
    else others.push(f)
  }
  for (let j = 0; j < others.length; j++) queue[w++] = others[j]!
}

/**
 * Where the air's draws come from: its stream (`Prng`), called as a method, so that the call keeps one
 * target from one world to the next (a closure per world deoptimised the exchange's code in each).
 */
export interface UniformDraws {
  nextDoubleUnsafe(): number
}

/**
 * The medium's logic. Its loops over stations, winners and frames index their arrays: V8 did not
 * inline the iterator of a `for…of` in these functions, and each element cost an iterator result
 * object (these loops were 15% of the bytes model (a) allocated per frame; docs/benchmark.md).
 */
export class AirLogic {
  private readonly kernel: Kernel
  private readonly ledger: FrameLedger
  private readonly stats: AirStats
  /** The air's own random stream (losses, backoff draws). */
  private readonly random: UniformDraws
  /** The state the actor runtime holds (from its latest message), for the media's timers. */
  private state: AirState | undefined = undefined
  private readonly traces: AirTraces
  /** The limits the burst builder gets, filled in for each burst (one object, not one per exchange). */
  private readonly limits: { -readonly [K in keyof AggregationLimits]: AggregationLimits[K] } = {
    phy: LOWEST_BASIC_RATE, qos: false, framesMax: 1, timeLimitNs: 0
  }
  /** Where the burst builder leaves a burst's PSDU size. */
  private readonly size: BurstSize = { psduBytes: 0 }
  /** Positions, path loss, shadowing and fading; without it every link has its AP's fixed level. */
  private readonly env: RadioEnvironment | undefined
  private readonly noiseFloorDbm: number

  constructor(kernel: Kernel, ledger: FrameLedger, stats: AirStats, random: UniformDraws, traces: AirTraces, env?: RadioEnvironment) {
    this.env = env
    this.noiseFloorDbm = env?.noiseFloorDbm ?? DEFAULT_NOISE_FLOOR_DBM
    this.traces = traces
    this.kernel = kernel
    this.ledger = ledger
    this.stats = stats
    this.random = random
  }

  /**
   * Whether a PPDU whose error rate is `fer` arrives: one uniform draw in [0, 1) of the air's stream,
   * at or above `fer`. A boolean, not the draw: a double returned from a call V8 does not inline is
   * boxed, and this runs two or three times an exchange.
   */
  private arrives(fer: number): boolean {
    return this.random.nextDoubleUnsafe() >= fer
  }

  /** A new backoff count for contention window `cw`, from one draw of the air's stream (an integer: no box). */
  private drawBackoff(cw: number): number {
    return backoffSlots(this.random.nextDoubleUnsafe(), cw)
  }

  private mediumOf(st: AirState, channel: number): Medium {
    let m = st.media.get(channel)
    if (m === undefined) {
      m = new Medium(channel, this.kernel.unsetTimer(), this)
      st.media.set(channel, m)
    }
    return m
  }

  private drop(frames: ReadonlyArray<Frame>, reason: string): void {
    // A frame that reached its receiver (only its Ack was lost) is the receiver's to account for.
    for (const f of frames) if (!f.receivedOnAir) this.ledger.drop(f, reason)
    this.stats.dropsByReason[reason] = (this.stats.dropsByReason[reason] ?? 0) + frames.length
  }

  /**
   * Plans `medium`'s next event (an exchange's start or end) at `atNs`; a later plan moves it. It
   * happens in the kernel's timer callback, not as a message in the air's mailbox: the kernel fires a
   * timer only when its run queue is empty, so the mailbox is empty too and its drain would have
   * handled the event first, with the same deliveries in the same order (one kernel task and one
   * trace event less per exchange start and end).
   */
  private schedule(medium: Medium, atNs: number): void {
    this.kernel.rescheduleTimer(medium.timer, atNs, medium.due)
  }

  /** Voids the medium's planned event. */
  private unschedule(medium: Medium): void {
    this.kernel.cancelTimer(medium.timer)
  }

  /**
   * A medium's planned event is due (a later plan moves the timer, so this is the latest). A method
   * its medium's timer calls: one call target in every world.
   */
  mediumDue(m: Medium): void {
    if (m.transmitting !== undefined) this.finishExchange(this.state!, m)
    else this.startExchange(m)
  }

  // A sender holds its frames for the stations that told it they doze (a card's vMACs do before
  // their radio leaves their channel), as an AP buffers for them, and sends the others.
  /** Whether `e` has something to send now; brings its first sendable frame to the head of its queue. */
  private ready(e: Edcaf): boolean {
    const s = e.station
    if (!s.enabled || s.paused || e.queue.length === 0) return false
    const dozing = s.holdsFor
    const queue = e.queue
    const head = queue[0]!
    if (dozing.size === 0 || !dozing.has(head.ra) || head.psReleased) return true
    // The first frame it may send comes to the head. A loop, not `findIndex` with a closure: this runs
    // at every plan of the medium while an AP holds frames for a dozing station (a fifth of the soak's
    // allocation, with the `splice` and `unshift` that moved the frame).
    for (let j = 1; j < queue.length; j++) {
      const f = queue[j]!
      if (f.ra !== BROADCAST && dozing.has(f.ra) && !f.psReleased) continue
      moveToHead(queue, j)
      e.retries = 0
      return true
    }
    return false
  }

  /**
   * Where the oldest frame `e` holds for the dozing `receiver` is, when it holds as many as a
   * power-save buffer may (`MAX_PS_BUFFERED_FRAMES`); −1 while there is room. Frames on the air or
   * already released to the station do not count: they are on their way.
   */
  private oldestHeldOverflow(st: AirState, e: Edcaf, receiver: number): number {
    let held = 0
    let oldest = -1
    for (let i = this.inAirCount(st, e); i < e.queue.length; i++) {
      const f = e.queue[i]!
      if (f.ra !== receiver || f.psReleased) continue
      if (oldest < 0) oldest = i
      held++
    }
    return held >= MAX_PS_BUFFERED_FRAMES ? oldest : -1
  }

  /** Frames at the head of `e`'s queue that are on the air now (they finish where they are). */
  private inAirCount(st: AirState, e: Edcaf): number {
    return this.mediumOf(st, e.station.channel).transmitting?.find((t) => t.edcaf === e)?.frames.length ?? 0
  }

  /**
   * Drops the queued frames of `s` that `which` picks (never those on the air now) for `reason`, and
   * tells the owner they will not be sent (its TX ring frees their slots). Returns how many.
   */
  private flushQueued(st: AirState, s: Station, reason: string, which: (f: Frame) => boolean): number {
    const flushed: Array<Frame> = []
    for (const e of s.edcafs) {
      const inAir = this.inAirCount(st, e)
      const kept: Array<Frame> = []
      const before = flushed.length
      e.queue.forEach((f, i) => (i >= inAir && which(f) ? flushed : kept).push(f))
      if (flushed.length === before) continue
      e.queue.length = 0
      for (const f of kept) e.queue.push(f)
    }
    if (flushed.length === 0) return 0
    this.drop(flushed, reason)
    s.owner.sent(s, [], flushed)
    return flushed.length
  }

  /**
   * Plans the medium's next exchange: each station's EDCAF counts its own backoff on its own slot grid, from
   * its `accessNs` (AIFS or EIFS after the medium's last busy time as it saw it), so a count goes on
   * across replans and no slot is lost or gained when a station joins. A station draws its next count
   * as soon as it has sent (the post-backoff of 10.3.4.3 and of EDCA's backoff procedure, 10.22.2) and
   * keeps counting while it has nothing it may send: a frame that comes to an idle medium after the
   * count ran out goes at the station's next slot boundary once its wait has passed, without a draw
   * (10.3.4.2); a station that became able to send while the medium was busy draws a new count when
   * the exchange ends (`finishExchange`). A count of −1 (none drawn yet, or reset) acts as one that
   * has run out.
   */
  private replan(medium: Medium): void {
    if (medium.transmitting !== undefined) return
    const now = this.kernel.nowNs
    let nextNs = Infinity
    for (let i = 0; i < medium.stations.length; i++) {
      const edcafs = medium.stations[i]!.edcafs
      for (let a = 0; a < edcafs.length; a++) {
        const e = edcafs[a]!
        if (!this.ready(e)) continue
        const slotNs = timingsFor(e.station.phy).slotNs
        if (e.backoffSlots < 0 || e.countFromNs + e.backoffSlots * slotNs < now) {
          e.backoffSlots = 0
          e.countFromNs = nextBoundaryNs(e.accessNs, now, slotNs)
        }
        const atNs = e.countFromNs + e.backoffSlots * slotNs
        if (atNs < nextNs) nextNs = atNs
      }
    }
    if (nextNs === Infinity) this.unschedule(medium) // nothing to do: cancel any planned round
    else this.schedule(medium, nextNs)
  }

  /**
   * The earliest count ran out: that EDCAF sends, and so does every other station's whose count runs
   * out less than aCCATime later (it cannot have sensed the first one: a collision). Two of one
   * station's EDCAFs whose counts run out in the same slot collide inside it: the higher access
   * category sends (`edcafs` lists them lowest first), the lower one acts as after a collision on the
   * air (`lostInside`). The others freeze their counts at the slots that passed idle (10.3.4.3).
   */
  private startExchange(medium: Medium): void {
    const now = this.kernel.nowNs
    // One winner is the rule: its array is made with it (`appendTo`); a collision's grows.
    let won: Array<Transmission> | undefined
    for (let i = 0; i < medium.stations.length; i++) {
      const s = medium.stations[i]!
      const t = timingsFor(s.phy)
      const edcafs = s.edcafs
      // The station's EDCAF that sends, if one's count runs out now, and when.
      let sender: Edcaf | undefined
      let senderAtNs = 0
      for (let a = 0; a < edcafs.length; a++) {
        const e = edcafs[a]!
        const ready = this.ready(e)
        e.readyAtExchangeStart = ready
        if (e.backoffSlots < 0) continue
        const atNs = e.countFromNs + e.backoffSlots * t.slotNs
        if (atNs < now + t.ccaNs && ready) {
          if (sender !== undefined) this.lostInside(sender)
          sender = e
          senderAtNs = atNs
          continue
        }
        if (e.backoffSlots === 0) continue // nothing left to count (an idle AC_VO's, mostly)
        // It defers, its count less the slot boundaries it met before it could sense the transmission
        // (those under aCCATime after its start, as for the colliders above); the count goes on from there.
        // EDCA decrements at every boundary from the one that ends AIFS on (10.22.2; ns-3's
        // ChannelAccessManager counts the same), DCF only after each idle slot past DIFS (10.3.4.3).
        const sensedNs = now + t.ccaNs
        const boundaries = sensedNs > e.countFromNs ? Math.ceil((sensedNs - e.countFromNs) / t.slotNs) : 0
        const passed = s.qos ? boundaries : boundaries - 1
        const counted = Math.min(Math.max(0, passed), e.backoffSlots)
        e.backoffSlots -= counted
        e.countFromNs += counted * t.slotNs
      }
      if (sender !== undefined) won = appendTo(won, this.takeBurst(medium, sender, Math.max(now, senderAtNs)))
    }
    if (won === undefined) return this.replan(medium)
    const winners = won
    let endNs = now
    if (winners.length === 1) {
      const w = winners[0]!
      endNs = now + (w.frames[0]!.ra === BROADCAST ? ppduDurationNs(w.phy, w.psduBytes) : psduExchangeNs(w.phy, w.psduBytes, w.frames.length > 1))
    } else {
      // Nobody answers a collision: the medium is busy until the last PPDU ends.
      this.stats.collisions++
      for (let k = 0; k < winners.length; k++) {
        const w = winners[k]!
        this.stats.collisionsByStation[w.station.name] = (this.stats.collisionsByStation[w.station.name] ?? 0) + 1
        endNs = Math.max(endNs, w.startNs + ppduDurationNs(w.phy, w.psduBytes))
      }
    }
    this.meterAirtime(medium, winners)
    this.stats.exchanges++
    this.stats.busyNs += endNs - now
    for (let k = 0; k < winners.length; k++) {
      const w = winners[k]!
      for (let j = 0; j < w.frames.length; j++) {
        const path = w.frames[j]!.txPath
        if (path !== undefined) path.airStartNs = w.startNs
      }
    }
    medium.transmitting = winners
    this.schedule(medium, endNs)
  }

  /**
   * An internal collision lost (802.11-2016 10.22.2.4): `e`'s count ran out in the slot where a higher
   * access category of its station sends, and it acts as after a collision on the air: its head
   * frame's retry count goes up, CW[AC] doubles (up to CWmax[AC]) and it draws a new count, which
   * counts from AIFS[AC] after the exchange (10.22.2.2). At the retry limit its head frame is dropped
   * (the frame, not a burst: one MPDU's count reached it; a modelling choice for a case that needs
   * seven in a row). Not one of `AirStats.retries`, which counts what went on the air.
   */
  private lostInside(e: Edcaf): void {
    const s = e.station
    const t = timingsFor(s.phy)
    this.stats.internalCollisions++
    e.retries++
    e.cw = cwAfterFailureOf(e)
    if (atRetryLimit(e)) {
      const dropped = e.queue.slice(0, 1)
      this.giveUp(e, dropped, "retry-limit")
      s.owner.sent(s, NO_FRAMES, dropped)
    }
    e.backoffSlots = this.drawBackoff(e.cw)
  }

  /** `e` gives up the `frames` at the head of its queue (dropped as `reason`): CW back to CWmin[AC], retries to 0 (10.22.2.2). */
  private giveUp(e: Edcaf, frames: ReadonlyArray<Frame>, reason: string): void {
    removeHead(e.queue, frames.length)
    this.drop(frames, reason)
    e.cw = cwMinOf(e)
    e.retries = 0
  }

  /**
   * `s`'s EDCAFs may count their backoff from AIFS[AC] after `fromNs`, or (`error`: it received a frame
   * in error) from EIFS after it (802.11-2016 10.3.2.3.7; 10.22.2.4 puts AIFS[AC] in DIFS's place in
   * both). One station's EDCAFs share its view of the medium, its AckTimeout included (as ns-3's
   * ChannelAccessManager serves every Txop of a station from one record of the medium).
   */
  private access(s: Station, fromNs: number, error: boolean): void {
    const t = timingsFor(s.phy)
    const edcafs = s.edcafs
    for (let a = 0; a < edcafs.length; a++) {
      const e = edcafs[a]!
      e.accessNs = fromNs + (error ? eifsNs(t, e.aifsn) : aifsNs(t, e.aifsn))
      e.countFromNs = e.accessNs
    }
  }

  /**
   * Stations that meter their airtime (a card's radio) hear of each PPDU they send and of those they
   * receive; the answer (Ack, BlockAck), only once the exchange shows it was sent (`finishExchange`).
   */
  private meterAirtime(medium: Medium, winners: ReadonlyArray<Transmission>): void {
    for (let k = 0; k < winners.length; k++) {
      const w = winners[k]!
      const head = w.frames[0]!
      const ppduNs = ppduDurationNs(w.phy, w.psduBytes)
      w.station.airtime?.tx(head.src, ppduNs)
      if (winners.length > 1) continue // a collision: nobody receives it
      if (head.ra === BROADCAST) {
        for (let n = 0; n < medium.stations.length; n++) {
          const r = medium.stations[n]!
          if (r !== w.station && r.airtime !== undefined && r.listening && r.receivesBroadcast) r.airtime.rx(BROADCAST, ppduNs)
        }
        continue
      }
      this.receiverOf(medium, w.station, head.ra)?.airtime?.rx(head.ra, ppduNs)
    }
  }

  /**
   * What one exchange carries: the head frame, plus (802.11n) the data frames behind it from the same
   * address to the same receiver while the A-MPDU stays legal (`ampduFits`, at most `maxAggregate`
   * MPDUs). Management and group-addressed frames go alone, at the lowest basic rate.
   */
  private takeBurst(medium: Medium, e: Edcaf, startNs: number): Transmission {
    const s = e.station
    const queue = e.queue
    const first = queue[0]!
    if (first.ra === BROADCAST || first.kind !== FrameKind.Data) {
      return { station: s, edcaf: e, frames: queue.slice(0, 1), phy: LOWEST_BASIC_RATE, psduBytes: frameMpduBytes(first, s.qos), startNs, rateIndex: -1 }
    }
    // A new aggregate of an AP's (not a retry, which resends the same frames) goes to the next receiver in turn.
    if (e.retries === 0 && s.maxAggregate > 1 && aggregable(first)) turnToNextReceiver(queue, e.lastReceiver, s.holdsFor)
    const head = queue[0]!
    e.lastReceiver = head.ra
    // A retry goes at the rate its chain gives for this attempt (the aggregate's: the head's failed exchanges).
    const chain = s.chainFor(head.ra)
    const stage = chain === undefined ? undefined : stageAt(chain, e.retries)
    const phy = stage === undefined ? s.phy : stage.phy
    const limits = this.limits
    limits.phy = phy
    limits.qos = s.qos
    // A PS-Poll's answer is one frame.
    limits.framesMax = head.psReleased ? 1 : s.maxAggregate > 1 ? Math.min(s.maxAggregate, this.windowOf(medium, s, head.ra)) : 1
    limits.timeLimitNs = s.ampduTimeLimitNs
    if (limits.framesMax > 1) gatherBehindHead(queue, limits)
    const n = burstLength(queue, 0, queue.length, limits, this.size)
    return { station: s, edcaf: e, frames: queue.slice(0, n), phy, psduBytes: this.size.psduBytes, startNs, rateIndex: stage === undefined ? -1 : stage.rateIndex }
  }

  /** The BlockAck window the receiver of `ra` offers (the standard's largest when none on the channel answers to it). */
  private windowOf(medium: Medium, sender: Station, ra: number): number {
    return this.receiverOf(medium, sender, ra)?.blockAckWindow ?? MAX_AMPDU_MPDUS
  }

  private receiverOf(medium: Medium, sender: Station, mac: number): Station | undefined {
    for (let i = 0; i < medium.stations.length; i++) {
      const s = medium.stations[i]!
      if (s !== sender && s.listening && s.answersTo(mac)) return s
    }
    return undefined
  }

  /**
   * The signal `rx` receives from `tx` for one PPDU, in dBm: the environment's mean level of the link
   * now, faded, or (stations outside the environment) the fixed level of the link's AP end.
   */
  private linkSignal(tx: Station, rx: Station, channel: number): number {
    const env = this.env
    if (env !== undefined && tx.node !== undefined && rx.node !== undefined) {
      const nowNs = this.kernel.nowNs
      return env.meanSignalDbm(tx.node, rx.node, channel, nowNs) + env.fadeDb(tx.node, rx.node, channel, nowNs)
    }
    return tx.signalDbm ?? rx.signalDbm ?? FIXED_LINK_SIGNAL_DBM
  }

  /** A frame error rate with the medium's injected extra loss on top: both must spare the frame. */
  private withExtraLoss(medium: Medium, fer: number): number {
    return (medium.extraLoss === 0 ? fer : 1 - (1 - fer) * (1 - medium.extraLoss))
  }

  private finishExchange(st: AirState, medium: Medium): void {
    const winners = medium.transmitting!
    medium.transmitting = undefined
    const now = this.kernel.nowNs
    medium.busyEndNs = now
    medium.lastSenders = winners
    const collided = winners.length > 1
    // Every station heard the exchange: a collision as frames in error (EIFS after the last PPDU), else
    // a frame whose Duration covered its answer (AIFS after that). Its senders and receiver are set below.
    for (let n = 0; n < medium.stations.length; n++) this.access(medium.stations[n]!, now, collided)
    const capture = this.traces.ppdu.connected
    for (let k = 0; k < winners.length; k++) {
      const w = winners[k]!
      const { station, edcaf, frames, phy, rateIndex } = w
      const head = frames[0]!
      if (head.ra === BROADCAST) {
        // No ACK and no retry for group-addressed frames; each receiver draws its own loss.
        removeHead(edcaf.queue, frames.length)
        edcaf.backoffSlots = this.drawBackoff(edcaf.cw) // its post-backoff
        let strongestDbm = NaN
        if (!collided) {
          for (let n = 0; n < medium.stations.length; n++) {
            const r = medium.stations[n]!
            if (r === station || !r.listening || !r.receivesBroadcast) continue
            const signal = this.linkSignal(station, r, medium.channel)
            if (!(signal <= strongestDbm)) strongestDbm = signal
            const snr = snrFromSignal(signal, this.noiseFloorDbm)
            if (this.arrives(this.withExtraLoss(medium, frameErrorRate(phy, snr, frameMpduBytes(head, station.qos))))) r.owner.received(r, frames, signal)
            else this.access(r, now, true)
          }
        }
        this.access(station, now, false)
        if (capture) this.traces.ppdu.fire(onAir(medium, w, collided, undefined, false, false, strongestDbm), this.kernel.nowNs)
        for (let j = 0; j < frames.length; j++) this.ledger.deliver(frames[j]!)
        station.owner.sent(station, frames, [])
        continue
      }
      const receiver = collided ? undefined : this.receiverOf(medium, station, head.ra)
      // What arrived: `frames` itself when every frame did (the rule), else a new array of those that did.
      let arrived: ReadonlyArray<Frame> = NO_FRAMES
      let acked = false
      let signalDbm = NaN
      if (receiver !== undefined) {
        const signal = this.linkSignal(station, receiver, medium.channel)
        signalDbm = signal
        const snr = snrFromSignal(signal, this.noiseFloorDbm)
        // The error rate depends on the MPDU's length: computed again only when it changes.
        let bytes = -1
        let fer = 0
        let some: Array<Frame> | undefined
        for (let j = 0; j < frames.length; j++) {
          const f = frames[j]!
          const b = frameMpduBytes(f, station.qos)
          if (b !== bytes) {
            bytes = b
            fer = this.withExtraLoss(medium, frameErrorRate(phy, snr, b))
          }
          const got = this.arrives(fer)
          if (some !== undefined) {
            if (got) some.push(f)
          } else if (!got) {
            some = frames.slice(0, j)
          }
        }
        arrived = some ?? frames
        // The receiver answers what arrived with an Ack (one MPDU) or a BlockAck (an A-MPDU), at the
        // control-response rate; the answer can be lost like any frame, and then the sender retries.
        if (arrived.length > 0) {
          // Sent, so metered, whether or not the sender decodes it: a receiver that got nothing
          // sends nothing, and the sender only listens out its AckTimeout (10.3.2.9).
          const answerNs = frames.length > 1 ? blockAckDurationNs(phy) : ackDurationNs(phy)
          receiver.airtime?.tx(head.ra, answerNs)
          station.airtime?.rx(head.src, answerNs)
          const answer = frames.length > 1 ? BLOCK_ACK_BYTES : ACK_BYTES
          // The answer goes the other way, at the receiver's transmit power (the link's loss and this
          // PPDU's fade are the same both ways: reciprocal, within the channel's coherence time).
          const env = this.env
          const answerSnr = env === undefined || station.node === undefined || receiver.node === undefined ? snr : snr + env.powerDifferenceDb(receiver.node, station.node)
          acked = this.arrives(this.withExtraLoss(medium, frameErrorRate(basicRateFor(phy), answerSnr, answer)))
          if (!acked) this.stats.answersLost++
          // A frame the receiver already has (its Ack was lost) is a duplicate: it discards it
          // (sequence-number check, 802.11-2016 10.3.2.11). The rest go up.
          const fresh = withoutDuplicates(arrived)
          for (let j = 0; j < fresh.length; j++) fresh[j]!.receivedOnAir = true
          if (fresh.length > 0) receiver.owner.received(receiver, fresh, signal)
        }
      }
      if (capture) {
        this.traces.ppdu.fire(onAir(medium, w, collided, receiver === undefined ? undefined : arrived, arrived.length > 0, arrived.length > 0 && !acked, signalDbm), this.kernel.nowNs)
      }
      // The sender's wait: after a collision or an unanswered frame, AIFS after its AckTimeout (and
      // after the last PPDU on the air); after an answer it could not decode, EIFS (10.3.2.9,
      // 10.3.2.3.7). A receiver that got nothing of the frame received it in error: EIFS after it.
      if (collided || arrived.length === 0) {
        const ppduEndNs = w.startNs + ppduDurationNs(phy, w.psduBytes)
        const unansweredNs = ppduEndNs + ackTimeoutNs(phy)
        this.access(station, collided ? Math.max(now, unansweredNs) : unansweredNs, false)
        if (receiver !== undefined) this.access(receiver, ppduEndNs, true)
      } else if (!acked) this.access(station, now, true)
      const succeeded = acked ? arrived : NO_FRAMES
      if (rateIndex >= 0) {
        station.rates.count(rateIndex, frames.length, succeeded.length, head.ra)
      }
      this.stats.framesDelivered += succeeded.length
      this.stats.framesLost += frames.length - succeeded.length
      // Remove what was acknowledged; the rest stays at the head for a retry.
      const failed = succeeded.length === frames.length ? NO_FRAMES : frames.filter((f) => !succeeded.includes(f))
      if (failed.length === 0) removeHead(edcaf.queue, frames.length)
      else edcaf.queue.splice(0, frames.length, ...failed)
      let dropped: ReadonlyArray<Frame> = NO_FRAMES
      if (failed.length === 0) {
        edcaf.cw = cwMinOf(edcaf)
        edcaf.retries = 0
      } else {
        edcaf.retries++
        this.stats.retries++
        // A BlockAck that came back, whatever MPDUs it lists as missing, ends the exchange well for the
        // backoff: CW goes back to CWmin; no answer doubles it (10.22.2.2; ns-3's HtFrameExchangeManager
        // resets CW on any BlockAck received).
        edcaf.cw = acked ? cwMinOf(edcaf) : cwAfterFailureOf(edcaf)
        if (atRetryLimit(edcaf)) {
          dropped = failed
          this.giveUp(edcaf, failed, receiver === undefined && !collided ? "no-receiver" : "retry-limit")
        }
      }
      // Its post-backoff, or its retry's backoff, over the window the outcome left (10.3.4.3).
      edcaf.backoffSlots = this.drawBackoff(edcaf.cw)
      for (let j = 0; j < succeeded.length; j++) {
        const f = succeeded[j]!
        if (f.txPath !== undefined) this.traces.txPathDone.fire(f, this.kernel.nowNs)
      }
      if (succeeded.length > 0 || dropped.length > 0) station.owner.sent(station, succeeded, dropped)
    }
    // An EDCAF that became able to send while the exchange was on the air (a frame queued, frames
    // released, a radio back), its count run out, draws a new one: its frame found the medium busy
    // (10.3.4.2; EDCA's backoff procedure, 10.22.2). The exchange's senders have drawn theirs.
    for (let n = 0; n < medium.stations.length; n++) {
      const edcafs = medium.stations[n]!.edcafs
      for (let a = 0; a < edcafs.length; a++) {
        const e = edcafs[a]!
        if (!e.readyAtExchangeStart && e.backoffSlots <= 0 && this.ready(e)) e.backoffSlots = this.drawBackoff(e.cw)
      }
    }
    for (let k = 0; k < winners.length; k++) {
      const station = winners[k]!.station
      if (station.retuneTo === undefined) continue
      const touched = new Set<Medium>()
      this.move(st, station, station.retuneTo, touched)
      station.retuneTo = undefined
      for (const m of touched) if (m !== medium) this.replan(m)
    }
    this.replan(medium)
  }

  /** Moves a station to another channel's medium; `touched` collects the media to replan. */
  private move(st: AirState, s: Station, channel: number, touched: Set<Medium>): void {
    const from = this.mediumOf(st, s.channel)
    const i = from.stations.indexOf(s)
    if (i >= 0) from.stations.splice(i, 1)
    touched.add(from)
    s.channel = channel
    for (const e of s.edcafs) {
      e.backoffSlots = -1
      e.readyAtExchangeStart = false
    }
    const to = this.mediumOf(st, channel)
    to.stations.push(s)
    // It has not sensed this channel: it waits AIFS first (a busy medium sets it again when its exchange ends).
    this.access(s, this.kernel.nowNs, false)
    touched.add(to)
  }

  /** One message to the air: the media it touches are replanned. */
  handle(st: AirState, msg: AirMessage): void {
    this.state = st
    switch (msg._tag) {
      case "Enqueue": {
        const s = msg.station
        if (!s.enabled) {
          this.drop(msg.frames, "station-disabled")
          return
        }
        if (msg.phy !== undefined) {
          s.phy = msg.phy
          s.chain = msg.chain
        }
        const medium = this.mediumOf(st, s.channel)
        const answering = medium.busyEndNs === this.kernel.nowNs && medium.transmitting === undefined
        // Each frame goes to its EDCAF (`Station.edcafFor`); `dataAt`/`voiceAt`: where the next urgent
        // frame goes in that EDCAF's queue, −1 while this message has not reached it.
        let dataAt = -1
        let voiceAt = -1
        let beaconAt = -1
        let pushedOut: Array<Frame> | undefined
        const frames = msg.frames
        for (let j = 0; j < frames.length; j++) {
          const f = frames[j]!
          const e = s.edcafFor(f)
          let at = e === s.data ? dataAt : e === s.voice ? voiceAt : beaconAt
          if (at < 0) {
            // A frame queued the instant an exchange ended, by an EDCAF that did not send in it, answers
            // what it carried (an AP's probe, auth or association response, its EAPOL message: the
            // model's AP takes no time to build one), so it found the medium busy: an EDCAF whose count
            // ran out draws a new one (10.3.4.3; EDCA's backoff procedure, 10.22.2.2 a), not the
            // immediate access of 10.3.4.2. Two APs answering one probe request then collide only when
            // their draws meet. (The exchange's senders drew their post-backoff as it ended.)
            if (answering && (e.queue.length === 0 || s.paused) && e.backoffSlots <= 0 && !sentIn(medium.lastSenders, e)) {
              e.backoffSlots = this.drawBackoff(e.cw)
            }
            // Urgent: behind the frames on the air now (they finish first), ahead of everything else.
            at = msg.urgent ? this.inAirCount(st, e) : e.queue.length
          }
          // A full power-save buffer for a dozing receiver lets its oldest held frame go for this one.
          if (s.holdsFor.size > 0 && s.holdsFor.has(f.ra)) {
            const oldest = this.oldestHeldOverflow(st, e, f.ra)
            if (oldest >= 0) {
              ;(pushedOut ??= []).push(e.queue.splice(oldest, 1)[0]!)
              if (oldest < at) at--
            }
          }
          if (msg.urgent) e.queue.splice(at, 0, f)
          else e.queue.push(f)
          if (e === s.data) dataAt = at + 1
          else if (e === s.voice) voiceAt = at + 1
          else beaconAt = at + 1
        }
        if (pushedOut !== undefined) {
          this.drop(pushedOut, "ps-buffer-full")
          s.owner.sent(s, [], pushedOut)
        }
        this.replan(medium)
        return
      }
      case "FlushTo": {
        const s = msg.station
        const before = msg.createdBeforeNs ?? Infinity
        if (this.flushQueued(st, s, msg.reason, (f) => f.ra === msg.receiver && f.createdNs < before) > 0) this.replan(this.mediumOf(st, s.channel))
        return
      }
      case "FlushFrom": {
        const s = msg.station
        if (this.flushQueued(st, s, msg.reason, (f) => f.src === msg.source) > 0) this.replan(this.mediumOf(st, s.channel))
        return
      }
      case "Doze": {
        if (msg.dozing) msg.station.holdsFor.add(msg.address)
        else msg.station.holdsFor.delete(msg.address)
        // Held frames may be sendable now (or the head may be held).
        this.replan(this.mediumOf(st, msg.station.channel))
        return
      }
      case "Tune": {
        const touched = new Set<Medium>()
        for (const s of msg.stations) {
          if (this.mediumOf(st, s.channel).transmitting?.some((t) => t.station === s)) {
            s.retuneTo = msg.channel // finishes where it started, then moves
            continue
          }
          s.retuneTo = undefined
          this.move(st, s, msg.channel, touched)
        }
        for (const m of touched) this.replan(m)
        return
      }
      case "Attach": {
        const m = this.mediumOf(st, msg.station.channel)
        const i = m.stations.indexOf(msg.station)
        if (msg.attached && i < 0) {
          m.stations.push(msg.station)
          this.access(msg.station, this.kernel.nowNs, false)
        }
        if (!msg.attached && i >= 0) m.stations.splice(i, 1)
        this.replan(m)
        return
      }
      case "Flush": {
        const s = msg.station
        const m = this.mediumOf(st, s.channel)
        // Its queue goes; its count goes on (a backoff in progress is the station's, not its frames').
        this.flushQueued(st, s, msg.reason, () => true)
        for (const e of s.edcafs) e.retries = 0
        this.replan(m)
        return
      }
      case "Release": {
        const s = msg.station
        // The held frames to release, in queue order: up to `frames` (0: all); `more` when one stays held.
        // The highest access category's first, as mac80211 delivers a sleeping station's frames
        // (ieee80211_sta_ps_deliver_response in net/mac80211/sta_info.c takes AC_VO's first).
        let count = 0
        let last: Frame | undefined
        let more = false
        for (let a = s.edcafs.length - 1; a >= 0 && !more; a--) {
          const e = s.edcafs[a]!
          for (let i = this.inAirCount(st, e); i < e.queue.length; i++) {
            const f = e.queue[i]!
            if (f.ra !== msg.address || f.psReleased) continue
            if (msg.frames > 0 && count === msg.frames) {
              more = true
              break
            }
            if (last !== undefined) last.moreData = true // more follow it
            f.psReleased = true
            last = f
            count++
          }
        }
        if (last !== undefined) {
          last.moreData = more
          last.eosp = msg.eosp
        }
        msg.answer?.tellUnsafe({ _tag: "Released", address: msg.address, frames: count, lastFrameId: last === undefined ? -1 : last.id })
        if (last !== undefined) this.replan(this.mediumOf(st, s.channel))
        return
      }
      case "Impair":
        this.mediumOf(st, msg.channel).extraLoss = msg.loss
        return
      case "Pause": {
        const touched = new Set<Medium>()
        for (const s of msg.stations) {
          s.paused = msg.paused
          for (const e of s.edcafs) e.backoffSlots = -1
          // A radio back on the air (from sleep or a retune) senses the medium for AIFS before it counts.
          if (!msg.paused) this.access(s, this.kernel.nowNs, false)
          touched.add(this.mediumOf(st, s.channel))
        }
        for (const m of touched) this.replan(m)
        return
      }
    }
  }
}

/**
 * Whether `e`'s head frame has had its last attempt: a chain's stages used up, or (no chain) the
 * standard's retry limit; `retries` counts failed attempts so far, and the limit counts attempts.
 */
const atRetryLimit = (e: Edcaf): boolean => {
  const chain = e.station.chainFor(e.queue[0]!.ra)
  return chain === undefined ? e.retries >= SHORT_RETRY_LIMIT : e.retries >= chain.attempts
}

/** Whether `e` sent in `winners`. */
const sentIn = (winners: ReadonlyArray<Transmission>, e: Edcaf): boolean => {
  for (let k = 0; k < winners.length; k++) if (winners[k]!.edcaf === e) return true
  return false
}
