import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Rx from "../../src/workload/TcpReceiver.ts"
import * as Sender from "../../src/workload/TcpSender.ts"
import * as Sack from "../../src/workload/TcpSack.ts"
import { ackPacketBytes } from "../../src/workload/TcpFlow.ts"
import { lossyTransfer } from "./lossyChannel.ts"

/** A receiver whose window has grown to its first clamp (45 segments), as a few round trips in order make it. */
const opened = (r: Rx.TcpReceiver): Rx.TcpReceiver => ({ ...r, window: { ...r.window, ssthresh: r.window.clamp } })

describe("SACK blocks of a receiver (RFC 2018 4)", () => {
  it("reports the block the last segment joined first, then the others in the order they last changed, three at most", () => {
    let r = opened(Rx.initialReceiver)
    const acks: Array<ReadonlyArray<number>> = []
    for (const seg of [0, 1, 3, 5, 4, 8, 10, 12]) {
      const step = Rx.onSegment(r, seg, 0)
      r = step.receiver
      if (step.ackNow) acks.push(Sack.reported(r.blocks))
    }
    assert.deepStrictEqual(acks, [
      [], // 0, 1: in order, the second ACKed
      [3, 4],
      [5, 6, 3, 4],
      [3, 6], // 4 joins 3 and 5
      [8, 9, 3, 6],
      [10, 11, 8, 9, 3, 6],
      [12, 13, 10, 11, 8, 9] // four blocks held, three reported
    ])
    // 2 fills the first hole: the cumulative ACK moves over 3–5, the blocks above stay.
    const fill = Rx.onSegment(r, 2, 0)
    assert.deepStrictEqual([fill.ackNow, fill.receiver.rcvNxt, fill.deliver], [true, 6, 4])
    assert.deepStrictEqual(fill.receiver.blocks, [12, 13, 10, 11, 8, 9])
  })

  it("an ACK's packet grows by the SACK option: 2 NOPs, kind and length, 8 bytes a block (RFC 2018 3)", () => {
    // IPv4 20 + TCP 20 + timestamps 12 (with its 2 NOPs) = 52; then 2 NOPs + 2 + 8 per block.
    assert.deepStrictEqual([0, 1, 2, 3].map((n) => ackPacketBytes(Array.from({ length: 2 * n }, (_, i) => 10 * (i + 1)))), [52, 64, 72, 80])
    assert.isAtMost(20 + 12 + 4 + 8 * 3, 20 + 40, "three blocks and the timestamps fit TCP's 40 bytes of options")
  })
})

