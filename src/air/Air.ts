/**
 * The radio medium: one shared channel per channel number, with 802.11 DCF/EDCA among every station
 * tuned to it: each card's one radio and each AP (a card's vMACs share its radio, so they never
 * contend with each other here). Each station's EDCAFs (AC_BE and AC_VO with WMM, DCF's one without;
 * `Edcaf.ts`) count their backoff on their own slot grids after AIFS or EIFS (`AirLogic.ts`); the
 * first count to run out sends, any other station's that runs out less than aCCATime later collides
 * with it, and a station's own two that run out together collide inside it (AC_VO sends); the winner's PPDU (an A-MPDU on 802.11n) takes its airtime, frames
 * are lost with the probability of the loss model, and the sender retries with a doubled window up to
 * the retry limit.
 *
 * Each PPDU's signal comes from the radio environment (positions, path loss, shadowing, fading) when
 * the run has one. Simplifications (documented in docs/model.md): no capture effect; every station on
 * a channel defers to every other, however weak its signal (no hidden or exposed terminals).
 *
 * This file is the actor's shell and its vocabulary; the decisions are `AirLogic.ts`'s.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type * as Actor from "../actor/Actor.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Port } from "../actor/Port.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { AirLogic } from "./AirLogic.ts"
import type { AirState } from "./AirLogic.ts"
import type { PhyConfig } from "./PhyConfig.ts"
import type { RetryChain } from "./RetryChain.ts"
import type { Station } from "./Station.ts"
import type { RadioEnvironment } from "../environment/RadioEnvironment.ts"

/**
 * Messages the air's mailbox holds (a modelling choice, not a hardware figure): it held at most 48 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 16

/** What the air is told: plain objects (one per exchange on the hot path), declared once. */
export type AirMessage = Data.TaggedEnum<{
  /**
   * Hand frames to a station's hardware queue (`urgent`: ahead of what is queued, as beacons go out
   * at their TBTT). `phy`, when given, is the rate the station sends at from now on (a card's radio
   * sends each vMAC's frames at that vMAC's rate). `chain`, when given, is the retry chain these
   * frames' attempts go by (a vMAC's); undefined: every attempt at `phy`, up to the retry limit.
   */
  Enqueue: {
    readonly station: Station
    readonly frames: ReadonlyArray<Frame>
    readonly urgent: boolean
    readonly phy: PhyConfig | undefined
    readonly chain?: RetryChain | undefined
  }
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
  /**
   * The AP `station` lets frames it holds for the dozing `address` go, each alone, in queue order:
   * a PS-Poll's answer (802.11-2016 11.2.3.7), `frames` 1, or a U-APSD service period's (11.2.3.5),
   * `frames` its Max SP Length (0: all it holds), the last with EOSP set (`eosp`). More Data is set
   * on each while more are held behind it. `answer`, if given, hears what went (`Released`).
   */
  Release: {
    readonly station: Station
    readonly address: number
    readonly frames: number
    readonly eosp: boolean
    readonly answer: Port<Released> | undefined
  }
  /** Extra loss on a channel (an interference burst; 1 = an outage), until told otherwise. */
  Impair: { readonly channel: number; readonly loss: number }
}>

/** One kind's constructor: its fields, tagged. */
const tagged = <Tag extends AirMessage["_tag"]>(tag: Tag) =>
(fields: Omit<Extract<AirMessage, { readonly _tag: Tag }>, "_tag">): Extract<AirMessage, { readonly _tag: Tag }> =>
  ({ _tag: tag, ...fields }) as unknown as Extract<AirMessage, { readonly _tag: Tag }>

/**
 * Constructors for the air's messages (off the hot path; hot paths write the literal). Made once
 * here: `Data.taggedEnum()`'s proxy makes a new function at each use, and the AP's receive path, which
 * calls one when a station authenticates, deoptimised on it in every new world of a process.
 */
export const AirMessage = {
  Attach: tagged("Attach"),
  Tune: tagged("Tune"),
  Flush: tagged("Flush"),
  FlushTo: tagged("FlushTo"),
  FlushFrom: tagged("FlushFrom"),
  Pause: tagged("Pause"),
  Doze: tagged("Doze"),
  Release: tagged("Release"),
  Impair: tagged("Impair")
}

