/**
 * The pcap file format (IETF draft-ietf-opsawg-pcap, "PCAP Capture File Format"): a 24-byte file
 * header, then one 16-byte record header and the captured bytes per packet, little-endian. vwifi
 * writes the nanosecond-resolution variant (its magic), so each record carries the simulated time to
 * the nanosecond, and link type 127: every packet starts with a radiotap header. Pure.
 */

/** Magic of a nanosecond-resolution file, as written by its writer's byte order (draft-ietf-opsawg-pcap §4). */
export const PCAP_MAGIC_NANOSECONDS = 0xa1b23c4d
/** Magic of a microsecond-resolution file (§4); the reader accepts both. */
export const PCAP_MAGIC_MICROSECONDS = 0xa1b2c3d4
/** Format version 2.4 (§4: Major Version 2, Minor Version 4). */
export const PCAP_VERSION_MAJOR = 2
export const PCAP_VERSION_MINOR = 4
/** File header: magic 4, versions 2 + 2, two reserved 4-byte fields, SnapLen 4, LinkType 4 (§4). */
export const PCAP_FILE_HEADER_BYTES = 24
/** Record header: seconds 4, sub-seconds 4, captured length 4, original length 4 (§5). */
export const PCAP_RECORD_HEADER_BYTES = 16
/** LINKTYPE_IEEE802_11_RADIOTAP: radiotap header, then the 802.11 frame (tcpdump.org link-layer header types). */
export const LINKTYPE_IEEE802_11_RADIOTAP = 127
/** SnapLen: no record is cut (the largest MPDU with its radiotap header is far below; libpcap's default maximum). */
export const PCAP_SNAPLEN_BYTES = 262_144
/** Nanoseconds in a second: a record's time is whole seconds and the nanoseconds within it (§5). */
export const NS_PER_SECOND = 1_000_000_000

/** Writes the file header at `at`. */
export const writeFileHeader = (view: DataView, at: number): number => {
  view.setUint32(at, PCAP_MAGIC_NANOSECONDS, true)
  view.setUint16(at + 4, PCAP_VERSION_MAJOR, true)
  view.setUint16(at + 6, PCAP_VERSION_MINOR, true)
  view.setUint32(at + 8, 0, true)
  view.setUint32(at + 12, 0, true)
  view.setUint32(at + 16, PCAP_SNAPLEN_BYTES, true)
  view.setUint32(at + 20, LINKTYPE_IEEE802_11_RADIOTAP, true)
  return PCAP_FILE_HEADER_BYTES
}

/** Writes a record header at `at` for a packet of `bytes` captured whole at `timeNs`. */
export const writeRecordHeader = (view: DataView, at: number, timeNs: number, bytes: number): number => {
  const seconds = Math.floor(timeNs / NS_PER_SECOND)
  view.setUint32(at, seconds, true)
  view.setUint32(at + 4, timeNs - seconds * NS_PER_SECOND, true)
  view.setUint32(at + 8, bytes, true)
  view.setUint32(at + 12, bytes, true)
  return PCAP_RECORD_HEADER_BYTES
}
