/**
 * One transmitter/receiver on the air: a card's radio or an AP. It owns its channel-access functions
 * (`Edcaf.ts`: each a hardware TX queue with its backoff, contention window and retries): AC_BE's and
 * AC_VO's on a QoS link, DCF's one without; the Air actor runs the contention. A card's radio answers
 * to several addresses (one per started vMAC, and the card's own for scans); its vMACs share its EDCAFs.
 */
import { RateTally } from "./RateTally.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { FrameKind } from "../vocabulary/Frame.ts"
import { AIFSN_BEACON, AIFSN_BEST_EFFORT, AIFSN_DCF, AIFSN_VOICE, BEACON_CW, initialCw } from "./Backoff.ts"
import { Edcaf, goesByVoice } from "./Edcaf.ts"
import type { PhyConfig } from "./PhyConfig.ts"
import type { RetryChain } from "./RetryChain.ts"
import { MAX_AMPDU_MPDUS as MAX_BLOCK_ACK_WINDOW } from "./Timing.ts"
import { timingsFor } from "./Timing.ts"

/** Where a station's owner hears about its frames (each call is a message to the owning actor). */
export interface StationOwner {
  /** Frames this station received, in one PPDU heard at `signalDbm` (its RSSI). */
  readonly received: (station: Station, frames: ReadonlyArray<Frame>, signalDbm: number) => void
  /** Outcome of frames this station transmitted: delivered (ACKed or broadcast) and dropped. */
  readonly sent: (station: Station, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>) => void
}

/** What a station that meters its airtime (a card's radio, for its energy) hears of each PPDU it sends or receives, by address. */
export interface AirtimeMeter {
  readonly tx: (address: number, ns: number) => void
  readonly rx: (address: number, ns: number) => void
}

export class Station {
  /** Whether it can hear a frame now. */
  get listening(): boolean {
    return this.enabled && !this.paused
  }

  readonly name: string
  /** The address it answers to (an AP's BSSID; a card's own address). */
  mac: number
  /** More addresses it answers to and acknowledges (a card's started vMACs); read by the Air. */
  readonly addresses: Set<number> = new Set()
  channel: number
  /** Transmit rate (a rate-control decision of its owner). */
  phy: PhyConfig
  /**
   * The retry chain its data bursts go by (a card's vMAC's, set with each burst); undefined: every
   * attempt at `phy`, up to the standard's retry limit.
   */
  chain: RetryChain | undefined = undefined
  /**
   * Retry chains by receiver, for a station whose rate control keeps one per peer (an AP, as mac80211
   * keeps a rate-control state per station); a receiver it has none for goes by `chain`.
   */
  readonly chains: Map<number, RetryChain> = new Map()
  /** Its attempts by rate for data sent by a chain, since its owner last took them (`RateTally`). */
  readonly rates = new RateTally()
  /** Fixed signal level of every link of this station (an AP without a position), in dBm; else undefined. */
  readonly signalDbm: number | undefined
  /** Its node in the radio environment (the host's card, a placed AP), when the run has one. */
  readonly node: number | undefined
  /** Whether it receives broadcast frames (beacons, broadcast probe responses). */
  receivesBroadcast: boolean
  /** Frames per exchange at most (A-MPDU for 802.11n, 1 otherwise). */
  maxAggregate: number
  /** An A-MPDU's airtime at most (the driver's aggregation time limit). */
  readonly ampduTimeLimitNs: number
  /** The BlockAck buffer it offers as a receiver: what a sender may aggregate to it at most. */
  readonly blockAckWindow: number
  /** Whether its data frames are QoS data frames (the link uses WMM): 2 more header bytes each. */
  readonly qos: boolean
  readonly owner: StationOwner

