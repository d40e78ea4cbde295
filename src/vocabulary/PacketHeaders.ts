/**
 * The headers an application's payload travels in as an IP packet (`Frame.payloadBytes` of a data
 * frame is the whole IPv4 packet). No IP options, no TCP options beyond what the header holds.
 */

/** IPv4 header without options (RFC 791, 3.1). */
export const IPV4_HEADER_BYTES = 20
/** UDP header (RFC 768). */
export const UDP_HEADER_BYTES = 8
/** ICMP echo request/reply header: type, code, checksum, identifier, sequence (RFC 792). */
export const ICMP_ECHO_HEADER_BYTES = 8
/** TCP header without options (RFC 793, 3.1). */
export const TCP_HEADER_BYTES = 20

/** IP + UDP: a datagram of `payloadBytes` is an IP packet this much longer. */
export const UDP_IP_OVERHEAD_BYTES = IPV4_HEADER_BYTES + UDP_HEADER_BYTES
/** IP + ICMP echo: a ping of `payloadBytes` data (`ping -s`, 56 by default) is this much longer. */
export const ICMP_IP_OVERHEAD_BYTES = IPV4_HEADER_BYTES + ICMP_ECHO_HEADER_BYTES
/** IP + TCP: a segment of MSS bytes is this much longer. */
export const TCP_IP_OVERHEAD_BYTES = IPV4_HEADER_BYTES + TCP_HEADER_BYTES

/** The IP packet carrying a UDP datagram of `payloadBytes`. */
export const udpPacketBytes = (payloadBytes: number): number => payloadBytes + UDP_IP_OVERHEAD_BYTES
/** The UDP payload of an IP packet of `packetBytes`. */
export const udpPayloadBytes = (packetBytes: number): number => packetBytes - UDP_IP_OVERHEAD_BYTES
/** The IP packet of a ping with `dataBytes` of data. */
export const echoPacketBytes = (dataBytes: number): number => dataBytes + ICMP_IP_OVERHEAD_BYTES
