/**
 * The bytes of each 802.11 frame on the air (802.11-2016 clause 9), FCS included, exactly as long as
 * `air/FrameBytes.ts` counts them: MAC headers with their addresses, sequence numbers and durations,
 * management bodies element by element, EAPOL-Key frames, data frames carrying an IPv4 packet behind
 * LLC/SNAP (or, on a CCMP link, the CCMP header, the encrypted body as zeros and the MIC), null data,
 * QoS Null, PS-Poll, Ack and compressed BlockAck. Payload bytes the model does not know are zeros; every
 * header a dissector reads is real. Pure: writes into the caller's buffer, no allocation per frame.
 * The FCS of a frame ending in zeros is computed without reading them (`Crc32.ts`).
 */
// The header and CCMP sizes are the ones the air counts: what is written is what took airtime.
import { CCMP_HEADER_BYTES, CCMP_MIC_BYTES, MAC_HEADER_BYTES, managementBodyBytes, utf8Bytes } from "../air/FrameBytes.ts"
import type { NetworkFeatures } from "../air/FrameBytes.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { spatialStreams } from "../air/PhyConfig.ts"
import { ACK_BYTES, BLOCK_ACK_BYTES, FCS_BYTES, TU_NS } from "../air/Timing.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { FrameKind, Payload } from "../vocabulary/Frame.ts"
import { INITIAL_WINDOW_SEGMENTS, WINDOW_SCALE_SHIFT } from "../workload/TcpReceiveWindow.ts"
import { IPV4_HEADER_BYTES, sackOptionBytes, TCP_HEADER_BYTES, TCP_HEADER_WITH_TIMESTAMPS_BYTES, UDP_HEADER_BYTES, ICMP_ECHO_HEADER_BYTES } from "../vocabulary/PacketHeaders.ts"
import { MIN_TIM_ELEMENT_BYTES, bitmapControl, timElementBytes } from "../vocabulary/Tim.ts"
import { NONCE_BYTES, MIC_BYTES, RSN_ELEMENT_BYTES } from "../vocabulary/Wpa.ts"
import { in24Ghz, secondaryChannelAbove } from "./Channels.ts"
import { crc32Of, crc32WithZeros } from "./Crc32.ts"

// ---- Frame Control (802.11-2016 9.2.4.1) --------------------------------------------------------

/** Type and subtype as the first Frame Control octet: subtype << 4 | type << 2, protocol version 0 (Table 9-1). */
export const FrameControl = {
  AssocRequest: 0x00,
  AssocResponse: 0x10,
  ProbeRequest: 0x40,
  ProbeResponse: 0x50,
  Beacon: 0x80,
  Auth: 0xb0,
  Disassoc: 0xa0,
  Deauth: 0xc0,
  BlockAck: 0x94,
  PsPoll: 0xa4,
  Ack: 0xd4,
  Data: 0x08,
  NullData: 0x48,
  QosData: 0x88,
  QosNull: 0xc8
} as const
/** Flags, the second Frame Control octet (9.2.4.1.1). */
export const FcFlag = {
  ToDs: 0x01,
  FromDs: 0x02,
  Retry: 0x08,
  PowerManagement: 0x10,
  MoreData: 0x20,
  Protected: 0x40
} as const

/** The Duration/ID field of a PS-Poll carries the AID with its two top bits set (9.2.4.2, Table 9-3). */
export const PS_POLL_AID_BITS = 0xc000
/** The AID field of an association response carries the AID with its two top bits set (9.4.1.8). */
export const ASSOC_AID_BITS = 0xc000
/** Sequence numbers are 12 bits, behind a 4-bit fragment number in Sequence Control (9.2.4.4). */
export const SEQUENCE_NUMBER_MODULO = 4096

/** QoS Control (9.2.4.5): two octets; Ack Policy 00 (normal Ack, or implicit BlockAckReq inside an A-MPDU). */
const QOS_CONTROL_BYTES = 2
/**
 * The TID of the model's QoS data frames: user priority 0, best effort (802.11-2016 Table 10-1), the
 * access category their data goes by (`air/Edcaf.ts`).
 */
export const BEST_EFFORT_TID = 0
/**
 * The TID of an EAPOL-Key frame or a QoS Null on a QoS link: user priority 7, AC_VO (Table 10-1), the
 * access category the air sends them by (`air/Edcaf.ts`). mac80211 sends control-port frames at
 * priority 7 (`__ieee80211_select_queue`, net/mac80211/wme.c); a station's QoS Null is built with TID 7
 * (`ieee80211_nullfunc_get`, net/mac80211/tx.c), and an AP's QoS Null ending a service period or a
 * PS-Poll that found nothing carries TID 7 − 2·AC of the highest AC not ignored, 7 for the model's
 * stations (`ieee80211_sta_ps_deliver_response`, `ieee80211_send_null_response`, net/mac80211/sta_info.c).
 */
export const VOICE_TID = 7

