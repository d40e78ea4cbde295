/**
 * The headers an application's payload travels in as an IP packet (`Frame.payloadBytes` of a data
 * frame is the whole IPv4 packet). No IP options; TCP carries the timestamps option, and an ACK the
 * SACK option when the receiver holds data beyond a hole.
 */
import { Payload } from "./Frame.ts"

/** IPv4 header without options (RFC 791, 3.1). */
export const IPV4_HEADER_BYTES = 20
/** UDP header (RFC 768). */
export const UDP_HEADER_BYTES = 8
/** ICMP echo request/reply header: type, code, checksum, identifier, sequence (RFC 792). */
export const ICMP_ECHO_HEADER_BYTES = 8
/** TCP header without options (RFC 793, 3.1). */
export const TCP_HEADER_BYTES = 20
/**
 * The timestamps option (RFC 7323 3.2: kind 8, length 10) behind two NOPs, as Linux writes it on every
 * segment of a connection that negotiated it (tcp_options_write, net/ipv4/tcp_output.c;
 * TCPOLEN_TSTAMP_ALIGNED). Linux asks for it by default (net.ipv4.tcp_timestamps = 1, the seed's
 * 2.6.33 included), and so do the model's guests and endpoint.
 */
export const TCP_TIMESTAMPS_OPTION_BYTES = 12
/** The TCP header as every model segment and ACK carries it: with the timestamps option. */
export const TCP_HEADER_WITH_TIMESTAMPS_BYTES = TCP_HEADER_BYTES + TCP_TIMESTAMPS_OPTION_BYTES

/**
 * SACK blocks an ACK carries at most: 3 beside the timestamps option, in TCP's 40 bytes of options
 * (RFC 2018 3: 2 + 8·n bytes; the aligned timestamps option takes 12, which leaves 28).
 */
export const MAX_SACK_BLOCKS = 3

/**
 * The bytes the SACK option of `blocks` blocks adds to an ACK: NOP, NOP (Linux aligns it on 4 bytes:
 * tcp_options_write in net/ipv4/tcp_output.c), kind 5, length, then 8 bytes a block (RFC 2018 3).
 */
export const sackOptionBytes = (blocks: number): number => (blocks === 0 ? 0 : 4 + 8 * blocks)

/** IP + UDP: a datagram of `payloadBytes` is an IP packet this much longer. */
export const UDP_IP_OVERHEAD_BYTES = IPV4_HEADER_BYTES + UDP_HEADER_BYTES
/** IP + ICMP echo: a ping of `payloadBytes` data (`ping -s`, 56 by default) is this much longer. */
export const ICMP_IP_OVERHEAD_BYTES = IPV4_HEADER_BYTES + ICMP_ECHO_HEADER_BYTES
/** IP + TCP with its timestamps option: a segment's data is this much shorter than its IP packet. */
export const TCP_IP_OVERHEAD_BYTES = IPV4_HEADER_BYTES + TCP_HEADER_WITH_TIMESTAMPS_BYTES

/** The IP packet carrying a UDP datagram of `payloadBytes`. */
export const udpPacketBytes = (payloadBytes: number): number => payloadBytes + UDP_IP_OVERHEAD_BYTES
/** The UDP payload of an IP packet of `packetBytes`. */
export const udpPayloadBytes = (packetBytes: number): number => packetBytes - UDP_IP_OVERHEAD_BYTES
/** The IP packet of a ping with `dataBytes` of data. */
export const echoPacketBytes = (dataBytes: number): number => dataBytes + ICMP_IP_OVERHEAD_BYTES

/** `socketCopyBytes` of a packet the host's kernel makes or takes in itself (TCP's ACKs): no socket call copies it. */
export const KERNEL_OWN_PACKET = -1

/**
 * What an application's socket call copies for a data frame's IP packet of `packetBytes`: its send()
 * copies the payload into the kernel, its recv() copies it out; the kernel writes and strips the
 * headers. A ping goes through a raw socket: it writes the ICMP header with its data (the kernel adds
 * the IP header) and reads the reply with its IP header (raw(7): "the IP header is always included"
 * on receipt). TCP's ACKs are the kernel's own: `KERNEL_OWN_PACKET`, no call and no copy.
 */
export const socketCopyBytes = (payload: Payload, packetBytes: number): number => {
  switch (payload) {
    case Payload.Udp:
    case Payload.Subscribe:
      return packetBytes - UDP_IP_OVERHEAD_BYTES
    case Payload.TcpData:
      return packetBytes - TCP_IP_OVERHEAD_BYTES
    case Payload.EchoRequest:
      return packetBytes - IPV4_HEADER_BYTES
    case Payload.EchoReply:
      return packetBytes
    default:
      return KERNEL_OWN_PACKET
  }
}
