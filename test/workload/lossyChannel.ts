/**
 * A TCP sender and receiver over a channel that loses segments and ACKs alike, in rounds of one
 * round trip: what the window lets go crosses, then the ACKs come back; a round that hears no ACK
 * ends in a timeout. With `sack` the ACKs carry the receiver's SACK blocks, without it none (a peer
 * that sends none: NewReno's recovery).
 */
import * as Rx from "../../src/workload/TcpReceiver.ts"
import * as Sender from "../../src/workload/TcpSender.ts"
import * as Sack from "../../src/workload/TcpSack.ts"

const ROUND_TRIP_NS = 10_000_000

/**
 * Transfers `total` segments; true when all arrived in order, each delivered once, and every round
 * kept the sender's bounds (a pipe never negative, nothing beyond the right edge the receiver offered).
 */
export const lossyTransfer = (seed: number, lossPercent: number, sack: boolean, total = 300): boolean => {
  let x = seed >>> 0
  const rand = () => ((x = (Math.imul(x, 1664525) + 1013904223) >>> 0) / 2 ** 32)
  let s: Sender.SenderState = sack ? Sender.initialSender : { ...Sender.initialSender, sackPermitted: false }
  let r = Rx.initialReceiver
  let now = 0
  let delivered = 0
  let ok = true
  const ackOf = (): readonly [number, number, ReadonlyArray<number>, number] =>
    [r.rcvNxt, r.tsRecentNs, sack ? Sack.reported(r.blocks) : Sack.NO_RANGES, Rx.offeredWindow(r)]
  for (let round = 0; round < 20_000 && r.rcvNxt < total && ok; round++) {
    const segs: Array<number> = []
    for (let run = Sender.nextRun(s, s.rwnd, total); run !== undefined; run = Sender.nextRun(s, s.rwnd, total)) {
      for (let i = 0; i < run.count; i++) segs.push(run.first + i)
      s = Sender.sentRun(s, run.first, run.count)
      // The receiver's window only grows, so the one it offers now bounds what was sent.
      ok &&= Sender.inFlight(s) >= 0 && s.sndMax <= Math.max(s.sndUna + s.rwnd, r.rcvNxt + Rx.offeredWindow(r)) && s.sndNxt <= s.sndMax
    }
    const acks: Array<ReturnType<typeof ackOf>> = []
    for (const seg of segs) {
      if (rand() * 100 < lossPercent) continue
      const step = Rx.onSegment(r, seg, now)
      r = step.receiver
      delivered += step.deliver
      if (step.ackNow) acks.push(ackOf())
    }
    const owed = Rx.onDelayedAckTimeout(r)
    r = owed.receiver
    if (owed.ackNow) acks.push(ackOf())
    now += ROUND_TRIP_NS
    let heard = false
    for (const [ack, echoNs, blocks, window] of acks) {
      if (rand() * 100 < lossPercent) continue
      heard = true
      const step = Sender.onAck(s, ack, now, echoNs, blocks, window)
      s = step.sender
      if (step.retransmit) {
        s = Sender.sentRun(s, s.sndUna, 1)
        if (rand() * 100 >= lossPercent) {
          const again = Rx.onSegment(r, s.sndUna, now)
          r = again.receiver
          delivered += again.deliver
        }
      }
    }
    if (!heard && Sender.outstanding(s) > 0) {
      now += s.rtoNs
      s = Sender.onTimeout(s, now)
    }
  }
  return ok && r.rcvNxt === total && delivered === total
}
