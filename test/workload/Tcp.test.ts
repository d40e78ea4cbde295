import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Rx from "../../src/workload/TcpReceiver.ts"
import * as Sender from "../../src/workload/TcpSender.ts"
import { lossyTransfer } from "./lossyChannel.ts"

/** A sender whose peer did not offer SACK: its duplicate ACKs count as NewReno's do. */
const NO_SACK_PEER: Sender.SenderState = { ...Sender.initialSender, sackPermitted: false }

describe("TCP sender (Linux 2.6.33: CUBIC, SACK recovery; NewReno's without SACK)", () => {
  it("slow start grows the window by one segment per ACK, however many it acknowledges (tcp_abc 0)", () => {
    let s = Sender.sent(Sender.initialSender, 3)
    s = Sender.onAck(s, 3, 10_000_000, 0).sender
    assert.strictEqual(s.cwnd, 4)
    assert.strictEqual(s.srttNs, 10_000_000, "the first RTT sample: the echo of the segments' send time")
    s = Sender.sent(s, 4)
    for (const ack of [5, 7]) s = Sender.onAck(s, ack, 20_000_000, 10_000_000).sender
    assert.strictEqual(s.cwnd, 6, "two delayed ACKs for four segments: two more")
  })

  it("without SACK, three duplicate ACKs start recovery with one resend; the ACK of all sent before it ends recovery", () => {
    let s = { ...Sender.sent(NO_SACK_PEER, 10), cwnd: 10 }
    // The first ACK is new; the next three are duplicates; the fifth arrives during recovery.
    const steps = [1, 1, 1, 1, 1].map((ack) => {
      const step = Sender.onAck(s, ack, 1_000_000, 0)
      s = step.sender
      return step
    })
    assert.deepStrictEqual(steps.map((x) => x.retransmit), [false, false, false, true, false])
    assert.isTrue(s.inRecovery)
    // The first ACK grew the window 10 → 11 (slow start); CUBIC's threshold is ⌊11 × 717/1024⌋ = 7.
    assert.strictEqual(s.ssthresh, 7, "717/1024 of the 11-segment window")
    assert.strictEqual(s.cwnd, 7, "RFC 6675 5 step 4.2: the window is ssthresh; the pipe, not inflation, lets segments go")
    s = Sender.onAck(s, 10, 2_000_000, 0).sender
    assert.isFalse(s.inRecovery)
    assert.strictEqual(s.cwnd, 7)
  })

  it("without SACK, a partial ACK in recovery resends the hole it names (NewReno, RFC 6582 3.2)", () => {
    // Segments 0–9 in flight; 2 and 5 were lost. ACKs for 0 and 1 are new, those for 3 and 4 are
    // duplicates asking for 2: the third starts recovery with `recover` = 10. The two new ACKs grew
    // the window to 12: the threshold is ⌊12 × 717/1024⌋ = 8.
    let s = { ...Sender.sent(NO_SACK_PEER, 10), cwnd: 10 }
    for (const ack of [1, 2, 2, 2, 2]) s = Sender.onAck(s, ack, 1_000_000, 0).sender
    assert.deepStrictEqual([s.inRecovery, s.recover, s.ssthresh, s.cwnd], [true, 10, 8, 8])
    s = Sender.sentRun(s, 2, 1)
    assert.deepStrictEqual([s.highRxt, s.retransmits], [2, 1])
    // 2 resent and received: the receiver now has 0–4 and asks for 5, short of 10: a partial ACK.
    const partial = Sender.onAck(s, 5, 2_000_000, 0)
    assert.isTrue(partial.retransmit, "5 goes at once, not after three more duplicates or a timeout")
    assert.isTrue(partial.timer)
    s = Sender.sentRun(partial.sender, 5, 1)
    assert.deepStrictEqual([s.inRecovery, s.sndUna, s.retransmits], [true, 5, 2])
    // 5 received: everything up to 10 is acknowledged.
    const full = Sender.onAck(s, 10, 3_000_000, 0)
    assert.isFalse(full.retransmit)
    assert.deepStrictEqual([full.sender.inRecovery, full.sender.cwnd], [false, 8])
  })

  it("after a timeout, duplicate ACKs for what the go-back-N resent start no fast retransmit (RFC 6582 3.2 steps 2 and 6)", () => {
    const s = Sender.onTimeout({ ...Sender.sent(NO_SACK_PEER, 8), cwnd: 8, sndUna: 2 }, 0)
    assert.strictEqual(s.recover, 8)
    // The go-back-N resends 2–4; the receiver, holding 3–7 already, acknowledges 8 once 2 arrives,
    // but a lost ACK and resends of what it had give duplicates of an older ACK first.
    let t = Sender.sent(s, 3)
    const dups = [2, 2, 2].map((ack) => {
      const step = Sender.onAck(t, ack, 1_000_000, 0)
      t = step.sender
      return step.retransmit
    })
    assert.deepStrictEqual(dups, [false, false, false])
    assert.isFalse(t.inRecovery)
    // Past `recover`, three duplicates start recovery as usual.
    let u = { ...Sender.sent({ ...t, sndUna: 8, sndNxt: 8, sndMax: 8, dupAcks: 0 }, 6), cwnd: 6 }
    const later = [8, 8, 8].map((ack) => {
      const step = Sender.onAck(u, ack, 2_000_000, 0)
      u = step.sender
      return step.retransmit
    })
    assert.deepStrictEqual(later, [false, false, true])
  })

  it("with SACK, duplicate ACKs that SACK nothing new (answers to duplicate segments) start no recovery (RFC 6675 DupAck)", () => {
    // Segments 0–9 out; the receiver has everything up to 5 and gets 3 and 4 again (a needless resend
    // behind a full queue): it answers each at once, acknowledging 5 with no SACK block.
    let s: Sender.SenderState = { ...Sender.sent(Sender.initialSender, 10), cwnd: 10 }
    s = Sender.onAck(s, 5, 1_000_000, 0).sender
    for (let i = 0; i < 4; i++) s = Sender.onAck(s, 5, 2_000_000, 0).sender
    assert.deepStrictEqual([s.inRecovery, s.dupAcks], [false, 0])
    // The same ACKs from a peer that does no SACK count: the third starts recovery.
    let t: Sender.SenderState = { ...Sender.sent(NO_SACK_PEER, 10), cwnd: 10 }
    t = Sender.onAck(t, 5, 1_000_000, 0).sender
    for (let i = 0; i < 3; i++) t = Sender.onAck(t, 5, 2_000_000, 0).sender
    assert.isTrue(t.inRecovery)
  })

  it("a timeout collapses the window to one segment, goes back to the hole, and backs the timer off", () => {
    const s = { ...Sender.sent(Sender.initialSender, 8), cwnd: 8, sndUna: 2 }
    const t = Sender.onTimeout(s, 0)
    assert.strictEqual(t.cwnd, 1)
    assert.strictEqual(t.ssthresh, 5, "⌊8 × 717/1024⌋")
    assert.strictEqual(t.sndNxt, 2)
    assert.strictEqual(t.rtoNs, 2 * s.rtoNs)
    assert.strictEqual(Sender.sendable(t, 44), 1)
  })

  it("never exceeds the receiver's window", () => {
    const s = { ...Sender.initialSender, cwnd: 100 }
    assert.strictEqual(Sender.sendable(s, 44), 44)
  })
})