/** The TID in the QoS Control field of a QoS data frame (or QoS Null) of `kind`. */
export const tidOf = (kind: FrameKind): number => (kind === FrameKind.Eapol || kind === FrameKind.QosNull ? VOICE_TID : BEST_EFFORT_TID)
/** EOSP, bit 4 of QoS Control in a frame from an AP: the last frame of a U-APSD service period (9.2.4.5.3). */
export const QOS_CONTROL_EOSP = 0x10
/** ExtIV bit of the CCMP header's fourth octet; the Key ID (bits 6–7) is 0, a pairwise key's (12.5.3.2). */
const CCMP_EXT_IV = 0x20
/** LLC/SNAP: DSAP 0xAA, SSAP 0xAA, UI 0x03, OUI 00-00-00, then the EtherType (IETF RFC 1042). */
const LLC_SNAP_PREFIX = [0xaa, 0xaa, 0x03, 0x00, 0x00, 0x00] as const
/** EtherTypes (IEEE 802 numbers): IPv4, EAPOL (IEEE 802.1X-2010 11.1), Local Experimental 1 (IEEE Std 802-2014 9.2.2). */
export const ETHERTYPE_IPV4 = 0x0800
export const ETHERTYPE_EAPOL = 0x888e
export const ETHERTYPE_LOCAL_EXPERIMENTAL = 0x88b5

// ---- What the capture adds to a frame ------------------------------------------------------------

/** What an MPDU's header carries beyond the model's frame; one object, filled by the capture per MPDU. */
export interface MpduContext {
  /** Transmitter address (Address 2): the sender's vMAC, or the AP's BSSID for what an AP sends. */
  ta: number
  /** Sent by the BSS's AP: data goes From DS, else To DS. */
  fromAp: boolean
  /** The 12-bit sequence number (the same for every attempt of one MPDU). */
  sequence: number
  /** CCMP's packet number (48 bits), for a protected frame. */
  packetNumber: number
  /** A retransmission: the Retry bit. */
  retry: boolean
  /** Duration field, µs (9.2.5). */
  durationUs: number
  /** The link uses QoS data frames (the sender's `Station.qos`). */
  qos: boolean
  /** A TCP ACK: the payload bytes of the segments it acknowledges (its `seq` counts them). */
  tcpSegmentBytes: number
  /** A beacon's or probe response's Timestamp field: the TSF, µs, when its first bit is sent (`Tsf.ts`). */
  tsfUs: number
  /** The BSS's data PHY, for the HT elements (802.11n) and the channel the DS Parameter Set names. */
  bssPhy: PhyConfig
  channel: number
}

// ---- Bytes ------------------------------------------------------------------------------------

/** Writes a 48-bit address in transmission order. */
export const writeMac = (view: DataView, at: number, mac: number): void => {
  view.setUint16(at, Math.floor(mac / 0x1_0000_0000), false)
  view.setUint32(at + 2, mac >>> 0, false)
}

const writeFcs = (bytes: Uint8Array, view: DataView, start: number, end: number): number => {
  view.setUint32(end, crc32Of(bytes, start, end), true) // CRC-32, sent least significant octet first (9.2.4.8)
  return end + FCS_BYTES - start
}

/** The FCS of a frame whose bytes from `zerosFrom` to `end` are zeros (the caller wrote them so). */
const writeFcsOverZeros = (bytes: Uint8Array, view: DataView, start: number, zerosFrom: number, end: number): number => {
  view.setUint32(end, crc32WithZeros(crc32Of(bytes, start, zerosFrom), end - zerosFrom), true)
  return end + FCS_BYTES - start
}

const writeHeader = (view: DataView, at: number, fc: number, flags: number, durationUs: number, a1: number, a2: number, a3: number, sequence: number): number => {
  view.setUint8(at, fc)
  view.setUint8(at + 1, flags)
  view.setUint16(at + 2, Math.min(durationUs, 0x7fff), true) // 9.2.4.2: durations are below 32 768 µs
  writeMac(view, at + 4, a1)
  writeMac(view, at + 10, a2)
  writeMac(view, at + 16, a3)
  view.setUint16(at + 22, (sequence % SEQUENCE_NUMBER_MODULO) << 4, true)
  return at + MAC_HEADER_BYTES
}

// ---- Elements (9.4.2) -----------------------------------------------------------------------------

/** Element IDs (802.11-2016 Table 9-77). */
export const ElementId = {
  Ssid: 0, SupportedRates: 1, DsParameterSet: 3, Tim: 5, Erp: 42, HtCapabilities: 45, Rsn: 48, HtOperation: 61, VendorSpecific: 221
} as const
/** The ERP element of a 2.4 GHz BSS's beacons and probe responses, no protection needed (9.4.2.12: the BSS is pure ERP); a 5 GHz BSS has none. */
const ERP_ELEMENT = [ElementId.Erp, 1, 0x00] as const
/** The eight ERP-OFDM rates, 500 kb/s units, the basic ones (6, 12, 24 Mb/s: the mandatory rates, 17.1.1) with bit 7 set (9.4.2.3). */
const SUPPORTED_RATES = [0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c] as const
/** The RSN element of WPA2-PSK with CCMP-128 (9.4.2.25): version 1, group CCMP, one pairwise CCMP, one AKM PSK, capabilities 0. */
export const RSN_ELEMENT = [
  ElementId.Rsn, 20, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x04, 0x01, 0x00, 0x00, 0x0f, 0xac, 0x02, 0x00, 0x00
] as const
/**
 * WMM Parameter element (Wi-Fi Alliance WMM Specification 1.1, 2.2.2): OUI 00-50-F2, type 2, subtype 1,
 * version 1, QoS Info, reserved, then per access category ACI/AIFSN, ECWmin/ECWmax, TXOP limit in
 * 32 µs units: the EDCA defaults of 802.11-2016 Table 9-137 for BE, BK, VI, VO. The AP's QoS Info
 * (2.2.1, sent by a WMM AP): bit 7, U-APSD supported (a WMM AP of the model grants it), parameter set count 0.
 */