describe("the sender's scoreboard (RFC 6675)", () => {
  it("merges blocks, ignores what lies outside the outstanding data, and trims below the cumulative ACK", () => {
    let b = Sack.scoreboardAdd(Sack.NO_RANGES, [5, 7], 2, 20)
    b = Sack.scoreboardAdd(b, [9, 10, 7, 8], 2, 20)
    assert.deepStrictEqual(b, [5, 8, 9, 10])
    assert.strictEqual(Sack.scoreboardAdd(b, [0, 1, 25, 30, 6, 6, 8, 3], 2, 20), b, "below una, above what was sent, empty, reversed: nothing added")
    assert.deepStrictEqual(Sack.scoreboardAdd(b, [8, 9], 2, 20), [5, 10])
    assert.deepStrictEqual(Sack.scoreboardTrim([5, 8, 9, 10], 6), [6, 8, 9, 10])
    assert.deepStrictEqual(Sack.scoreboardTrim([5, 8, 9, 10], 10), [])
    // IsLost: three SACKed segments above. 9 and 5–7 SACKed: 6 is the third highest.
    assert.strictEqual(Sack.lostBelow([5, 8, 9, 10], 3), 6)
    assert.strictEqual(Sack.lostBelow([5, 6, 9, 10], 3), -Infinity)
    assert.deepStrictEqual([Sack.nextUnsacked([5, 8], 4), Sack.nextUnsacked([5, 8], 5), Sack.nextUnsacked([5, 8], 8)], [4, 8, 8])
  })

  it("recovers two losses in one window without waiting for a partial ACK: the second is resent once three segments above it are SACKed", () => {
    // Segments 0–19 out, the window 20; 2 and 5 are lost.
    let s: Sender.SenderState = { ...Sender.sent(Sender.initialSender, 20), cwnd: 20 }
    s = Sender.onAck(s, 2, 1e6, 0).sender
    let r: Rx.TcpReceiver = opened({ ...Rx.initialReceiver, rcvNxt: 2, lastAckSent: 2 })
    const steps: Array<boolean> = []
    for (const seg of [3, 4, 6]) {
      r = Rx.onSegment(r, seg, 0).receiver
      const step = Sender.onAck(s, r.rcvNxt, 1e6, 0, Sack.reported(r.blocks))
      s = step.sender
      steps.push(step.retransmit)
    }
    assert.deepStrictEqual(steps, [false, false, true], "the third duplicate, each SACKing a new segment, starts recovery")
    // The first ACK grew the window to 21 (slow start): CUBIC's threshold is ⌊21 × 717/1024⌋ = 14.
    assert.deepStrictEqual([s.inRecovery, s.recover, s.ssthresh, s.cwnd], [true, 20, 14, 14])
    s = Sender.sentRun(s, 2, 1)
    // pipe: 5 and 7–19 are in flight (14; 5 has only 6 SACKed above it) and 2's resend (1): the window of 14 sends nothing yet.
    assert.strictEqual(Sender.inFlight(s), 15)
    assert.isUndefined(Sender.nextRun(s, 44))
    for (const seg of [7, 8, 9, 10, 11, 12]) {
      r = Rx.onSegment(r, seg, 0).receiver
      s = Sender.onAck(s, r.rcvNxt, 1e6, 0, Sack.reported(r.blocks)).sender
    }
    // 3, 4, 6–12 SACKed: 5 has three SACKed above it: lost, the pipe 13–19 (7) and 2's resend: 8.
    assert.strictEqual(Sender.inFlight(s), 8)
    assert.deepStrictEqual(Sender.nextRun(s, 44), { first: 5, count: 1 }, "5 goes now, before 2's ACK comes back")
    s = Sender.sentRun(s, 5, 1)
    assert.deepStrictEqual([s.highRxt, s.retransmits], [5, 2])
    // Both resends arrive: the ACK of everything sent before recovery ends it.
    r = Rx.onSegment(Rx.onSegment(r, 2, 0).receiver, 5, 0).receiver
    for (let seg = 13; seg < 20; seg++) r = Rx.onSegment(r, seg, 0).receiver
    const end = Sender.onAck(s, r.rcvNxt, 2e6, 0, Sack.reported(r.blocks))
    assert.deepStrictEqual([end.sender.inRecovery, end.sender.sndUna, end.sender.cwnd, end.sender.sacked.length], [false, 20, 14, 0])
  })

  it("sends new data while SACKed segments leave the network, before recovery begins (limited transmit, RFC 3042)", () => {
    let s: Sender.SenderState = { ...Sender.sent(Sender.initialSender, 10), cwnd: 10 }
    assert.isUndefined(Sender.nextRun(s, 44))
    s = Sender.onAck(s, 0, 1e6, 0, [1, 2]).sender
    assert.deepStrictEqual([s.inRecovery, s.dupAcks], [false, 1])
    assert.deepStrictEqual(Sender.nextRun(s, 44), { first: 10, count: 1 })
  })

  it("after a timeout, goes back to the hole and resends only what the receiver has not SACKed (Linux's tcp_enter_loss keeps the scoreboard)", () => {
    let s = Sender.onTimeout({ ...Sender.sent(Sender.initialSender, 10), cwnd: 10, sacked: [3, 6, 7, 9] }, 0)
    assert.deepStrictEqual([s.sndNxt, s.cwnd], [0, 1])
    const sentRuns: Array<readonly [number, number]> = []
    s = { ...s, cwnd: 10 }
    for (let run = Sender.nextRun(s, 44); run !== undefined && sentRuns.length < 5; run = Sender.nextRun(s, 44)) {
      sentRuns.push([run.first, run.count])
      s = Sender.sentRun(s, run.first, run.count)
    }
    assert.deepStrictEqual(sentRuns, [[0, 3], [6, 1], [9, 1], [10, 5]], "0–2, 6 and 9 again; then new data, the window full")
  })

  it("a resend lost again goes again once the receiver SACKs a segment sent after it, not at the timeout (Linux's tcp_mark_lost_retrans)", () => {
    // Segments 0–19 out, the window 20; 2 is lost. 3, 4 and 5 arrive: the third duplicate starts recovery and 2 goes again.
    let s: Sender.SenderState = { ...Sender.sent(Sender.initialSender, 20), cwnd: 20 }
    let r: Rx.TcpReceiver = opened({ ...Rx.initialReceiver, rcvNxt: 0, lastAckSent: 0 })
    for (const seg of [0, 1]) r = Rx.onSegment(r, seg, 0).receiver
    s = Sender.onAck(s, 2, 1e6, 0).sender
    const hear = (seg: number): void => {
      r = Rx.onSegment(r, seg, 0).receiver
      s = Sender.onAck(s, r.rcvNxt, 2e6, 0, Sack.reported(r.blocks)).sender
    }
    for (const seg of [3, 4, 5]) hear(seg)
    assert.isTrue(s.inRecovery)
    s = Sender.sentRun(s, 2, 1) // the resend, sent when everything up to 20 had gone: it is lost too
    for (let seg = 6; seg < 20; seg++) hear(seg)
    // The pipe lets new data go: 20 and 21, sent after the resend.
    const fresh = Sender.nextRun(s, 44)!
    assert.strictEqual(fresh.first, 20)
    s = Sender.sentRun(s, 20, 2)
    const before = Sender.inFlight(s)
    hear(20)
    // 20 was first sent after 2's resend: the resend is lost; 2 goes again, ahead of anything else.
    assert.deepStrictEqual(s.relost, [2])
    assert.strictEqual(Sender.inFlight(s), before - 2, "20 SACKed, and 2's lost resend no longer in flight")
    assert.deepStrictEqual(Sender.nextRun(s, 44), { first: 2, count: 1 })
    s = Sender.sentRun(s, 2, 1)
    assert.deepStrictEqual([s.relost.length, s.retransmits], [0, 2])
    hear(21)
    hear(2)
    assert.deepStrictEqual([s.inRecovery, s.sndUna], [false, 22], "recovery ends without a timeout")
  })

  it("ignores a block a peer sends outside the data outstanding, and one that is no range", () => {
    const s: Sender.SenderState = { ...Sender.sent(Sender.initialSender, 10), cwnd: 10 }
    const step = Sender.onAck(s, 0, 1e6, 0, [50, 60, 7, 3, -5, 0])
    assert.deepStrictEqual([step.sender.sacked.length, step.sender.dupAcks, step.retransmit], [0, 0, false])
  })
})

// A sender and a receiver over a channel that loses segments and ACKs: everything arrives, in order.
describe("TCP with SACK over a lossy channel", () => {
  it.prop(
    "delivers every segment in order despite losses, the pipe never negative, what is sent never past the window",
    [Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 2 ** 30 })), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 45 }))],
    ([seed, lossPercent]) => lossyTransfer(seed, lossPercent, true),
    { arbitrary: { runs: 80 } }
  )
})
