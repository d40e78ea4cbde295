/**
 * An 802.11 frame in flight. Frames are internal, already-validated data: a plain class with
 * mutable fields (no Schema decoding per packet), created once and passed along the path.
 */

import { shareNumbers } from "../kernel/StableShapes.ts"
import type { TxPathStamps } from "./TxPath.ts"
import type { EapolKey } from "./Wpa.ts"
import type { Tim } from "./Tim.ts"

/** What a frame carries. */
export const FrameKind = {
  Data: 0,
  Beacon: 1,
  ProbeRequest: 2,
  ProbeResponse: 3,
  Auth: 4,
  AssocRequest: 5,
  AssocResponse: 6,
  Deauth: 7,
  /**
   * An EAPOL-Key frame of the 4-way handshake: a data frame on the air (LLC/SNAP, 802.1X), but the
   * link's own control traffic, not application data: it goes alone, at the lowest basic rate
   * (mac80211 sends control-port frames with IEEE80211_TX_CTL_USE_MINRATE), to the handshake logic.
   */
  Eapol: 8,
  /** A PS-Poll (control frame, 802.11-2016 9.3.1.5): a dozing station asks its AP for one buffered frame. */
  PsPoll: 9,
  /**
   * A QoS Null (a QoS data frame without a body, 802.11-2016 9.3.2.1): U-APSD's trigger frame from a
   * dozing station (PM=1, 11.2.3.5), or its AP's answer with EOSP set when it held nothing.
   */
  QosNull: 10,
  /** A disassociation (management, 802.11-2016 9.3.3.5): an AP ends a station's association, its reason code says why. */
  Disassoc: 11
} as const
export type FrameKind = (typeof FrameKind)[keyof typeof FrameKind]

/**
 * Whether `f` is a null-data frame (802.11-2016 9.3.2.1: a Data frame without a body): a station's
 * power-management announcement or link probe, or an AP's answer to a PS-Poll when it holds nothing.
 */
export const isNullData = (f: Frame): boolean => f.kind === FrameKind.Data && f.payloadBytes === 0

/** What a data frame's payload is, for the endpoints. */
export const Payload = {
  Udp: 0,
  EchoRequest: 1,
  EchoReply: 2,
  None: 3,
  /** Asks the endpoint to start a downlink flow to the sender (how a Chariot console starts a pair). */
  Subscribe: 4,
  /** A TCP segment (`seq` is its segment number) and a TCP ACK (`seq` is the next segment expected). */
  TcpData: 5,
  TcpAck: 6
} as const
export type Payload = (typeof Payload)[keyof typeof Payload]

/** A frame's `sack` when it carries no SACK block. */
export const NO_SACK: ReadonlyArray<number> = Object.freeze([])

/** The broadcast address, as a 48-bit number. */
export const BROADCAST = 0xffffffffffff

// A frame's one-bit flags share a field: a frame waits in its vMAC's ring long enough to be copied
// by the collector, twice (16 vMACs' rings hold 4,000 frames in model (c)), and six booleans took six fields.
const PM_BIT = 1
const MORE_DATA_BIT = 2
const PS_RELEASED_BIT = 4
const EOSP_BIT = 8
const PROTECTED_BIT = 16
const RECEIVED_ON_AIR_BIT = 32