const WMM_PARAMETER = [
  ElementId.VendorSpecific, 24, 0x00, 0x50, 0xf2, 0x02, 0x01, 0x01, 0x80, 0x00,
  0x03, 0xa4, 0x00, 0x00, // BE: AIFSN 3, CWmin 15, CWmax 1023
  0x27, 0xa4, 0x00, 0x00, // BK: AIFSN 7
  0x42, 0x43, 0x5e, 0x00, // VI: AIFSN 2, CWmin 7, CWmax 15, TXOP 3.008 ms
  0x62, 0x32, 0x2f, 0x00 // VO: AIFSN 2, CWmin 3, CWmax 7, TXOP 1.504 ms
] as const
/** WMM Information element (WMM Specification 1.1, 2.2.1): OUI, type 2, subtype 0, version 1, then the QoS Info octet. */
const WMM_INFORMATION_HEAD = [ElementId.VendorSpecific, 7, 0x00, 0x50, 0xf2, 0x02, 0x00, 0x01] as const
/**
 * A station's QoS Info (WMM Specification 1.1 and 1.2, 2.2.1, the QoS Info field sent by a WMM STA):
 * bit 3 AC_BE's U-APSD flag (trigger- and delivery-enabled; bits 0–2 are AC_VO, AC_VI, AC_BK), bits
 * 5–6 Max SP Length, coded 0 all, 1 two, 2 four, 3 six frames.
 */
export const QOS_INFO_UAPSD_AC_BE = 0x08
export const QOS_INFO_MAX_SP_LENGTH_SHIFT = 5
/** Frames per step of the Max SP Length code: 2 per code (code 1 = 2 frames … code 3 = 6). */
const MAX_SP_FRAMES_PER_CODE = 2
/** HT Capabilities Information bits (9.4.2.56.2): 40 MHz supported, SM power save disabled (3), short GI for 20 and 40 MHz. */
const HT_CAP_WIDTH_40 = 0x0002
const HT_CAP_SM_PS_DISABLED = 0x000c
const HT_CAP_SHORT_GI_20 = 0x0020
const HT_CAP_SHORT_GI_40 = 0x0040
/** A-MPDU Parameters (9.4.2.56.3): Maximum A-MPDU Length Exponent 3 (65 535 bytes), no minimum spacing. */
const HT_AMPDU_PARAMETERS = 0x03
/** Supported MCS Set (9.4.2.56.4): Tx MCS Set Defined, bit 96 of the field. */
const HT_TX_MCS_SET_DEFINED = 0x01
/** HT Operation Information (9.4.2.57): secondary channel above (1) or below (3), STA Channel Width any (bit 2). */
const HT_OP_SECONDARY_ABOVE = 0x01
const HT_OP_SECONDARY_BELOW = 0x03
const HT_OP_ANY_WIDTH = 0x04
/** Capability Information (9.4.1.4): ESS, Privacy, Short Slot Time (a pure-ERP BSS uses the short slot, Timing.ts). */
const CAPABILITY_ESS = 0x0001
const CAPABILITY_PRIVACY = 0x0010
const CAPABILITY_SHORT_SLOT = 0x0400
/** Listen Interval of an association request whose frame names none, in beacon intervals (9.4.1.6): wake for every beacon. */
export const LISTEN_INTERVAL_BEACONS = 1
export { TU_NS } from "../air/Timing.ts"
/** Authentication algorithm 0, open system (9.4.1.1); transaction 1 asks, 2 answers (Table 9-41). */
const AUTH_OPEN_SYSTEM = 0

const writeArray = (bytes: Uint8Array, at: number, values: ReadonlyArray<number>): number => {
  for (let i = 0; i < values.length; i++) bytes[at + i] = values[i]!
  return at + values.length
}

const utf8 = new TextEncoder()

const writeSsid = (bytes: Uint8Array, at: number, ssid: string): number => {
  const encoded = utf8.encode(ssid)
  bytes[at] = ElementId.Ssid
  bytes[at + 1] = encoded.length
  bytes.set(encoded, at + 2)
  return at + 2 + encoded.length
}

const writeRates = (bytes: Uint8Array, at: number): number => {
  bytes[at] = ElementId.SupportedRates
  bytes[at + 1] = SUPPORTED_RATES.length
  return writeArray(bytes, at + 2, SUPPORTED_RATES)
}

const capability = (rsn: boolean): number => CAPABILITY_ESS | CAPABILITY_SHORT_SLOT | (rsn ? CAPABILITY_PRIVACY : 0)

/** HT Capabilities (9.4.2.56), 2 + 26 bytes: what the BSS's PHY supports. */
const writeHtCapabilities = (bytes: Uint8Array, view: DataView, at: number, phy: PhyConfig): number => {
  const w40 = phy.standard === "802.11n" && phy.channelWidthMhz === 40
  const sgi = phy.standard === "802.11n" && phy.guardInterval === "short"
  bytes.fill(0, at, at + 28)
  bytes[at] = ElementId.HtCapabilities
  bytes[at + 1] = 26
  view.setUint16(at + 2, HT_CAP_SM_PS_DISABLED | (w40 ? HT_CAP_WIDTH_40 : 0) | (sgi ? (w40 ? HT_CAP_SHORT_GI_40 | HT_CAP_SHORT_GI_20 : HT_CAP_SHORT_GI_20) : 0), true)
  bytes[at + 4] = HT_AMPDU_PARAMETERS
  // Rx MCS bitmask: MCS 0–7 per spatial stream the PHY has.
  for (let s = 0; s < spatialStreams(phy); s++) bytes[at + 5 + s] = 0xff
  bytes[at + 5 + 12] = HT_TX_MCS_SET_DEFINED
  return at + 28
}