/**
 * Frames to `station`'s queue, at the back (`urgent`: ahead of what is queued), sent at `phy` if
 * given, their attempts by `chain` if given.
 */
/** What a `Release` let go: how many frames to `address`, and the id of the last (-1: none was held). */
export interface Released {
  readonly _tag: "Released"
  readonly address: number
  readonly frames: number
  readonly lastFrameId: number
}

export const enqueue = (station: Station, frames: ReadonlyArray<Frame>, urgent = false, phy?: PhyConfig, chain?: RetryChain): AirMessage =>
  ({ _tag: "Enqueue", station, frames, urgent, phy, chain })

/** Counters of the medium, all channels together. */
export interface AirStats {
  exchanges: number
  collisions: number
  retries: number
  framesDelivered: number
  framesLost: number
  /** Acks and BlockAcks lost (the frames they answered had arrived; their sender retries them). */
  answersLost: number
  busyNs: number
  readonly dropsByReason: Record<string, number>
  /** Per station name: collisions it took part in (a collision counts once for each transmitter in it). */
  readonly collisionsByStation: Record<string, number>
  /** Internal collisions: a station's two EDCAFs whose counts ran out in one slot, the lower one retrying (10.22.2.4). */
  internalCollisions: number
}

/**
 * One PPDU a station sent, as its transmitter sent it, with what became of it: what a capture of the
 * air (`pcap/AirCapture.ts`) records. Built only when someone listens.
 */
export interface PpduOnAir {
  readonly channel: number
  /** When the exchange began: the PPDU's first symbol (virtual ns). */
  readonly startNs: number
  readonly station: Station
  /** Its MPDUs: one, or the A-MPDU's. */
  readonly frames: ReadonlyArray<Frame>
  readonly phy: PhyConfig
  readonly psduBytes: number
  /** It overlapped another station's PPDU: nobody received it. */
  readonly collided: boolean
  /** Unicast: the MPDUs its receiver got (undefined: group-addressed, or no receiver listened). */
  readonly arrived: ReadonlyArray<Frame> | undefined
  /** The receiver answered (an Ack or a BlockAck: something arrived)… */
  readonly answered: boolean
  /** …and the sender did not get that answer. */
  readonly answerLost: boolean
  /** Its level at the receiver (group-addressed: at the strongest receiver), dBm; NaN when no one heard it. */
  readonly signalDbm: number
}

/** What the air reports as it happens, for whoever listens. */
export interface AirTraces {
  /** A frame that carries TX-path stamps was acknowledged: (the frame, now). */
  readonly txPathDone: TraceSource<Frame, number>
  /** A PPDU's exchange is over: (the PPDU and its fate, now). */
  readonly ppdu: TraceSource<PpduOnAir, number>
}

export interface AirHandle {
  readonly ref: Actor.ActorRef<AirMessage>
  readonly stats: AirStats
  readonly traces: AirTraces
}

export const make = Effect.fnUntraced(function*(ledger: FrameLedger, env?: RadioEnvironment): Effect.fn.Return<AirHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel, stream } = yield* Simulation
  const random = stream("air")
  const stats: AirStats = { exchanges: 0, collisions: 0, retries: 0, framesDelivered: 0, framesLost: 0, answersLost: 0, busyNs: 0, dropsByReason: {}, collisionsByStation: {}, internalCollisions: 0 }
  const traces: AirTraces = { txPathDone: new TraceSource<Frame, number>(), ppdu: new TraceSource<PpduOnAir, number>() }
  const logic = new AirLogic(kernel, ledger, stats, random, traces, env)
  const ref = yield* ModelActor.makeStateful<AirMessage, AirState>({
    name: "air",
    capacity: MAILBOX_MESSAGES,
    initial: () => ({ media: new Map() }),
    handle: (st, msg) => {
      logic.handle(st, msg)
      return st
    }
  })
  return { ref, stats, traces }
})
