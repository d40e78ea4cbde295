/**
 * How many bytes each frame puts on the air (its MPDU, FCS included), by frame type: the one place
 * that says it. A data MPDU carries an IP packet behind LLC/SNAP, in a QoS data frame when the link
 * uses WMM, inside CCMP when it is protected; a management MPDU carries its frame body; null-data
 * frames carry nothing. Pure, allocation-free.
 *
 * | frame | MPDU bytes |
 * | --- | --- |
 * | data | header 24 (QoS data: 26) + CCMP header 8 + LLC/SNAP 8 + IP packet + CCMP MIC 8 + FCS 4 (no CCMP on an open link) |
 * | null data (PM bit, link probe) | 24 + 4 |
 * | QoS Null (U-APSD trigger, end of a service period) | 26 + 4 |
 * | EAPOL-Key (4-way handshake) | header 24 (QoS data: 26) + LLC/SNAP 8 + 802.1X header 4 + EAPOL-Key 95 + key data + FCS 4 (`eapolBodyBytes`) |
 * | management | header 24 + body (`managementBodyBytes`) + 4 |
 * | Ack / BlockAck / BlockAckReq | 14 / 32 / 24 (`Timing.ts`) |
 */
import { FrameKind } from "../vocabulary/Frame.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { FCS_BYTES, LLC_SNAP_BYTES, QOS_DATA_HEADER_BYTES } from "./Timing.ts"

/** A data or management frame's MAC header with three addresses and no QoS Control (802.11-2016 9.3.2.1, 9.3.3.2). */
export const MAC_HEADER_BYTES = 24
/** CCMP header: PN and key ID (802.11-2016 12.5.3.2). */
export const CCMP_HEADER_BYTES = 8
/** CCMP-128 MIC (802.11-2016 12.5.3.3.2). */
export const CCMP_MIC_BYTES = 8

const encoder = new TextEncoder()
/** An SSID's length on the air: its UTF-8 bytes. */
export const utf8Bytes = (text: string): number => encoder.encode(text).length

/** What a network advertises, as far as the size of its management frames goes. */
export interface NetworkFeatures {
  /** Length of the SSID, bytes (0 for a wildcard probe). */
  readonly ssidBytes: number
  /** An RSN (WPA2-PSK with CCMP): the RSN element is present. */
  readonly rsn: boolean
  /** An HT (802.11n) BSS: HT Capabilities and HT Operation elements. */
  readonly ht: boolean
  /** WMM (QoS): the WMM Parameter element (AP) or WMM Information element (station). */
  readonly wmm: boolean
  /**
   * An ERP BSS, in 2.4 GHz: its beacons and probe responses carry the ERP element (9.4.2.12); a 5 GHz
   * BSS's carry none. A station's frames never do (absent: false).
   */
  readonly erp?: boolean
}

// Element sizes, 2-byte element header included (802.11-2016 9.4.2).
/** SSID element (9.4.2.2). */
const ssidElement = (ssidBytes: number): number => 2 + ssidBytes
/** Supported Rates: the eight ERP-OFDM rates of a pure-ERP BSS fit in one element (9.4.2.3), no Extended Supported Rates. */
const SUPPORTED_RATES_BYTES = 2 + 8
/** DSSS Parameter Set: the current channel (9.4.2.4). */
const DS_PARAMETER_BYTES = 2 + 1
/** TIM with a one-octet partial virtual bitmap, its smallest form (9.4.2.6). */
const TIM_BYTES = 2 + 4
/** ERP element (9.4.2.13), present in an ERP BSS's beacons and probe responses. */
const ERP_BYTES = 2 + 1
/** RSN element for WPA2-PSK with CCMP only: version, group suite, one pairwise suite, one AKM suite, capabilities (9.4.2.25). */
const RSN_BYTES = 2 + 20
/** HT Capabilities (9.4.2.56) and HT Operation (9.4.2.57). */
const HT_CAPABILITIES_BYTES = 2 + 26
const HT_OPERATION_BYTES = 2 + 22
/**
 * WMM Parameter element (AP) and WMM Information element (station): Wi-Fi Alliance WMM Specification
 * 1.1, 2.2.2 and 2.2.1. The station's always carries its QoS Info octet, where U-APSD is asked for
 * (the AC flags and Max SP Length): asking changes no size.
 */
const WMM_PARAMETER_BYTES = 2 + 24
const WMM_INFORMATION_BYTES = 2 + 7
/** Fixed fields (9.4.1): timestamp 8, beacon interval 2, capability 2, listen interval 2, status 2, AID 2, reason 2, auth algorithm 2, auth sequence 2. */
const BEACON_FIXED_BYTES = 8 + 2 + 2
const ASSOC_REQUEST_FIXED_BYTES = 2 + 2
const ASSOC_RESPONSE_FIXED_BYTES = 2 + 2 + 2
const AUTH_FIXED_BYTES = 2 + 2 + 2
const DEAUTH_FIXED_BYTES = 2