describe("TCP receiver with delayed ACKs", () => {
  it("ACKs every second in-order segment, delays a lone one, and ACKs out-of-order segments at once", () => {
    let r = Rx.initialReceiver
    const a = Rx.onSegment(r, 0, 0)
    assert.deepStrictEqual([a.ackNow, a.armDelayedAck, a.deliver], [false, true, 1])
    const b = Rx.onSegment(a.receiver, 1, 0)
    assert.deepStrictEqual([b.ackNow, b.deliver], [true, 1])
    r = b.receiver
    const hole = Rx.onSegment(r, 3, 0)
    assert.deepStrictEqual([hole.ackNow, hole.deliver, hole.receiver.rcvNxt], [true, 0, 2])
    const fill = Rx.onSegment(hole.receiver, 2, 0)
    assert.deepStrictEqual([fill.ackNow, fill.deliver, fill.receiver.rcvNxt], [true, 2, 4])
    const timeout = Rx.onDelayedAckTimeout(a.receiver)
    assert.isTrue(timeout.ackNow)
  })

  it("echoes the timestamp of the segment at the last ACK's edge (RFC 7323 4.3): the first a delayed ACK covers, the one that fills a hole", () => {
    const MS = 1_000_000
    const echoes: Array<number> = []
    let r = Rx.initialReceiver
    const arrive = (seg: number, tsValNs: number) => {
      const step = Rx.onSegment(r, seg, tsValNs)
      r = step.receiver
      if (step.ackNow) echoes.push(r.tsRecentNs)
    }
    arrive(0, 10 * MS) // delayed
    arrive(1, 20 * MS) // ACK 2 echoes segment 0's 10 ms, not 1's 20
    arrive(3, 30 * MS) // out of order, beyond the last ACK's 2: a duplicate ACK, still echoing 10
    arrive(2, 50 * MS) // the retransmission fills the hole: ACK 4 echoes it, 50
    arrive(1, 60 * MS) // a needless resend below the edge: re-ACKed, echoing 60
    arrive(4, 40 * MS) // at the edge but older than TS.Recent: no update; delayed
    assert.deepStrictEqual(echoes.map((ns) => ns / MS), [10, 10, 50, 60])
    const owed = Rx.onDelayedAckTimeout(r)
    assert.deepStrictEqual([owed.ackNow, owed.receiver.tsRecentNs / MS, owed.receiver.lastAckSent], [true, 60, 5])
  })

  it("keeps no segment beyond the window it offers: dropped with an ACK (RFC 9293 3.10.7.4), so a hostile sender cannot grow its buffer", () => {
    let r = Rx.initialReceiver
    // Found by the red team: segments 10, 11, … with 0 never sent grew the set without end, each copied whole.
    for (let seg = 1; seg < 5000; seg++) {
      const step = Rx.onSegment(r, seg, 0)
      assert.isTrue(step.ackNow)
      r = step.receiver
    }
    const window = Rx.offeredWindow(r)
    assert.strictEqual(window, 4, "the first window, 4 segments: nothing in order came to grow it")
    assert.deepStrictEqual(r.blocks, [1, window], "segments 1..3: inside the window beyond the hole at 0")
    const fill = Rx.onSegment(r, 0, 0)
    assert.deepStrictEqual([fill.deliver, fill.receiver.rcvNxt, fill.receiver.blocks.length], [window, window, 0])
  })
})

// A sender and a receiver over a channel that loses segments and ACKs: everything arrives, in order.
describe("TCP over a lossy channel, without SACK", () => {
  it.prop(
    "delivers every segment in order despite losses",
    [Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 2 ** 30 })), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 30 }))],
    ([seed, lossPercent]) => lossyTransfer(seed, lossPercent, false),
    { arbitrary: { runs: 60 } }
  )
})
