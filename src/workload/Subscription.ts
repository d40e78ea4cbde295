/**
 * A downlink flow (udp-rx, tcp-rx) starts when the VM's application asks the endpoint for it with a
 * Subscribe packet. The application that does so in a real measurement (iperf's client in reverse
 * mode, say) asks over a TCP control connection, whose SYN goes again while unanswered: after TCP's
 * initial retransmission timeout of 1 s (RFC 6298 2.1), doubling each time, `tcp_syn_retries` times
 * (6, Linux's default, Documentation/networking/ip-sysctl.rst). The model's application sends its
 * Subscribe again on that schedule until the flow's first packet arrives: one lost on its way (an
 * AP that drops it because its 802.1X port is not open yet, a collision, an outage) no longer leaves
 * the flow unstarted for the rest of the run.
 */

/** TCP's initial retransmission timeout, 1 s (RFC 6298 2.1). */
export const SUBSCRIBE_FIRST_RETRY_NS = 1_000_000_000
/** Linux's `tcp_syn_retries` default: 6 sends again after the first. */
export const SUBSCRIBE_RETRIES = 6

/** How long after send number `attempt` (0: the first) the next goes, if the flow has not started: 1, 2, 4, … s. */
export const subscribeRetryDelayNs = (attempt: number): number => SUBSCRIBE_FIRST_RETRY_NS * 2 ** attempt

/** Whether send number `attempt` (0: the first) may be followed by another. */
export const mayResubscribe = (attempt: number): boolean => attempt < SUBSCRIBE_RETRIES