export class Frame {
  /** Unique per run, in creation order: the key of conservation accounting. */
  readonly id: number
  kind: FrameKind
  /** 48-bit MAC addresses as numbers. */
  src: number
  dst: number
  bssid: number
  /** Receiver address on the air: the next hop (the AP for uplink data), set by the transmitter. */
  ra: number
  /**
   * The frame body above the MAC header: a data frame's IP packet (0 for a null-data frame), a
   * management frame's body. `air/FrameBytes.ts` turns it into bytes on the air.
   */
  payloadBytes: number
  payload: Payload
  /** Flow-level sequence number (ping id, UDP datagram number). */
  seq: number
  /** When the application created it (virtual ns), for latency; a TCP segment's or ACK's timestamp (TSval). */
  createdNs: number
  /**
   * A TCP segment's or ACK's echoed timestamp (TSecr, RFC 7323 3.2): the peer's `createdNs` it answers,
   * -1 for none and for every other frame.
   */
  echoNs: number
  /**
   * A TCP ACK's SACK blocks (RFC 2018), flat segment ranges `[start, end, …]` (`workload/TcpSack.ts`),
   * `NO_SACK` for none and for every other frame. Never changed in place.
   */
  sack: ReadonlyArray<number>
  /** A TCP ACK's offered window, in segments beyond its ACK number (RFC 9293 3.1, scaled per RFC 7323 2); 0 for every other frame. */
  tcpWindow: number
  /** Management detail (SSID, status), or an EAPOL-Key frame's fields; undefined for data. */
  info: ManagementInfo | undefined
  /** End of the guest buffer the card reads it from (guest-physical), checked by an IOMMU. */
  dmaEnd: number
  /**
   * The VM whose data this is (the sender of an uplink frame, the station's VM for what an endpoint
   * sends back), -1 for management frames: what the isolation invariant checks on delivery.
   */
  owner: number
  /**
   * The identity of the pairwise key a protected frame is encrypted under (`Wpa.Ptk.id`), 0 when it
   * is not protected: the model's stand-in for CCMP's encryption (its size is counted in FrameBytes.ts).
   */
  keyId: number
  /** When it passed each stage of the TX path, if the run asked (`TxPath.ts`). */
  txPath: TxPathStamps | undefined
  /**
   * The sequence number its transmitter gave it on its first attempt, which every retry repeats
   * (802.11-2016 9.2.4.4.2), before the 12-bit modulo; -1 until then. Only a capture of the air
   * (`pcap/AirCapture.ts`) numbers frames: nothing else in the model reads it.
   */
  macSequence: number
  /** Its slot in the run's `FrameLedger` while it is live there, -1 otherwise (the ledger's own field). */
  ledgerSlot: number
  /** The one-bit flags below (`pm` … `receivedOnAir`), in one field. */
  private bits: number

  constructor(id: number, kind: FrameKind, src: number, dst: number, bssid: number) {
    this.id = id
    this.kind = kind
    this.src = src
    this.dst = dst
    this.bssid = bssid
    this.ra = dst
    this.payloadBytes = 0
    this.payload = Payload.None
    this.seq = 0
    this.createdNs = 0
    this.echoNs = -1
    this.sack = NO_SACK
    this.tcpWindow = 0
    this.info = undefined
    this.dmaEnd = 0
    this.owner = -1
    this.keyId = 0
    this.txPath = undefined
    this.macSequence = -1
    this.ledgerSlot = -1
    this.bits = 0
  }

  private flag(bit: number): boolean {
    return (this.bits & bit) !== 0
  }

  private setFlag(bit: number, on: boolean): void {
    this.bits = on ? this.bits | bit : this.bits & ~bit
  }

  /** The Power Management bit (802.11-2016 9.2.4.1.7): the sender will doze after this frame. */
  get pm(): boolean {
    return this.flag(PM_BIT)
  }
  set pm(on: boolean) {
    this.setFlag(PM_BIT, on)
  }

  /** The More Data bit (802.11-2016 9.2.4.1.8): the AP holds more frames for this dozing receiver. */
  get moreData(): boolean {
    return this.flag(MORE_DATA_BIT)
  }
  set moreData(on: boolean) {
    this.setFlag(MORE_DATA_BIT, on)
  }

  /** Released by its AP's power-save buffer (a PS-Poll's answer, or a U-APSD service period's): it goes although its receiver dozes. */
  get psReleased(): boolean {
    return this.flag(PS_RELEASED_BIT)
  }
  set psReleased(on: boolean) {
    this.setFlag(PS_RELEASED_BIT, on)
  }

  /** The EOSP bit of the QoS Control field (802.11-2016 9.2.4.5.3): the last frame of a U-APSD service period. */
  get eosp(): boolean {
    return this.flag(EOSP_BIT)
  }
  set eosp(on: boolean) {
    this.setFlag(EOSP_BIT, on)
  }

  /** The Protected Frame bit (802.11-2016 9.2.4.1.9): the body is CCMP-encrypted (a data frame on an RSN link). */
  get protected(): boolean {
    return this.flag(PROTECTED_BIT)
  }
  set protected(on: boolean) {
    this.setFlag(PROTECTED_BIT, on)
  }

