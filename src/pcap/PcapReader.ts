/**
 * Reads a pcap file of 802.11 frames with radiotap headers back (the format `AirCapture.ts` writes,
 * and any other little- or big-endian pcap): the file header, the records, each record's radiotap
 * fields and its 802.11 MAC header, and a management body's elements. For tests and tools; pure,
 * throws a RangeError naming what is wrong with a malformed file.
 */
import { MAC_HEADER_BYTES } from "../air/FrameBytes.ts"
import {
  NS_PER_SECOND,
  PCAP_FILE_HEADER_BYTES,
  PCAP_MAGIC_MICROSECONDS,
  PCAP_MAGIC_NANOSECONDS,
  PCAP_RECORD_HEADER_BYTES
} from "./PcapFormat.ts"
import { RADIOTAP_HEADER_BYTES, RadiotapField } from "./Radiotap.ts"

export interface PcapRecord {
  /** The record's time, ns (from µs in a microsecond file). */
  readonly timeNs: number
  readonly originalBytes: number
  /** The captured bytes (a view into the file). */
  readonly data: Uint8Array
}

export interface PcapFile {
  readonly nanosecondResolution: boolean
  readonly versionMajor: number
  readonly versionMinor: number
  readonly snapLengthBytes: number
  readonly linkType: number
  readonly records: ReadonlyArray<PcapRecord>
}

/** Reads a whole pcap file; a file that is not one (too short, a wrong magic number, a record past its end) throws a `RangeError` saying where. */
export const readPcap = (bytes: Uint8Array): PcapFile => {
  if (bytes.length < PCAP_FILE_HEADER_BYTES) throw new RangeError(`a pcap file starts with a ${PCAP_FILE_HEADER_BYTES}-byte header; this one has ${bytes.length} bytes`)
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength)
  const magicLe = view.getUint32(0, true)
  const magicBe = view.getUint32(0, false)
  const le = magicLe === PCAP_MAGIC_NANOSECONDS || magicLe === PCAP_MAGIC_MICROSECONDS
  if (!le && magicBe !== PCAP_MAGIC_NANOSECONDS && magicBe !== PCAP_MAGIC_MICROSECONDS) {
    throw new RangeError(`not a pcap file: magic 0x${magicLe.toString(16)}`)
  }
  const nanos = (le ? magicLe : magicBe) === PCAP_MAGIC_NANOSECONDS
  const records: Array<PcapRecord> = []
  let at = PCAP_FILE_HEADER_BYTES
  while (at < bytes.length) {
    if (at + PCAP_RECORD_HEADER_BYTES > bytes.length) throw new RangeError(`record ${records.length + 1} is cut inside its header at byte ${at}`)
    const seconds = view.getUint32(at, le)
    const fraction = view.getUint32(at + 4, le)
    const captured = view.getUint32(at + 8, le)
    const original = view.getUint32(at + 12, le)
    if ((nanos && fraction >= NS_PER_SECOND) || (!nanos && fraction >= 1_000_000)) throw new RangeError(`record ${records.length + 1}: sub-second field ${fraction} out of range`)
    const start = at + PCAP_RECORD_HEADER_BYTES
    if (start + captured > bytes.length) throw new RangeError(`record ${records.length + 1} is cut: ${captured} bytes announced, ${bytes.length - start} left`)
    records.push({ timeNs: seconds * NS_PER_SECOND + (nanos ? fraction : fraction * 1000), originalBytes: original, data: bytes.subarray(start, start + captured) })
    at = start + captured
  }
  return {
    nanosecondResolution: nanos,
    versionMajor: view.getUint16(4, le),
    versionMinor: view.getUint16(6, le),
    snapLengthBytes: view.getUint32(16, le),
    linkType: view.getUint32(20, le),
    records
  }
}

/** The radiotap fields vwifi writes, as read. */
export interface RadiotapInfo {
  /** Its length: the 802.11 frame follows. */
  readonly lengthBytes: number
  readonly present: number
  readonly tsftUs: number | undefined
  readonly flags: number
  readonly rateMbps: number | undefined
  readonly channelMhz: number | undefined
  readonly channelFlags: number | undefined
  readonly signalDbm: number | undefined
  readonly mcs: { readonly index: number; readonly known: number; readonly flags: number } | undefined
  readonly ampdu: { readonly reference: number; readonly flags: number } | undefined
}

