/**
 * The bounds of a traffic flow's settings: a scenario's flows (`scenario/Scenario.ts`) and a guest's
 * `Subscribe` request at the trust boundary (`CardCommand.Subscription`) are checked against the same ones.
 */

/** A flow's rate at most, Mbit/s: above any PHY's rate. */
export const MAX_OFFERED_MBPS = 10_000
/** A UDP datagram's payload, bytes: at least 18 (a datagram the endpoint can number and time), at most 1472 (a 1500-byte IP MTU, less IPv4's 20 and UDP's 8). */
export const MIN_UDP_PAYLOAD_BYTES = 18
export const MAX_UDP_PAYLOAD_BYTES = 1472
/** TCP's maximum segment size, bytes: at least 13 (the 12 bytes of the timestamps option and one of data), at most 1460 (a 1500-byte IP MTU, less IPv4's 20 and TCP's 20). */
export const MIN_TCP_MSS_BYTES = 13
export const MAX_TCP_MSS_BYTES = 1460