  /** Its receiver on the air has it (set by the air): a retry after a lost Ack is a duplicate there. */
  get receivedOnAir(): boolean {
    return this.flag(RECEIVED_ON_AIR_BIT)
  }
  set receivedOnAir(on: boolean) {
    this.setFlag(RECEIVED_ON_AIR_BIT, on)
  }
}

// Addresses, key identities and creation times come into a frame from registers and descriptors: the
// frame points at their boxes instead of making its own (`shareNumbers`).
shareNumbers(new Frame(0, FrameKind.Data, 0, 0, 0), ["src", "dst", "bssid", "ra", "createdNs", "echoNs", "keyId"])

/** A downlink flow a station asks its endpoint for. */
export interface Subscription {
  readonly protocol: "udp" | "tcp"
  readonly offeredMbps: number | "saturate"
  /** A UDP datagram's payload; TCP's MSS. */
  readonly payloadBytes: number
}

/** Fields of management frames and of EAPOL-Key frames. */
export interface ManagementInfo {
  readonly ssid?: string
  readonly channel?: number
  /**
   * Association request: the station asks for an RSN (WPA2-PSK with CCMP): its RSN element is present.
   * Association response: the BSS is an RSN (the Privacy bit of its Capability, 802.11-2016 9.4.1.4).
   */
  readonly rsn?: boolean
  /** Responses: 0 = success, otherwise an 802.11 status code; deauthentication: the reason code. */
  readonly status?: number
  /** A `Subscribe` packet: the downlink flow the station asks the endpoint for. */
  readonly subscribe?: Subscription
  /** An EAPOL-Key frame (`FrameKind.Eapol`): its fields. */
  readonly eapol?: EapolKey
  /** A beacon: its TIM element (9.4.2.6), the TBTT it was sent for and the beacon interval (the TSF and Beacon Interval fields). */
  readonly tim?: Tim
  readonly tbttNs?: number
  readonly beaconIntervalNs?: number
  /**
   * A beacon or probe response: its AP's TSF at 0 on the run's clock, ns, and its ticks per tick of
   * the run's clock (each AP keeps its own TSF on its own crystal, 802.11-2016 11.1.3.1; `ap/BeaconPhase.ts`).
   */
  readonly tsfOffsetNs?: number
  readonly tsfRate?: number
  /** An association response: the Association ID the AP gave the station (9.4.1.8); a PS-Poll: the station's AID. */
  readonly aid?: number
  /**
   * An association request: the station asks for U-APSD, in the QoS Info field of its WMM Information
   * element (802.11-2016 9.4.1.17): its access category trigger- and delivery-enabled, and the most
   * frames a service period may bring (Max SP Length: 0 all, 2, 4, 6).
   */
  readonly uapsd?: { readonly maxSpLength: number }
  /**
   * An association request: its Listen Interval, in beacon intervals (802.11-2016 9.4.1.6), the
   * station's configured one (a scenario's `powerSave.listenInterval`); absent: 1.
   */
  readonly listenInterval?: number
}

/** 802.11 reason codes the model sends beyond 1, "unspecified" (IEEE 802.11-2016 Table 9-45). */
export const Reason = {
  /** 2: "Previous authentication no longer valid". */
  PrevAuthNotValid: 2,
  /**
   * 3: "Deauthenticated because sending STA is leaving (or has left) IBSS or ESS": what a station's
   * supplicant gives when it disconnects (wpa_supplicant's `wpa_supplicant_deauthenticate(…,
   * WLAN_REASON_DEAUTH_LEAVING)`) and hostapd when it shuts down (`hostapd_bss_deinit_no_free`).
   */
  DeauthLeaving: 3,
  /** 4: "Disassociated due to inactivity". */
  Inactivity: 4,
  /** 14: "Message integrity code (MIC) failure". */
  MicFailure: 14,
  /** 15: "4-way handshake timeout". */
  HandshakeTimeout: 15
} as const

/** 802.11 status codes the model uses (IEEE 802.11-2016 Table 9-46). */
export const Status = {
  Success: 0,
  Unspecified: 1,
  /** 17: "Association denied because AP is unable to handle additional associated STAs". */
  ApFull: 17
} as const