/** HT Operation (9.4.2.57), 2 + 22 bytes: the primary channel and, at 40 MHz, where the secondary lies. */
const writeHtOperation = (bytes: Uint8Array, at: number, phy: PhyConfig, channel: number): number => {
  bytes.fill(0, at, at + 24)
  bytes[at] = ElementId.HtOperation
  bytes[at + 1] = 22
  bytes[at + 2] = channel
  if (phy.standard === "802.11n" && phy.channelWidthMhz === 40) {
    bytes[at + 3] = (secondaryChannelAbove(channel) ? HT_OP_SECONDARY_ABOVE : HT_OP_SECONDARY_BELOW) | HT_OP_ANY_WIDTH
  }
  return at + 24
}

// ---- Management frames (9.3.3) ---------------------------------------------------------------------

/**
 * The network features a management body of `bodyBytes` was counted with (`managementBodyBytes`):
 * each kind's optional elements (RSN, HT, WMM) have sizes whose sums all differ, so the body's size
 * names them. `extraBytes` is what the body has beyond the count (a beacon's longer TIM).
 */
export const featuresOfBody = (kind: FrameKind, ssidBytes: number, bodyBytes: number, extraBytes = 0, erp = false): NetworkFeatures => {
  for (let bits = 0; bits < 8; bits++) {
    const n: NetworkFeatures = { ssidBytes, rsn: (bits & 1) !== 0, ht: (bits & 2) !== 0, wmm: (bits & 4) !== 0, erp }
    if (managementBodyBytes(kind, n) + extraBytes === bodyBytes) return n
  }
  throw new RangeError(`no ${kind} body of ${bodyBytes} bytes with a ${ssidBytes}-byte SSID`)
}

const writeManagementBody = (bytes: Uint8Array, view: DataView, at: number, f: Frame, c: MpduContext): number => {
  const info = f.info
  const ssid = info?.ssid ?? ""
  const tim = info?.tim
  const extra = tim === undefined ? 0 : timElementBytes(tim) - MIN_TIM_ELEMENT_BYTES
  const channel = info?.channel ?? c.channel
  // A 2.4 GHz AP's beacons and probe responses carry the ERP element (the band is the channel's).
  const erp = (f.kind === FrameKind.Beacon || f.kind === FrameKind.ProbeResponse) && in24Ghz(channel)
  const n = featuresOfBody(f.kind, utf8Bytes(ssid), f.payloadBytes, extra, erp)
  let p = at
  switch (f.kind) {
    case FrameKind.Beacon:
    case FrameKind.ProbeResponse: {
      // 9.3.3.3 (Table 9-27) and 9.3.3.11: Timestamp, Beacon Interval, Capability, then the elements in order.
      view.setUint32(p, c.tsfUs % 0x1_0000_0000, true)
      view.setUint32(p + 4, Math.floor(c.tsfUs / 0x1_0000_0000), true)
      view.setUint16(p + 8, Math.round((info?.beaconIntervalNs ?? 100 * TU_NS) / TU_NS), true)
      view.setUint16(p + 10, capability(n.rsn), true)
      p = writeSsid(bytes, p + 12, ssid)
      p = writeRates(bytes, p)
      p = writeArray(bytes, p, [ElementId.DsParameterSet, 1, channel])
      if (f.kind === FrameKind.Beacon) {
        const t = tim ?? { dtimCount: 0, dtimPeriod: 1, groupBuffered: false, offsetOctets: 0, partialBitmap: new Uint8Array(1) }
        p = writeArray(bytes, p, [ElementId.Tim, 3 + t.partialBitmap.length, t.dtimCount, t.dtimPeriod, bitmapControl(t)])
        bytes.set(t.partialBitmap, p)
        p += t.partialBitmap.length
      }
      // Table 9-27's order: ERP, RSN, HT Capabilities and Operation, vendor-specific last.
      if (erp) p = writeArray(bytes, p, ERP_ELEMENT)
      if (n.rsn) p = writeArray(bytes, p, RSN_ELEMENT)
      if (n.ht) p = writeHtOperation(bytes, writeHtCapabilities(bytes, view, p, c.bssPhy), c.bssPhy, channel)
      if (n.wmm) p = writeArray(bytes, p, WMM_PARAMETER)
      return p
    }
    case FrameKind.ProbeRequest: // 9.3.3.10
      p = writeRates(bytes, writeSsid(bytes, p, ssid))
      return n.ht ? writeHtCapabilities(bytes, view, p, c.bssPhy) : p
    case FrameKind.Auth: // 9.3.3.12: algorithm, transaction sequence, status
      view.setUint16(p, AUTH_OPEN_SYSTEM, true)
      view.setUint16(p + 2, c.fromAp ? 2 : 1, true)
      view.setUint16(p + 4, info?.status ?? 0, true)
      return p + 6
    case FrameKind.AssocRequest: // 9.3.3.6
      view.setUint16(p, capability(n.rsn), true)
      view.setUint16(p + 2, info?.listenInterval ?? LISTEN_INTERVAL_BEACONS, true)
      p = writeRates(bytes, writeSsid(bytes, p + 4, ssid))
      if (n.rsn) p = writeArray(bytes, p, RSN_ELEMENT)
      if (n.ht) p = writeHtCapabilities(bytes, view, p, c.bssPhy)
      if (!n.wmm) return p
      p = writeArray(bytes, p, WMM_INFORMATION_HEAD)
      bytes[p] = info?.uapsd === undefined ? 0 : QOS_INFO_UAPSD_AC_BE | ((info.uapsd.maxSpLength / MAX_SP_FRAMES_PER_CODE) << QOS_INFO_MAX_SP_LENGTH_SHIFT)
      return p + 1
    case FrameKind.AssocResponse: // 9.3.3.7: capability, status, AID
      view.setUint16(p, capability(info?.rsn === true), true) // its body has no RSN element to tell
      view.setUint16(p + 2, info?.status ?? 0, true)
      view.setUint16(p + 4, info?.aid === undefined ? 0 : info.aid | ASSOC_AID_BITS, true)
      p = writeRates(bytes, p + 6)
      if (n.ht) p = writeHtOperation(bytes, writeHtCapabilities(bytes, view, p, c.bssPhy), c.bssPhy, channel)
      return n.wmm ? writeArray(bytes, p, WMM_PARAMETER) : p
    case FrameKind.Deauth: // 9.3.3.13: the reason code
    case FrameKind.Disassoc: // 9.3.3.5: the same
      view.setUint16(p, info?.status ?? 1, true)
      return p + 2
    default:
      throw new RangeError(`frame kind ${f.kind} is not a management frame`)
  }
}