/** Alignment and size of the fields of bits 0..21 (radiotap.org, defined fields). */
const FIELD_LAYOUT: ReadonlyArray<readonly [align: number, size: number]> = [
  [8, 8], [1, 1], [1, 1], [2, 4], [2, 2], [1, 1], [1, 1], [2, 2], [2, 2], [2, 2], [1, 1],
  [1, 1], [1, 1], [1, 1], [2, 2], [2, 2], [1, 1], [1, 1], [4, 8], [1, 3], [4, 8], [2, 12]
]
/** Bit 31 of it_present: another present word follows (radiotap.org, "Radiotap header"). */
const PRESENT_EXTENDED = 31

/** Reads the radiotap header at the start of a record. */
export const readRadiotap = (data: Uint8Array): RadiotapInfo => {
  if (data.length < RADIOTAP_HEADER_BYTES) throw new RangeError("a record shorter than a radiotap header")
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (view.getUint8(0) !== 0) throw new RangeError(`radiotap version ${view.getUint8(0)}, not 0`)
  const length = view.getUint16(2, true)
  const present = view.getUint32(4, true)
  if (length > data.length) throw new RangeError(`radiotap header of ${length} bytes in a ${data.length}-byte record`)
  if ((present >>> PRESENT_EXTENDED) & 1) throw new RangeError("extended radiotap present words are not read")
  let p = RADIOTAP_HEADER_BYTES
  const at: Array<number> = []
  for (let bit = 0; bit < FIELD_LAYOUT.length; bit++) {
    if (((present >>> bit) & 1) === 0) continue
    const [align, size] = FIELD_LAYOUT[bit]!
    p = Math.ceil(p / align) * align
    at[bit] = p
    p += size
  }
  for (let bit = FIELD_LAYOUT.length; bit < PRESENT_EXTENDED; bit++) if ((present >>> bit) & 1) throw new RangeError(`radiotap field ${bit} is not read`)
  if (p > length) throw new RangeError(`radiotap fields end at ${p}, past the header's ${length} bytes`)
  const get = (bit: number): number | undefined => at[bit]
  const tsft = get(RadiotapField.Tsft)
  const flags = get(RadiotapField.Flags)
  const rate = get(RadiotapField.Rate)
  const channel = get(RadiotapField.Channel)
  const signal = get(RadiotapField.AntennaSignalDbm)
  const mcs = get(RadiotapField.Mcs)
  const ampdu = get(RadiotapField.AmpduStatus)
  return {
    lengthBytes: length,
    present,
    tsftUs: tsft === undefined ? undefined : view.getUint32(tsft + 4, true) * 0x1_0000_0000 + view.getUint32(tsft, true),
    flags: flags === undefined ? 0 : view.getUint8(flags),
    rateMbps: rate === undefined ? undefined : view.getUint8(rate) / 2,
    channelMhz: channel === undefined ? undefined : view.getUint16(channel, true),
    channelFlags: channel === undefined ? undefined : view.getUint16(channel + 2, true),
    signalDbm: signal === undefined ? undefined : view.getInt8(signal),
    mcs: mcs === undefined ? undefined : { known: view.getUint8(mcs), flags: view.getUint8(mcs + 1), index: view.getUint8(mcs + 2) },
    ampdu: ampdu === undefined ? undefined : { reference: view.getUint32(ampdu, true), flags: view.getUint16(ampdu + 4, true) }
  }
}

/** An 802.11 MAC header, as far as its frame type has one (802.11-2016 9.2.3). */
export interface Dot11Header {
  /** 0 management, 1 control, 2 data. */
  readonly type: number
  readonly subtype: number
  /** The Frame Control flags octet. */
  readonly flags: number
  readonly durationId: number
  readonly addr1: number
  /** Absent in an Ack. */
  readonly addr2: number | undefined
  /** Management and data frames only. */
  readonly addr3: number | undefined
  readonly sequence: number | undefined
  /** A data frame's fourth address, present with both To DS and From DS set (a mesh or WDS link). */
  readonly addr4: number | undefined
  /** The QoS Control field of a QoS data frame (QoS Data, QoS Null: 9.2.4.5), undefined otherwise. */
  readonly qosControl: number | undefined
  /** The HT Control field (9.2.4.6), present when the Order bit is set on a QoS data or management frame. */
  readonly htControl: number | undefined
  /** Where the frame body starts (after Address 4, QoS Control and HT Control where the frame has them). */
  readonly bodyOffset: number
}

