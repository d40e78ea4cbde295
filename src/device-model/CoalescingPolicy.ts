/**
 * When the device model holds a virtual interrupt back (interrupt coalescing, the seed's fix for the
 * cost of one virtual interrupt per event): events gather until `frames` are pending or `delayNs`
 * has passed since the first. Held at every load, a window delays a lone event by the whole window
 * (a ping's reply waits up to 1 ms), so an adaptive rule holds only under load: while events arrive
 * on average faster than one per window. The average is an exponentially weighted mean of the gap
 * between arrivals, weight 1/8 (as TCP's smoothed RTT, RFC 6298 2.3). Adaptive interrupt moderation
 * in real NICs works the same way (Linux e1000's dynamic InterruptThrottleRate gives low, sparse
 * traffic the lowest-latency setting; Documentation/networking/device_drivers/ethernet/intel/e1000.rst).
 * Pure: the device model keeps the numbers in its state.
 */

/** Weight of a new gap in the smoothed gap between arrivals (RFC 6298's alpha for SRTT). */
export const ARRIVAL_GAP_WEIGHT = 1 / 8

export interface CoalescingRule {
  readonly enabled: boolean
  /** Inject once this many events are pending… */
  readonly frames: number
  /** …or this long after the first of them. */
  readonly delayNs: number
  /** Hold only under load (the smoothed gap between arrivals shorter than `delayNs`); else inject at once. */
  readonly adaptive: boolean
}

/** What the policy remembers: when events last arrived, and the smoothed gap between arrivals. */
export interface ArrivalHistory {
  readonly lastArrivalNs: number
  readonly smoothedGapNs: number
}

/** Before any arrival: no load seen (the first event is not held when the rule is adaptive). */
export const noArrivals: ArrivalHistory = { lastArrivalNs: -Infinity, smoothedGapNs: Infinity }

/** The history after events arrive at `nowNs` (one arrival however many events it carries). */
export const arrived = (h: ArrivalHistory, nowNs: number): ArrivalHistory => {
  if (h.lastArrivalNs === -Infinity) return { lastArrivalNs: nowNs, smoothedGapNs: Infinity }
  const gap = nowNs - h.lastArrivalNs
  const smoothedGapNs = h.smoothedGapNs === Infinity ? gap : h.smoothedGapNs + ARRIVAL_GAP_WEIGHT * (gap - h.smoothedGapNs)
  return { lastArrivalNs: nowNs, smoothedGapNs }
}

/** What to do with events that just arrived, `pending` counted with them. */
export type CoalescingDecision = "inject" | "hold" | "hold-and-arm"

export const decide = (rule: CoalescingRule, history: ArrivalHistory, pendingBefore: number, pendingNow: number): CoalescingDecision => {
  if (!rule.enabled) return "inject"
  if (pendingNow >= rule.frames) return "inject"
  // Light load: nothing is waiting and events come slower than one per window.
  if (rule.adaptive && pendingBefore === 0 && !(history.smoothedGapNs < rule.delayNs)) return "inject"
  return pendingBefore === 0 ? "hold-and-arm" : "hold"
}