/** The body of a management frame of `kind` (802.11-2016 9.3.3: the fields and elements each carries). */
export const managementBodyBytes = (kind: FrameKind, n: NetworkFeatures): number => {
  const ht = n.ht ? HT_CAPABILITIES_BYTES + HT_OPERATION_BYTES : 0
  const rsn = n.rsn ? RSN_BYTES : 0
  const erp = n.erp === true ? ERP_BYTES : 0
  switch (kind) {
    case FrameKind.Beacon: // 9.3.3.3
      return BEACON_FIXED_BYTES + ssidElement(n.ssidBytes) + SUPPORTED_RATES_BYTES + DS_PARAMETER_BYTES + TIM_BYTES + erp + rsn + ht +
        (n.wmm ? WMM_PARAMETER_BYTES : 0)
    case FrameKind.ProbeResponse: // 9.3.3.11: a beacon's fields without the TIM
      return BEACON_FIXED_BYTES + ssidElement(n.ssidBytes) + SUPPORTED_RATES_BYTES + DS_PARAMETER_BYTES + erp + rsn + ht +
        (n.wmm ? WMM_PARAMETER_BYTES : 0)
    case FrameKind.ProbeRequest: // 9.3.3.10
      return ssidElement(n.ssidBytes) + SUPPORTED_RATES_BYTES + (n.ht ? HT_CAPABILITIES_BYTES : 0)
    case FrameKind.Auth: // 9.3.3.12, open system
      return AUTH_FIXED_BYTES
    case FrameKind.AssocRequest: // 9.3.3.6
      return ASSOC_REQUEST_FIXED_BYTES + ssidElement(n.ssidBytes) + SUPPORTED_RATES_BYTES + rsn + (n.ht ? HT_CAPABILITIES_BYTES : 0) +
        (n.wmm ? WMM_INFORMATION_BYTES : 0)
    case FrameKind.AssocResponse: // 9.3.3.7
      return ASSOC_RESPONSE_FIXED_BYTES + SUPPORTED_RATES_BYTES + ht + (n.wmm ? WMM_PARAMETER_BYTES : 0)
    case FrameKind.Deauth: // 9.3.3.13
    case FrameKind.Disassoc: // 9.3.3.5: the same reason code alone
      return DEAUTH_FIXED_BYTES
    default:
      throw new RangeError(`frame kind ${kind} is not a management frame`)
  }
}

/** The 802.1X header before an EAPOL body: protocol version, packet type, body length (IEEE 802.1X-2010 11.3). */
export const EAPOL_HEADER_BYTES = 4
/**
 * An EAPOL-Key frame's fixed fields (802.11-2016 12.7.2, Figure 12-32): descriptor type 1, key
 * information 2, key length 2, replay counter 8, nonce 32, key IV 16, RSC 8, reserved 8, MIC 16
 * (HMAC-SHA1-128), key data length 2.
 */
export const EAPOL_KEY_FIXED_BYTES = 1 + 2 + 2 + 8 + 32 + 16 + 8 + 8 + 16 + 2
/** The body of an EAPOL-Key frame behind LLC/SNAP: the 802.1X header, the fixed fields, the key data. */
export const eapolBodyBytes = (keyDataBytes: number): number => EAPOL_HEADER_BYTES + EAPOL_KEY_FIXED_BYTES + keyDataBytes

/** A PS-Poll (9.3.1.5): frame control 2, AID 2, BSSID 6, TA 6, FCS 4. */
export const PS_POLL_BYTES = 20
/** A QoS Null (9.3.2.1): a QoS data header (QoS Control included) and the FCS, no body. */
export const QOS_NULL_BYTES = QOS_DATA_HEADER_BYTES + FCS_BYTES

/** A data MPDU carrying an IP packet of `ipBytes` (0: a null-data frame, which carries nothing). */
export const dataMpduBytes = (ipBytes: number, qos: boolean, isProtected: boolean): number => {
  if (ipBytes === 0) return MAC_HEADER_BYTES + FCS_BYTES
  return (qos ? QOS_DATA_HEADER_BYTES : MAC_HEADER_BYTES) + (isProtected ? CCMP_HEADER_BYTES + CCMP_MIC_BYTES : 0) + LLC_SNAP_BYTES + ipBytes + FCS_BYTES
}

/** An EAPOL-Key MPDU: a data frame (QoS data on a QoS link), LLC/SNAP, its 802.1X body; sent in the clear during the first handshake. */
export const eapolMpduBytes = (bodyBytes: number, qos: boolean): number =>
  (qos ? QOS_DATA_HEADER_BYTES : MAC_HEADER_BYTES) + LLC_SNAP_BYTES + bodyBytes + FCS_BYTES

/**
 * The MPDU of `f` as its sender puts it on the air: `payloadBytes` is the IP packet of a data frame,
 * the 802.1X body of an EAPOL-Key frame and the body of a management frame; `qos` is whether the
 * sender's link uses QoS data frames.
 */
export const frameMpduBytes = (f: Frame, qos: boolean): number =>
  f.kind === FrameKind.PsPoll
    ? PS_POLL_BYTES
    : f.kind === FrameKind.QosNull
    ? QOS_NULL_BYTES
    : f.kind === FrameKind.Data
    ? dataMpduBytes(f.payloadBytes, qos, f.protected)
    : f.kind === FrameKind.Eapol
    ? eapolMpduBytes(f.payloadBytes, qos)
    : MAC_HEADER_BYTES + f.payloadBytes + FCS_BYTES