/** Frame Control flags (9.2.4.1): To DS and From DS both set (four addresses), and Order (+HTC). */
const TO_AND_FROM_DS = 0x03
const ORDER_FLAG = 0x80

const readMac = (view: DataView, at: number): number => view.getUint16(at, false) * 0x1_0000_0000 + view.getUint32(at + 2, false)

/** Control subtypes with no second address: CTS (12), Ack (13) (9.3.1). */
const ONE_ADDRESS_CONTROL = new Set([12, 13])

/** Reads the MAC header of the frame at `offset` of `data`; a frame shorter than its header throws a `RangeError` naming it. */
export const readDot11 = (data: Uint8Array, offset: number): Dot11Header => {
  if (!(Number.isSafeInteger(offset) && offset >= 0)) throw new RangeError(`an 802.11 frame at offset ${offset}, which is no place in a record`)
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength)
  if (offset + 10 > data.length) throw new RangeError("an 802.11 frame shorter than the shortest header")
  const fc = view.getUint8(offset)
  const type = (fc >> 2) & 3
  const subtype = fc >> 4
  const flags = view.getUint8(offset + 1)
  const header = { type, subtype, flags, durationId: view.getUint16(offset + 2, true), addr1: readMac(view, offset + 4) }
  if (type === 1) {
    const two = !ONE_ADDRESS_CONTROL.has(subtype)
    if (two && offset + 16 > data.length) throw new RangeError(`a control frame (subtype ${subtype}) shorter than its 16-byte header`)
    return { ...header, addr2: two ? readMac(view, offset + 10) : undefined, addr3: undefined, sequence: undefined, addr4: undefined, qosControl: undefined, htControl: undefined, bodyOffset: offset + (two ? 16 : 10) }
  }
  const qos = type === 2 && (subtype & 8) !== 0
  const fourAddresses = type === 2 && (flags & TO_AND_FROM_DS) === TO_AND_FROM_DS
  const htc = (flags & ORDER_FLAG) !== 0 && (qos || type === 0)
  const addr4At = offset + MAC_HEADER_BYTES
  const qosAt = addr4At + (fourAddresses ? 6 : 0)
  const htcAt = qosAt + (qos ? 2 : 0)
  const bodyOffset = htcAt + (htc ? 4 : 0)
  if (bodyOffset > data.length) {
    throw new RangeError(`a ${qos ? "QoS data" : type === 2 ? "data" : "management"} frame shorter than its ${bodyOffset - offset}-byte header`)
  }
  return {
    ...header,
    addr2: readMac(view, offset + 10),
    addr3: readMac(view, offset + 16),
    sequence: view.getUint16(offset + 22, true) >> 4,
    addr4: fourAddresses ? readMac(view, addr4At) : undefined,
    qosControl: qos ? view.getUint16(qosAt, true) : undefined,
    htControl: htc ? view.getUint32(htcAt, true) : undefined,
    bodyOffset
  }
}

/** The elements from `from` to `to` (the FCS excluded) of a management body: id → contents (the first of each id). */
export const readElements = (data: Uint8Array, from: number, to: number): Map<number, Uint8Array> => {
  const elements = new Map<number, Uint8Array>()
  let p = from
  while (p < to) {
    if (p + 2 > to) throw new RangeError(`an element header cut at byte ${p}`)
    const id = data[p]!
    const length = data[p + 1]!
    if (p + 2 + length > to) throw new RangeError(`element ${id} of ${length} bytes runs past the body`)
    if (!elements.has(id)) elements.set(id, data.subarray(p + 2, p + 2 + length))
    p += 2 + length
  }
  return elements
}