const MANAGEMENT_FC: Readonly<Record<number, number>> = {
  [FrameKind.Beacon]: FrameControl.Beacon,
  [FrameKind.ProbeRequest]: FrameControl.ProbeRequest,
  [FrameKind.ProbeResponse]: FrameControl.ProbeResponse,
  [FrameKind.Auth]: FrameControl.Auth,
  [FrameKind.AssocRequest]: FrameControl.AssocRequest,
  [FrameKind.AssocResponse]: FrameControl.AssocResponse,
  [FrameKind.Deauth]: FrameControl.Deauth,
  [FrameKind.Disassoc]: FrameControl.Disassoc
}

// ---- Data frames: IPv4 packets and EAPOL-Key ------------------------------------------------------

/** IP protocol numbers (IANA): ICMP, TCP, UDP, and 253 for experimentation (RFC 3692). */
export const IpProtocol = { Icmp: 1, Tcp: 6, Udp: 17, Experimental: 253 } as const
/** IPv4: version 4, IHL 5 words (RFC 791 3.1); Don't Fragment; TTL 64 (RFC 1700's default). */
const IPV4_VERSION_IHL = 0x45
const IPV4_DONT_FRAGMENT = 0x4000
const IPV4_TTL = 64
/**
 * Ports. UDP uses 9, the discard service (RFC 863), at both ends: the model's payloads carry nothing
 * to read. TCP has a connection per direction, as a station's bulk send and receive would: the
 * station's data goes from port 49152 (the first dynamic port, RFC 6335 6) to discard; the endpoint's
 * data comes from chargen (RFC 864), the service that sends to whoever connects.
 */
export const DISCARD_PORT = 9
export const CHARGEN_PORT = 19
export const CLIENT_PORT = 49152
/** ICMP echo types (RFC 792): request 8, reply 0; the identifier of every echo. */
const ICMP_ECHO_REQUEST = 8
const ICMP_ECHO_REPLY = 0
const ICMP_ECHO_IDENTIFIER = 1
/** NOP, NOP, then the timestamps option's kind 8 and length 10 (RFC 7323 3.2), as Linux aligns it. */
const TCP_TIMESTAMPS_OPTION_HEAD = 0x0101080a
/** NOP, NOP, then the SACK option's kind 5 (RFC 2018 3), as Linux aligns it; its length goes in the low byte. */
const TCP_SACK_OPTION_HEAD = 0x01010500
/** Timestamps tick in milliseconds, as Linux's at HZ = 1000 (tcp_time_stamp counts jiffies). */
const TCP_TIMESTAMP_TICK_NS = 1_000_000
/** Flags ACK, PSH|ACK. */
const TCP_ACK = 0x10
const TCP_PSH_ACK = 0x18

/** The IPv4 address of a station: 10.x.y.z from its MAC's last three octets (a private network, RFC 1918). */
export const ipOf = (mac: number): number => (0x0a000000 | (mac & 0xffffff)) >>> 0

/** RFC 1071's Internet checksum of `bytes[from, to)` plus `sum` (words of bytes not read, summed by the caller). */
const internetChecksum = (bytes: Uint8Array, from: number, to: number, sum = 0): number => {
  for (let i = from; i < to; i += 2) sum += (bytes[i]! << 8) | (i + 1 < to ? bytes[i + 1]! : 0)
  while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
  return ~sum & 0xffff
}

const protocolOf = (f: Frame, ipBytes: number): number => {
  switch (f.payload) {
    case Payload.Udp:
    case Payload.Subscribe:
      return ipBytes >= IPV4_HEADER_BYTES + UDP_HEADER_BYTES ? IpProtocol.Udp : IpProtocol.Experimental
    case Payload.EchoRequest:
    case Payload.EchoReply:
      return ipBytes >= IPV4_HEADER_BYTES + ICMP_ECHO_HEADER_BYTES ? IpProtocol.Icmp : IpProtocol.Experimental
    case Payload.TcpData:
    case Payload.TcpAck:
      return ipBytes >= IPV4_HEADER_BYTES + TCP_HEADER_WITH_TIMESTAMPS_BYTES ? IpProtocol.Tcp : IpProtocol.Experimental
    default:
      return IpProtocol.Experimental
  }
}