  /** Where its data goes: EDCA best effort with WMM, DCF without (and everything else without WMM). */
  readonly data: Edcaf
  /** Where its management, EAPOL and power-save frames go with WMM (AC_VO, `goesByVoice`); undefined without. */
  readonly voice: Edcaf | undefined
  /** An AP's beacon queue (`AIFSN_BEACON`, `BEACON_CW`), where its beacons go; undefined for other stations. */
  readonly beacon: Edcaf | undefined
  /**
   * Its EDCAFs, lowest priority first: `data`, then `voice` if it has one, then `beacon` if it has one:
   * the order the air visits (and draws for) them, and the higher wins an internal collision.
   */
  readonly edcafs: ReadonlyArray<Edcaf>
  /** Off the air (a vMAC being reset, an AP switched off): neither sends nor receives. */
  enabled = true
  /** Radio retuning (a card switching channel): keeps its queue, neither sends nor receives. */
  paused = false
  /** Receivers that told it they doze (an AP's power-save buffer): it holds their frames. */
  readonly holdsFor: Set<number> = new Set()
  /** Told of its airtime (a card's radio meters it for its energy model); undefined: not metered. */
  airtime: AirtimeMeter | undefined = undefined
  /** A channel it was told to tune to while it was transmitting: it moves when that exchange ends. */
  retuneTo: number | undefined = undefined

  constructor(options: {
    readonly name: string
    readonly mac: number
    readonly channel: number
    readonly phy: PhyConfig
    readonly signalDbm?: number | undefined
    readonly node?: number | undefined
    readonly receivesBroadcast: boolean
    readonly maxAggregate: number
    readonly qos?: boolean | undefined
    readonly ampduTimeLimitNs?: number | undefined
    readonly blockAckWindow?: number | undefined
    readonly cwMin: number
    readonly owner: StationOwner
    /** It sends beacons (an AP): it has a beacon queue. */
    readonly beacons?: boolean | undefined
  }) {
    this.name = options.name
    this.mac = options.mac
    this.channel = options.channel
    this.phy = options.phy
    this.signalDbm = options.signalDbm
    this.node = options.node
    this.receivesBroadcast = options.receivesBroadcast
    this.maxAggregate = options.maxAggregate
    this.qos = options.qos ?? true
    this.ampduTimeLimitNs = options.ampduTimeLimitNs ?? Infinity
    this.blockAckWindow = options.blockAckWindow ?? MAX_BLOCK_ACK_WINDOW
    this.owner = options.owner
    this.data = new Edcaf(this, false, this.qos ? AIFSN_BEST_EFFORT : AIFSN_DCF, options.cwMin)
    this.voice = this.qos ? new Edcaf(this, true, AIFSN_VOICE, initialCw(timingsFor(options.phy), true)) : undefined
    this.beacon = options.beacons === true ? new Edcaf(this, false, AIFSN_BEACON, BEACON_CW, true) : undefined
    const edcafs = [this.data]
    if (this.voice !== undefined) edcafs.push(this.voice)
    if (this.beacon !== undefined) edcafs.push(this.beacon)
    this.edcafs = edcafs
  }

  /** The EDCAF `f` goes by: a plain test of its kind (and body), on every frame queued. */
  edcafFor(f: Frame): Edcaf {
    if (this.beacon !== undefined && f.kind === FrameKind.Beacon) return this.beacon
    return this.voice !== undefined && goesByVoice(f) ? this.voice : this.data
  }

  /** The retry chain of data to `ra`: its own for that receiver, else the station's. */
  chainFor(ra: number): RetryChain | undefined {
    return this.chains.size === 0 ? this.chain : (this.chains.get(ra) ?? this.chain)
  }

  /** Whether a unicast frame to `address` is for this station (it would acknowledge it). */
  answersTo(address: number): boolean {
    return address === this.mac || this.addresses.has(address)
  }

  /** Frames queued in its EDCAFs (what an AP's queue limit counts). */
  get queued(): number {
    return this.voice === undefined ? this.data.queue.length : this.data.queue.length + this.voice.queue.length
  }
}
