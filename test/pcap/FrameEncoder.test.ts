import { assert, describe, it } from "@effect/vitest"
import { crc32 } from "node:zlib"
import { eapolBodyBytes, frameMpduBytes, managementBodyBytes, utf8Bytes } from "../../src/air/FrameBytes.ts"
import type { NetworkFeatures } from "../../src/air/FrameBytes.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { BROADCAST, Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { echoPacketBytes, udpPacketBytes } from "../../src/vocabulary/PacketHeaders.ts"
import { makeTim, timElementBytes, MIN_TIM_ELEMENT_BYTES } from "../../src/vocabulary/Tim.ts"
import { eapolKey } from "../../src/vocabulary/Wpa.ts"
import {
  encodeAck, encodeBlockAck, encodeMpdu, ETHERTYPE_EAPOL, ETHERTYPE_IPV4, FcFlag, featuresOfBody, FrameControl, ipOf
} from "../../src/pcap/FrameEncoder.ts"
import type { MpduContext } from "../../src/pcap/FrameEncoder.ts"
import { readDot11, readElements } from "../../src/pcap/PcapReader.ts"
import { onesComplementSum } from "./support.ts"

const AP = 0x020000000100
const STA = 0x020000000200
const ENDPOINT = 0x020000100000
const HT40: PhyConfig = { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }
const ERP: PhyConfig = { standard: "802.11g", rateMbps: 54 }

const context = (over: Partial<MpduContext> = {}): MpduContext => ({
  ta: STA, fromAp: false, sequence: 7, packetNumber: 1, retry: false, durationUs: 44, qos: true, tcpSegmentBytes: 1460, tsfUs: 123_456, bssPhy: ERP, channel: 6, ...over
})

const encode = (f: Frame, c: MpduContext): Uint8Array => {
  const bytes = new Uint8Array(8192).fill(0xee) // garbage a reused buffer may hold
  const n = encodeMpdu(bytes, new DataView(bytes.buffer), 0, f, c)
  return bytes.slice(0, n)
}

const fcsOk = (mpdu: Uint8Array): boolean =>
  new DataView(mpdu.buffer, mpdu.byteOffset).getUint32(mpdu.length - 4, true) === crc32(mpdu.subarray(0, mpdu.length - 4))

const management = (kind: FrameKind, src: number, dst: number, n: NetworkFeatures, info: Frame["info"]): Frame => {
  const f = new Frame(1, kind, src, dst, AP)
  f.info = info
  // An AP's beacons and probe responses in 2.4 GHz carry the ERP element (9.4.2.12), as the AP counts them.
  const erp = (kind === FrameKind.Beacon || kind === FrameKind.ProbeResponse) && (info?.channel ?? 6) <= 14
  f.payloadBytes = managementBodyBytes(kind, { ...n, erp })
  return f
}

const ALL_FEATURES: ReadonlyArray<NetworkFeatures> = [0, 1, 2, 3, 4, 5, 6, 7].map((b) => ({ ssidBytes: 3, rsn: (b & 1) !== 0, ht: (b & 2) !== 0, wmm: (b & 4) !== 0 }))
const MANAGEMENT_KINDS = [FrameKind.Beacon, FrameKind.ProbeRequest, FrameKind.ProbeResponse, FrameKind.Auth, FrameKind.AssocRequest, FrameKind.AssocResponse, FrameKind.Deauth]