/** The TCP pseudo-header's sum (RFC 9293 3.1): source and destination addresses, zero and the protocol, the TCP length. */
const pseudoHeaderSum = (src: number, dst: number, tcpBytes: number): number =>
  (src >>> 16) + (src & 0xffff) + (dst >>> 16) + (dst & 0xffff) + IpProtocol.Tcp + tcpBytes

/**
 * An IPv4 packet of `ipBytes` (at least its header) from `f`'s source to its destination, headers
 * real, data zero; returns where its headers end (zeros follow up to `at + ipBytes`).
 */
const writeIpPacket = (bytes: Uint8Array, view: DataView, at: number, f: Frame, ipBytes: number, c: MpduContext): number => {
  bytes.fill(0, at, at + ipBytes)
  const protocol = protocolOf(f, ipBytes)
  view.setUint8(at, IPV4_VERSION_IHL)
  view.setUint16(at + 2, ipBytes, false)
  view.setUint16(at + 4, f.seq & 0xffff, false)
  view.setUint16(at + 6, IPV4_DONT_FRAGMENT, false)
  view.setUint8(at + 8, IPV4_TTL)
  view.setUint8(at + 9, protocol)
  view.setUint32(at + 12, ipOf(f.src), false)
  view.setUint32(at + 16, ipOf(f.dst), false)
  view.setUint16(at + 10, internetChecksum(bytes, at, at + IPV4_HEADER_BYTES), false)
  const l4 = at + IPV4_HEADER_BYTES
  const l4Bytes = ipBytes - IPV4_HEADER_BYTES
  switch (protocol) {
    case IpProtocol.Udp: // RFC 768; checksum 0: not computed (allowed over IPv4)
      view.setUint16(l4, DISCARD_PORT, false)
      view.setUint16(l4 + 2, DISCARD_PORT, false)
      view.setUint16(l4 + 4, l4Bytes, false)
      return l4 + UDP_HEADER_BYTES
    case IpProtocol.Icmp: // RFC 792: type, code, checksum, identifier, sequence number
      view.setUint8(l4, f.payload === Payload.EchoRequest ? ICMP_ECHO_REQUEST : ICMP_ECHO_REPLY)
      view.setUint16(l4 + 4, ICMP_ECHO_IDENTIFIER, false)
      view.setUint16(l4 + 6, f.seq & 0xffff, false)
      view.setUint16(l4 + 2, internetChecksum(bytes, l4, l4 + ICMP_ECHO_HEADER_BYTES), false) // the data is zeros
      return l4 + ICMP_ECHO_HEADER_BYTES
    case IpProtocol.Tcp: { // RFC 9293 3.1
      const data = f.payload === Payload.TcpData
      // An ACK's SACK option, if its packet has the room (a guest's length is its own word).
      const blocks = !data && l4Bytes >= TCP_HEADER_WITH_TIMESTAMPS_BYTES + sackOptionBytes(f.sack.length / 2) ? f.sack.length / 2 : 0
      const headerBytes = TCP_HEADER_WITH_TIMESTAMPS_BYTES + sackOptionBytes(blocks)
      // Downlink data is the endpoint's (chargen), an uplink ACK answers it; the other two are the station's send to discard.
      const endpointSends = c.fromAp === data
      const server = endpointSends ? CHARGEN_PORT : DISCARD_PORT
      view.setUint16(l4, c.fromAp ? server : CLIENT_PORT, false)
      view.setUint16(l4 + 2, c.fromAp ? CLIENT_PORT : server, false)
      // Numbers count bytes (RFC 9293 3.4): segment n starts at byte n × its size; an ACK names the
      // next byte expected. The side that only acknowledges sends no byte: its number stays 0.
      view.setUint32(l4 + 4, data ? (f.seq * (l4Bytes - TCP_HEADER_WITH_TIMESTAMPS_BYTES)) >>> 0 : 0, false)
      view.setUint32(l4 + 8, data ? 0 : (f.seq * c.tcpSegmentBytes) >>> 0, false)
      view.setUint8(l4 + 12, (headerBytes / 4) << 4)
      view.setUint8(l4 + 13, data ? TCP_PSH_ACK : TCP_ACK)
      // The window field, scaled (RFC 7323 2.3): an ACK's offer; a data segment's sender receives no
      // data, and its offer stays its first one (the capture holds no SYN: Wireshark shows the field unscaled).
      const windowBytes = (data ? INITIAL_WINDOW_SEGMENTS * (l4Bytes - TCP_HEADER_WITH_TIMESTAMPS_BYTES) : f.tcpWindow * c.tcpSegmentBytes)
      view.setUint16(l4 + 14, Math.min(0xffff, Math.floor(windowBytes / 2 ** WINDOW_SCALE_SHIFT)), false)
      view.setUint32(l4 + TCP_HEADER_BYTES, TCP_TIMESTAMPS_OPTION_HEAD, false)
      view.setUint32(l4 + TCP_HEADER_BYTES + 4, Math.floor(f.createdNs / TCP_TIMESTAMP_TICK_NS) >>> 0, false)
      view.setUint32(l4 + TCP_HEADER_BYTES + 8, f.echoNs < 0 ? 0 : Math.floor(f.echoNs / TCP_TIMESTAMP_TICK_NS) >>> 0, false)
      if (blocks > 0) {
        // NOP, NOP, kind 5, length (RFC 2018 3), then each block's left and right edges, in bytes as the ACK number.
        let p = l4 + TCP_HEADER_WITH_TIMESTAMPS_BYTES
        view.setUint32(p, TCP_SACK_OPTION_HEAD | (2 + 8 * blocks), false)
        p += 4
        for (let i = 0; i < 2 * blocks; i++, p += 4) view.setUint32(p, (f.sack[i]! * c.tcpSegmentBytes) >>> 0, false)
      }
      // The checksum field is still 0 and the data is zeros: the header and the pseudo-header are all the sum has.
      view.setUint16(l4 + 16, internetChecksum(bytes, l4, l4 + headerBytes, pseudoHeaderSum(ipOf(f.src), ipOf(f.dst), l4Bytes)), false)
      return l4 + headerBytes
    }
    default:
      return l4
  }
}

