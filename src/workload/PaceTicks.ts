/**
 * Paced traffic (a guest's paced UDP sender, the endpoint's paced downlink): each tick, every
 * `PACE_PERIOD_NS`, adds the flow's rate in packets to its credit and sends the whole packets the
 * credit holds. At low rates most ticks find less than a packet and send nothing; rather than fire
 * them, the flow's timer is set for the first tick that will send. The credit the skipped ticks
 * add is added here one tick at a time, as they would have added it, so the same ticks send, with
 * the same floating-point credit (issue 14: in a soak these empty ticks were most of the events).
 */

/**
 * Ticks skipped at most before one fires anyway (a rate so low that a packet takes longer is still
 * looked at once a second). Modelling choice: it bounds the loop, not the traffic.
 */
export const MAX_PACE_TICKS_AHEAD = 1_000

export interface PaceAhead {
  /** Ticks from now to the one to fire (1: the next one, as without skipping). */
  readonly ticks: number
  /** The credit once the skipped ticks have added theirs: what the tick that fires starts from. */
  readonly credit: number
}

/** After a tick that left `credit`, the next tick worth firing for a flow adding `perTick` a tick. */
export const nextSendingTick = (credit: number, perTick: number, maxTicks: number = MAX_PACE_TICKS_AHEAD): PaceAhead => {
  let ticks = 1
  let c = credit
  while (ticks < maxTicks && c + perTick < 1) {
    c += perTick
    ticks++
  }
  return { ticks, credit: c }
}

export interface PaceStep extends PaceAhead {
  /** Whole packets this tick sends. */
  readonly packets: number
}

/**
 * One tick that fires, for a flow holding `credit` and adding `perTick`: the packets it sends, then
 * (`nextSendingTick`) how many ticks on the next one fires and the credit that one starts from.
 */
export const paceTick = (credit: number, perTick: number): PaceStep => {
  const c = credit + perTick
  const packets = Math.floor(c)
  const ahead = nextSendingTick(c - packets, perTick)
  return { packets, ticks: ahead.ticks, credit: ahead.credit }
}

/** Packets per tick of a flow of `offeredMbps` in packets of `payloadBytes`. */
export const packetsPerTick = (offeredMbps: number, payloadBytes: number, periodNs: number): number =>
  (offeredMbps * 1e6 * periodNs) / 1e9 / (8 * payloadBytes)