describe("FrameEncoder: every frame as long as FrameBytes counts it", () => {
  it("management frames of every kind and every feature set: length, FCS, header", () => {
    for (const kind of MANAGEMENT_KINDS) {
      for (const n of ALL_FEATURES) {
        const fromAp = kind !== FrameKind.ProbeRequest && kind !== FrameKind.AssocRequest
        const f = management(kind, fromAp ? AP : STA, kind === FrameKind.Beacon ? BROADCAST : fromAp ? STA : AP, n, {
          ssid: "lab", channel: 6, status: 0, aid: 1, rsn: n.rsn, beaconIntervalNs: 102_400_000, ...(kind === FrameKind.Beacon ? { tim: makeTim([], 0, 1) } : {})
        })
        const mpdu = encode(f, context({ ta: fromAp ? AP : STA, fromAp, bssPhy: n.ht ? HT40 : ERP }))
        assert.strictEqual(mpdu.length, frameMpduBytes(f, true), `kind ${kind} ${JSON.stringify(n)}`)
        assert.isTrue(fcsOk(mpdu))
        const h = readDot11(mpdu, 0)
        assert.strictEqual(h.type, 0)
        assert.strictEqual(h.addr1, f.ra)
        assert.strictEqual(h.addr2, fromAp ? AP : STA)
        assert.strictEqual(h.addr3, AP)
        assert.strictEqual(h.sequence, 7)
      }
    }
  })

  it("a beacon: timestamp, interval, SSID, rates, DS parameter (channel), TIM, RSN; a longer TIM adds its octets", () => {
    const n = { ssidBytes: utf8Bytes("lab"), rsn: true, ht: false, wmm: true }
    const tim = makeTim([9, 17], 1, 3)
    const f = management(FrameKind.Beacon, AP, BROADCAST, n, { ssid: "lab", channel: 11, tim, beaconIntervalNs: 102_400_000 })
    f.payloadBytes += timElementBytes(tim) - MIN_TIM_ELEMENT_BYTES
    const mpdu = encode(f, context({ ta: AP, fromAp: true, durationUs: 0 }))
    assert.strictEqual(mpdu.length, frameMpduBytes(f, true))
    const h = readDot11(mpdu, 0)
    assert.strictEqual(mpdu[0], FrameControl.Beacon)
    const body = new DataView(mpdu.buffer, h.bodyOffset)
    assert.strictEqual(body.getUint32(0, true), 123_456) // the TSF
    assert.strictEqual(body.getUint16(8, true), 100) // 100 TU
    assert.strictEqual(body.getUint16(10, true) & 0x0011, 0x0011) // ESS, Privacy
    const e = readElements(mpdu, h.bodyOffset + 12, mpdu.length - 4)
    assert.strictEqual(new TextDecoder().decode(e.get(0)), "lab")
    assert.deepStrictEqual([...e.get(1)!], [0x8c, 0x12, 0x98, 0x24, 0xb0, 0x48, 0x60, 0x6c])
    assert.deepStrictEqual([...e.get(3)!], [11])
    // TIM: DTIM count 1, period 3, bitmap control (offset 0), bits 9 and 17 in octets 1 and 2.
    assert.deepStrictEqual([...e.get(5)!], [1, 3, 0, 0, 0x02, 0x02])
    assert.strictEqual(e.get(48)!.length, 20)
    assert.isTrue(e.has(221))
  })

  it("an association request's Listen Interval: the station's, or 1 when its frame names none (802.11-2016 9.4.1.6)", () => {
    const n = { ssidBytes: 3, rsn: false, ht: false, wmm: true }
    const listenInterval = (info: Frame["info"]): number =>
      new DataView(encode(management(FrameKind.AssocRequest, STA, AP, n, info), context()).buffer).getUint16(24 + 2, true) // after the Capability
    assert.strictEqual(listenInterval({ ssid: "lab", listenInterval: 3 }), 3)
    assert.strictEqual(listenInterval({ ssid: "lab", listenInterval: 100 }), 100)
    assert.strictEqual(listenInterval({ ssid: "lab" }), 1)
  })

  it("an association response says Privacy in its Capability on an RSN, not on an open BSS (802.11-2016 9.4.1.4)", () => {
    const n = { ssidBytes: 3, rsn: false, ht: false, wmm: true } // a response's body has no RSN element
    const capability = (rsn: boolean): number => {
      const mpdu = encode(management(FrameKind.AssocResponse, AP, STA, n, { status: 0, aid: 1, rsn }), context({ ta: AP, fromAp: true }))
      return new DataView(mpdu.buffer).getUint16(24, true)
    }
    // 9.4.1.4: ESS is bit 0, Privacy bit 4.
    assert.strictEqual(capability(true) & 0b1_0001, 0b1_0001)
    assert.strictEqual(capability(false) & 0b1_0001, 0b0_0001)
  })

  it("HT40: the HT Operation element's secondary channel above or below as the operating classes pair them; ERP only in 2.4 GHz", () => {
    const n = { ssidBytes: 3, rsn: true, ht: true, wmm: true }
    const beaconOn = (channel: number) => {
      const f = management(FrameKind.Beacon, AP, BROADCAST, n, { ssid: "lab", channel, tim: makeTim([], 0, 1), beaconIntervalNs: 102_400_000 })
      const mpdu = encode(f, context({ ta: AP, fromAp: true, bssPhy: HT40, channel }))
      assert.strictEqual(mpdu.length, frameMpduBytes(f, true), `channel ${channel}: as long as the air counts it`)
      assert.isTrue(fcsOk(mpdu))
      return readElements(mpdu, 24 + 12, mpdu.length - 4)
    }
    // 802.11-2016 Table E-4: 2.4 GHz classes 83 (1–9, secondary above) and 84 (5–13, below); 5 GHz 116
    // (36, 44: above), 117 (40, 48: below), 126 (149, 157: above), 127 (153, 161: below). HT Operation
    // (9.4.2.57): offset 1 above, 3 below, with STA Channel Width (bit 2) set.
    const expected: ReadonlyArray<readonly [number, number]> = [[1, 1], [6, 1], [11, 3], [13, 3], [36, 1], [40, 3], [44, 1], [48, 3], [149, 1], [153, 3], [157, 1], [161, 3]]
    for (const [channel, offset] of expected) {
      const e = beaconOn(channel)
      assert.deepStrictEqual([e.get(61)![0], e.get(61)![1]], [channel, offset | 0b100], `channel ${channel}`)
      // 9.4.2.12: the ERP element belongs to a 2.4 GHz ERP BSS.
      assert.strictEqual(e.has(42), channel <= 14, `ERP on channel ${channel}`)
    }
  })

  it("the features a management body was counted with are named by its size", () => {
    for (const kind of MANAGEMENT_KINDS) {
      for (const n of ALL_FEATURES) {
        const found = featuresOfBody(kind, 3, managementBodyBytes(kind, n))
        // Kinds without an element keep the size the same; only those that carry it must be told apart.
        assert.strictEqual(managementBodyBytes(kind, found), managementBodyBytes(kind, n))
      }
    }
    assert.throws(() => featuresOfBody(FrameKind.Beacon, 3, 5), RangeError)
  })

  it("QoS data from a station on a CCMP link: To DS, addresses, QoS Control, CCMP header with the PN, MIC", () => {
    const f = new Frame(2, FrameKind.Data, STA, ENDPOINT, AP)
    f.ra = AP
    f.payloadBytes = udpPacketBytes(1470)
    f.payload = Payload.Udp
    f.protected = true
    const mpdu = encode(f, context({ packetNumber: 0x0102_0304_0506, retry: true }))
    assert.strictEqual(mpdu.length, frameMpduBytes(f, true))
    assert.strictEqual(mpdu.length, 26 + 8 + 8 + 1498 + 8 + 4)
    assert.isTrue(fcsOk(mpdu))
    assert.strictEqual(mpdu[0], FrameControl.QosData)
    assert.strictEqual(mpdu[1], FcFlag.ToDs | FcFlag.Retry | FcFlag.Protected)
    const h = readDot11(mpdu, 0)
    assert.deepStrictEqual([h.addr1, h.addr2, h.addr3, h.durationId, h.sequence], [AP, STA, ENDPOINT, 44, 7])
    // PN0 PN1 0 ExtIV PN2 PN3 PN4 PN5.
    assert.deepStrictEqual([...mpdu.subarray(26, 34)], [0x06, 0x05, 0x00, 0x20, 0x04, 0x03, 0x02, 0x01])
  })

  it("data on an open link carries LLC/SNAP and an IPv4 packet with a valid header checksum; downlink goes From DS", () => {
    const f = new Frame(3, FrameKind.Data, ENDPOINT, STA, AP)
    f.payloadBytes = echoPacketBytes(56)
    f.payload = Payload.EchoReply
    f.seq = 5
    f.moreData = true
    const mpdu = encode(f, context({ ta: AP, fromAp: true, qos: false }))
    assert.strictEqual(mpdu.length, frameMpduBytes(f, false))
    assert.strictEqual(mpdu[0], FrameControl.Data)
    assert.strictEqual(mpdu[1], FcFlag.FromDs | FcFlag.MoreData)
    const h = readDot11(mpdu, 0)
    assert.deepStrictEqual([h.addr1, h.addr2, h.addr3], [STA, AP, ENDPOINT])
    const v = new DataView(mpdu.buffer)
    assert.strictEqual(v.getUint16(24 + 6, false), ETHERTYPE_IPV4)
    const ip = 32
    assert.strictEqual(mpdu[ip], 0x45)
    assert.strictEqual(v.getUint16(ip + 2, false), 84)
    assert.strictEqual(mpdu[ip + 9], 1) // ICMP
    assert.strictEqual(v.getUint32(ip + 12, false), ipOf(ENDPOINT))
    let sum = 0
    for (let i = 0; i < 20; i += 2) sum += v.getUint16(ip + i, false)
    while (sum > 0xffff) sum = (sum & 0xffff) + (sum >>> 16)
    assert.strictEqual(sum, 0xffff) // a header with its checksum sums to all ones (RFC 1071)
  })

  it("TCP on an open link: a connection per direction, byte sequence and ACK numbers, IPv4 and TCP checksums that verify", () => {
    const tcp = (src: number, dst: number, payload: Payload, ipBytes: number, seq: number, fromAp: boolean, tcpSegmentBytes: number, createdNs = 0, echoNs = -1, sack: ReadonlyArray<number> = [], window = 0) => {
      const f = new Frame(14, FrameKind.Data, src, dst, AP)
      f.sack = sack
      f.tcpWindow = window
      f.payload = payload
      f.payloadBytes = ipBytes
      f.seq = seq
      f.createdNs = createdNs
      f.echoNs = echoNs
      const mpdu = encode(f, context({ ta: fromAp ? AP : STA, fromAp, qos: false, tcpSegmentBytes }))
      assert.isTrue(fcsOk(mpdu))
      const ip = 24 + 8 // MAC header, LLC/SNAP
      return { mpdu, ip, tcp: ip + 20, v: new DataView(mpdu.buffer) }
    }
    // Headers: IPv4 20, TCP 20 and its timestamps option 12 (NOP, NOP, kind 8, length 10, TSval, TSecr; RFC 7323 3.2).
    // The station's segment 5 of 1000-byte segments sent at 7.9 ms, echoing nothing yet, then the
    // endpoint's ACK of segment 6 (RFC 9293 3.4: the next byte expected) at 12.3 ms, echoing it.
    const data = tcp(STA, ENDPOINT, Payload.TcpData, 20 + 32 + 1000, 5, false, 0, 7_900_000)
    assert.deepStrictEqual([data.v.getUint16(data.tcp), data.v.getUint16(data.tcp + 2)], [49152, 9])
    assert.strictEqual(data.v.getUint32(data.tcp + 4), 5 * 1000)
    assert.strictEqual(data.mpdu[data.tcp + 12], 8 << 4, "data offset: 8 words")
    // Timestamps count milliseconds (Linux's jiffies at HZ = 1000).
    assert.deepStrictEqual([...data.mpdu.subarray(data.tcp + 20, data.tcp + 24), data.v.getUint32(data.tcp + 24), data.v.getUint32(data.tcp + 28)], [1, 1, 8, 10, 7, 0])
    const ack = tcp(ENDPOINT, STA, Payload.TcpAck, 20 + 32, 6, true, 1000, 12_300_000, 7_900_000)
    assert.deepStrictEqual([ack.v.getUint16(ack.tcp), ack.v.getUint16(ack.tcp + 2)], [9, 49152])
    assert.deepStrictEqual([ack.v.getUint32(ack.tcp + 4), ack.v.getUint32(ack.tcp + 8)], [0, 6 * 1000])
    assert.deepStrictEqual([ack.v.getUint32(ack.tcp + 24), ack.v.getUint32(ack.tcp + 28)], [12, 7])
    // The endpoint's own data comes from chargen (19), and the station's ACKs go back to it.
    const down = tcp(ENDPOINT, STA, Payload.TcpData, 20 + 32 + 700, 3, true, 0)
    assert.deepStrictEqual([down.v.getUint16(down.tcp), down.v.getUint16(down.tcp + 2), down.v.getUint32(down.tcp + 4)], [19, 49152, 3 * 700])
    const up = tcp(STA, ENDPOINT, Payload.TcpAck, 20 + 32, 4, false, 700)
    assert.deepStrictEqual([up.v.getUint16(up.tcp), up.v.getUint16(up.tcp + 2), up.v.getUint32(up.tcp + 8)], [49152, 19, 4 * 700])
    // An ACK holding segments 6–7 and 9 of 700 bytes beyond the hole at 4: after the timestamps, NOP,
    // NOP, SACK kind 5, length 2 + 8·2, each block's edges in bytes (RFC 2018 3); the header 13 words.
    const sacked = tcp(STA, ENDPOINT, Payload.TcpAck, 20 + 32 + 20, 4, false, 700, 0, -1, [9, 10, 6, 8], 300)
    // Its window, 300 segments of 700 bytes, in units of 128 bytes (window scale 7, RFC 7323 2.3).
    assert.strictEqual(sacked.v.getUint16(sacked.tcp + 14), Math.floor((300 * 700) / 128))
    // A data segment's sender receives no data: its first window, 4 segments of 1000 bytes, scaled.
    assert.strictEqual(data.v.getUint16(data.tcp + 14), Math.floor(4000 / 128))
    assert.strictEqual(sacked.mpdu[sacked.tcp + 12], 13 << 4)
    assert.deepStrictEqual([...sacked.mpdu.subarray(sacked.tcp + 32, sacked.tcp + 36)], [1, 1, 5, 18])
    assert.deepStrictEqual([0, 1, 2, 3].map((i) => sacked.v.getUint32(sacked.tcp + 36 + 4 * i)), [9 * 700, 10 * 700, 6 * 700, 8 * 700])
    // A packet too short for its blocks (a guest's length is its own) carries none.
    const short = tcp(STA, ENDPOINT, Payload.TcpAck, 20 + 32, 4, false, 700, 0, -1, [9, 10])
    assert.strictEqual(short.mpdu[short.tcp + 12], 8 << 4)
    for (const { mpdu, ip, v } of [data, ack, down, up, sacked, short]) {
      // RFC 1071: the one's-complement sum of a header with its checksum, or of a segment with its pseudo-header, is all ones.
      assert.strictEqual(onesComplementSum(mpdu, ip, ip + 20), 0xffff, "IPv4 header checksum")
      const total = v.getUint16(ip + 2)
      assert.strictEqual(total, mpdu.length - ip - 4)
      // RFC 9293 3.1 pseudo-header: source and destination address (IPv4 header bytes 12–19), zero and protocol 6, TCP length.
      const pseudo = [onesComplementSum(mpdu, ip + 12, ip + 20), 6, total - 20]
      assert.strictEqual(onesComplementSum(mpdu, ip + 20, ip + total, pseudo), 0xffff, "TCP checksum")
    }
  })

  it("null data with the PM bit, and a PS-Poll with the AID in Duration/ID", () => {
    const nul = new Frame(4, FrameKind.Data, STA, AP, AP)
    nul.pm = true
    const a = encode(nul, context())
    assert.strictEqual(a.length, frameMpduBytes(nul, true))
    assert.strictEqual(a[0], FrameControl.NullData)
    assert.strictEqual(a[1], FcFlag.ToDs | FcFlag.PowerManagement)
    const poll = new Frame(5, FrameKind.PsPoll, STA, AP, AP)
    poll.pm = true
    poll.info = { aid: 3 }
    const b = encode(poll, context())
    assert.strictEqual(b.length, frameMpduBytes(poll, true))
    const h = readDot11(b, 0)
    assert.deepStrictEqual([h.type, h.subtype, h.durationId, h.addr1, h.addr2], [1, 10, 0xc003, AP, STA])
    assert.isTrue(fcsOk(b))
  })

  it("QoS Null (type 2, subtype 12): a station's U-APSD trigger with PM, its AP's answer with EOSP; 30 bytes, QoS Control with TID 7 (mac80211's, AC_VO)", () => {
    // 802.11-2016 Table 9-1: subtype 12 in bits 4–7, type 2 (data) in bits 2–3 of the first octet.
    const qosNullFc = (12 << 4) | (2 << 2)
    const trigger = new Frame(10, FrameKind.QosNull, STA, AP, AP)
    trigger.pm = true
    const up = encode(trigger, context({ qos: false })) // a QoS Null has its QoS Control whatever the link's data frames use
    // 9.3.2.1: a QoS data header (24 + QoS Control 2), no body, FCS 4.
    assert.strictEqual(up.length, 24 + 2 + 4)
    assert.strictEqual(up.length, frameMpduBytes(trigger, false))
    assert.isTrue(fcsOk(up))
    assert.deepStrictEqual([up[0], up[1]], [qosNullFc, FcFlag.ToDs | FcFlag.PowerManagement])
    const hUp = readDot11(up, 0)
    // 9.2.4.5: TID in bits 0–3: 7, user priority 7, AC_VO (Table 10-1), as ieee80211_nullfunc_get
    // (net/mac80211/tx.c) builds a station's QoS Null.
    assert.deepStrictEqual([hUp.addr1, hUp.addr2, hUp.addr3, hUp.qosControl], [AP, STA, AP, 7])
    const end = new Frame(11, FrameKind.QosNull, AP, STA, AP)
    end.eosp = true
    const down = encode(end, context({ ta: AP, fromAp: true }))
    assert.isTrue(fcsOk(down))
    assert.deepStrictEqual([down[0], down[1]], [qosNullFc, FcFlag.FromDs])
    // TID 7 (an AP's null response at the highest delivery-enabled AC: mac80211's sta_info.c), EOSP in bit 4.
    assert.strictEqual(readDot11(down, 0).qosControl, 7 | (1 << 4))
  })

  it("QoS Control of QoS data: TID 0, EOSP on the AP's last frame of a service period, never on a station's", () => {
    const f = new Frame(12, FrameKind.Data, ENDPOINT, STA, AP)
    f.payloadBytes = udpPacketBytes(100)
    f.payload = Payload.Udp
    f.eosp = true
    assert.strictEqual(readDot11(encode(f, context({ ta: AP, fromAp: true })), 0).qosControl, 1 << 4)
    f.eosp = false
    assert.strictEqual(readDot11(encode(f, context({ ta: AP, fromAp: true })), 0).qosControl, 0)
    const up = new Frame(13, FrameKind.Data, STA, ENDPOINT, AP)
    up.payloadBytes = udpPacketBytes(100)
    up.payload = Payload.Udp
    up.eosp = true
    assert.strictEqual(readDot11(encode(up, context()), 0).qosControl, 0)
  })

  it("an association request's WMM Information element: QoS Info with AC_BE's U-APSD flag and the Max SP Length asked for", () => {
    const n = { ssidBytes: 3, rsn: false, ht: false, wmm: true }
    const qosInfo = (info: Frame["info"]): number => {
      const mpdu = encode(management(FrameKind.AssocRequest, STA, AP, n, info), context())
      // Body: capability 2, listen interval 2, then the elements (9.3.3.6).
      const wmm = readElements(mpdu, 24 + 4, mpdu.length - 4).get(221)!
      assert.deepStrictEqual([...wmm.subarray(0, 6)], [0x00, 0x50, 0xf2, 0x02, 0x00, 0x01]) // WMM OUI, type 2, subtype 0 (Information), version 1
      return wmm[6]!
    }
    assert.strictEqual(qosInfo({ ssid: "lab" }), 0)
    // WMM 2.2.1: AC_BE's flag is bit 3; Max SP Length in bits 5–6, 4 frames coded 2, 6 frames coded 3, all coded 0.
    assert.strictEqual(qosInfo({ ssid: "lab", uapsd: { maxSpLength: 4 } }), 0b0100_1000)
    assert.strictEqual(qosInfo({ ssid: "lab", uapsd: { maxSpLength: 6 } }), 0b0110_1000)
    assert.strictEqual(qosInfo({ ssid: "lab", uapsd: { maxSpLength: 0 } }), 0b0000_1000)
  })

  it("EAPOL-Key messages 1–4: LLC/SNAP 888E, 802.1X header, key information, replay counter, nonce, key data", () => {
    for (const message of [1, 2, 3, 4] as const) {
      const key = eapolKey(message, 9, new Uint8Array(32).fill(message), new Uint8Array(0), message === 1 ? undefined : new Uint8Array(16))
      const f = new Frame(6, FrameKind.Eapol, message % 2 === 1 ? AP : STA, message % 2 === 1 ? STA : AP, AP)
      f.info = { eapol: key }
      f.payloadBytes = eapolBodyBytes(key.keyDataBytes)
      const fromAp = message % 2 === 1
      const mpdu = encode(f, context({ ta: fromAp ? AP : STA, fromAp }))
      assert.strictEqual(mpdu.length, frameMpduBytes(f, true))
      const v = new DataView(mpdu.buffer)
      assert.strictEqual(v.getUint16(26 + 6, false), ETHERTYPE_EAPOL)
      const x = 34
      assert.deepStrictEqual([mpdu[x], mpdu[x + 1], v.getUint16(x + 2, false)], [2, 3, f.payloadBytes - 4])
      assert.strictEqual(mpdu[x + 4], 2) // RSN key descriptor
      assert.strictEqual(v.getUint16(x + 5, false), key.keyInfo)
      assert.strictEqual(v.getUint32(x + 13, false), 9)
      assert.strictEqual(mpdu[x + 17], message) // the nonce
      assert.strictEqual(v.getUint16(x + 4 + 93, false), key.keyDataBytes)
      if (message === 2) assert.strictEqual(mpdu[x + 4 + 95], 48) // the station's RSN element
    }
  })

  it("Ack and compressed BlockAck: 14 and 32 bytes, valid FCS, the bitmap and starting sequence number", () => {
    const bytes = new Uint8Array(64)
    const view = new DataView(bytes.buffer)
    assert.strictEqual(encodeAck(bytes, view, 0, STA, 0), 14)
    assert.isTrue(fcsOk(bytes.slice(0, 14)))
    assert.strictEqual(readDot11(bytes, 0).addr1, STA)
    assert.strictEqual(encodeBlockAck(bytes, view, 0, STA, AP, 0, 4095, 0b101, 0x8000_0000), 32)
    const ba = bytes.slice(0, 32)
    assert.isTrue(fcsOk(ba))
    const h = readDot11(ba, 0)
    assert.deepStrictEqual([h.type, h.subtype, h.addr1, h.addr2], [1, 9, STA, AP])
    assert.strictEqual(view.getUint16(18, true) >> 4, 4095)
    assert.strictEqual(view.getUint32(20, true), 0b101)
    assert.strictEqual(view.getUint32(24, true), 0x8000_0000)
  })

  it("every data frame's FCS is zlib's CRC-32 over its bytes: each payload, each size, open or CCMP, uplink or downlink", () => {
    const payloads = [Payload.Udp, Payload.EchoRequest, Payload.EchoReply, Payload.None, Payload.Subscribe, Payload.TcpData, Payload.TcpAck]
    for (const payload of payloads) {
      for (const bytes of [1, 19, 20, 27, 28, 40, 41, 576, 1500, 2304]) {
        for (const protectedLink of [false, true]) {
          for (const fromAp of [false, true]) {
            const f = new Frame(9, FrameKind.Data, fromAp ? ENDPOINT : STA, fromAp ? STA : ENDPOINT, AP)
            f.payload = payload
            f.payloadBytes = bytes
            f.protected = protectedLink
            f.seq = 77
            const mpdu = encode(f, context({ ta: fromAp ? AP : STA, fromAp, qos: protectedLink }))
            assert.strictEqual(mpdu.length, frameMpduBytes(f, protectedLink))
            assert.isTrue(fcsOk(mpdu), `payload ${payload}, ${bytes} bytes, ${protectedLink ? "CCMP" : "open"}, ${fromAp ? "downlink" : "uplink"}`)
          }
        }
      }
    }
  })
})