/** 802.1X (IEEE 802.1X-2010 11.3): protocol version 2, packet type 3 (EAPOL-Key). */
const EAPOL_VERSION = 2
const EAPOL_TYPE_KEY = 3
/** Key Descriptor Type 2, the RSN key descriptor (802.11-2016 12.7.2). */
const KEY_DESCRIPTOR_RSN = 2
/** Key Length: CCMP-128's TK in messages 1 and 3, 0 in 2 and 4 (12.7.6.2–12.7.6.5). */
const CCMP_KEY_BYTES = 16
/** Key IV 16, Key RSC 8, reserved 8: zero in the 4-way handshake's messages (12.7.2). */
const KEY_IV_RSC_RESERVED_BYTES = 16 + 8 + 8

/** An EAPOL-Key frame of `bodyBytes` (802.1X header included) at `at`, from `f.info.eapol`. */
const writeEapol = (bytes: Uint8Array, view: DataView, at: number, f: Frame, bodyBytes: number): number => {
  bytes.fill(0, at, at + bodyBytes)
  const k = f.info?.eapol
  view.setUint8(at, EAPOL_VERSION)
  view.setUint8(at + 1, EAPOL_TYPE_KEY)
  view.setUint16(at + 2, bodyBytes - 4, false)
  if (k === undefined) return at + bodyBytes
  let p = at + 4
  view.setUint8(p, KEY_DESCRIPTOR_RSN)
  view.setUint16(p + 1, k.keyInfo, false)
  view.setUint16(p + 3, k.message === 1 || k.message === 3 ? CCMP_KEY_BYTES : 0, false)
  view.setUint32(p + 5, Math.floor(k.replayCounter / 0x1_0000_0000), false)
  view.setUint32(p + 9, k.replayCounter >>> 0, false)
  p += 13
  bytes.set(k.nonce.subarray(0, NONCE_BYTES), p)
  p += NONCE_BYTES + KEY_IV_RSC_RESERVED_BYTES
  if (k.mic.length === MIC_BYTES) bytes.set(k.mic, p)
  p += MIC_BYTES
  view.setUint16(p, k.keyDataBytes, false)
  p += 2
  // Message 2 carries the station's RSN element; message 3's key data is AES-key-wrapped (its bytes stay zero).
  if (k.message === 2 && k.keyDataBytes === RSN_ELEMENT_BYTES) writeArray(bytes, p, RSN_ELEMENT)
  return at + bodyBytes
}

const writeLlcSnap = (bytes: Uint8Array, view: DataView, at: number, etherType: number): number => {
  writeArray(bytes, at, LLC_SNAP_PREFIX)
  view.setUint16(at + 6, etherType, false)
  return at + 8
}

// ---- The encoder ----------------------------------------------------------------------------------

/**
 * Writes `f`'s MPDU at `at` of `bytes` (`view` over the same buffer), FCS included, and returns its
 * length: `frameMpduBytes(f, c.qos)` (the capture checks it). The buffer must hold it.
 */
export const encodeMpdu = (bytes: Uint8Array, view: DataView, at: number, f: Frame, c: MpduContext): number => {
  const retry = c.retry ? FcFlag.Retry : 0
  let p: number
  switch (f.kind) {
    case FrameKind.PsPoll: // 9.3.1.5: FC, AID, BSSID (RA), TA
      view.setUint8(at, FrameControl.PsPoll)
      view.setUint8(at + 1, retry | (f.pm ? FcFlag.PowerManagement : 0))
      view.setUint16(at + 2, (f.info?.aid ?? 0) | PS_POLL_AID_BITS, true)
      writeMac(view, at + 4, f.ra)
      writeMac(view, at + 10, c.ta)
      return writeFcs(bytes, view, at, at + 16)
    case FrameKind.Data:
    case FrameKind.Eapol:
    case FrameKind.QosNull: {
      const qosNull = f.kind === FrameKind.QosNull
      const nul = f.kind === FrameKind.Data && f.payloadBytes === 0
      const flags = retry | (c.fromAp ? FcFlag.FromDs | (f.moreData ? FcFlag.MoreData : 0) : FcFlag.ToDs | (f.pm ? FcFlag.PowerManagement : 0)) |
        (f.protected && !nul && f.kind === FrameKind.Data ? FcFlag.Protected : 0)
      const fc = qosNull ? FrameControl.QosNull : nul ? FrameControl.NullData : c.qos ? FrameControl.QosData : FrameControl.Data
      // From DS: RA = DA, TA = BSSID, SA; To DS: RA = BSSID, TA = SA, DA (Table 9-26).
      p = c.fromAp
        ? writeHeader(view, at, fc, flags, c.durationUs, f.ra, c.ta, f.src, c.sequence)
        : writeHeader(view, at, fc, flags, c.durationUs, f.ra, c.ta, f.dst, c.sequence)
      if (nul) return writeFcs(bytes, view, at, p)
      if (qosNull || c.qos) {
        // EOSP means it only in what an AP sends; a station's bit 4 says what bits 8–15 hold (9.2.4.5.1).
        view.setUint16(p, tidOf(f.kind) | (c.fromAp && f.eosp ? QOS_CONTROL_EOSP : 0), true)
        p += QOS_CONTROL_BYTES
      }
      if (qosNull) return writeFcs(bytes, view, at, p) // a QoS Null has no body (9.3.2.1)
      if (f.kind === FrameKind.Eapol) return writeFcs(bytes, view, at, writeEapol(bytes, view, writeLlcSnap(bytes, view, p, ETHERTYPE_EAPOL), f, f.payloadBytes))
      if (f.protected) {
        // CCMP (12.5.3.2): PN0 PN1 0 ExtIV|KeyID PN2..PN5, the encrypted LLC/SNAP and packet, the MIC.
        const pn = c.packetNumber
        const high = Math.floor(pn / 0x1_0000_0000)
        view.setUint8(p, pn & 0xff)
        view.setUint8(p + 1, (pn >>> 8) & 0xff)
        view.setUint8(p + 2, 0)
        view.setUint8(p + 3, CCMP_EXT_IV)
        view.setUint8(p + 4, (pn >>> 16) & 0xff)
        view.setUint8(p + 5, (pn >>> 24) & 0xff)
        view.setUint8(p + 6, high & 0xff)
        view.setUint8(p + 7, (high >>> 8) & 0xff)
        p += CCMP_HEADER_BYTES
        const end = p + LLC_SNAP_PREFIX.length + 2 + f.payloadBytes + CCMP_MIC_BYTES
        bytes.fill(0, p, end)
        return writeFcsOverZeros(bytes, view, at, p, end)
      }
      if (f.payloadBytes < IPV4_HEADER_BYTES) {
        p = writeLlcSnap(bytes, view, p, ETHERTYPE_LOCAL_EXPERIMENTAL)
        bytes.fill(0, p, p + f.payloadBytes)
        return writeFcsOverZeros(bytes, view, at, p, p + f.payloadBytes)
      }
      p = writeLlcSnap(bytes, view, p, ETHERTYPE_IPV4)
      return writeFcsOverZeros(bytes, view, at, writeIpPacket(bytes, view, p, f, f.payloadBytes, c), p + f.payloadBytes)
    }
    default: {
      // Management (9.3.3.2): DA, SA (the TA), BSSID.
      p = writeHeader(view, at, MANAGEMENT_FC[f.kind]!, retry, c.durationUs, f.ra, c.ta, f.bssid, c.sequence)
      return writeFcs(bytes, view, at, writeManagementBody(bytes, view, p, f, c))
    }
  }
}

/** An Ack (9.3.1.4) to `ra`, Duration `durationUs`: ACK_BYTES long. */
export const encodeAck = (bytes: Uint8Array, view: DataView, at: number, ra: number, durationUs: number): number => {
  view.setUint8(at, FrameControl.Ack)
  view.setUint8(at + 1, 0)
  view.setUint16(at + 2, durationUs, true)
  writeMac(view, at + 4, ra)
  const n = writeFcs(bytes, view, at, at + 10)
  if (n !== ACK_BYTES) throw new Error(`an Ack is ${ACK_BYTES} bytes, not ${n}`)
  return n
}

/** BlockAck Control (9.3.1.9.2): BA Ack Policy 0, Multi-TID 0, Compressed Bitmap 1, TID 0. */
const BLOCK_ACK_CONTROL_COMPRESSED = 0x0004

/**
 * A compressed BlockAck (9.3.1.9.3) from `ta` to `ra`: the starting sequence number and the 64-bit
 * bitmap (as two 32-bit halves, bit i for sequence number ssn + i): BLOCK_ACK_BYTES long.
 */
export const encodeBlockAck = (
  bytes: Uint8Array, view: DataView, at: number, ra: number, ta: number, durationUs: number, ssn: number, bitmapLow: number, bitmapHigh: number
): number => {
  view.setUint8(at, FrameControl.BlockAck)
  view.setUint8(at + 1, 0)
  view.setUint16(at + 2, durationUs, true)
  writeMac(view, at + 4, ra)
  writeMac(view, at + 10, ta)
  view.setUint16(at + 16, BLOCK_ACK_CONTROL_COMPRESSED, true)
  view.setUint16(at + 18, (ssn % SEQUENCE_NUMBER_MODULO) << 4, true)
  view.setUint32(at + 20, bitmapLow >>> 0, true)
  view.setUint32(at + 24, bitmapHigh >>> 0, true)
  const n = writeFcs(bytes, view, at, at + 28)
  if (n !== BLOCK_ACK_BYTES) throw new Error(`a BlockAck is ${BLOCK_ACK_BYTES} bytes, not ${n}`)
  return n
}
