/**
 * The sender's window grows only while it limits the sender, and restarts after an idle spell, as
 * Linux's does (RFC 2861's cwnd validation: `tcp_is_cwnd_limited` before `tcp_reno_cong_avoid`; RFC 5681
 * 4.1's restart: `tcp_cwnd_restart`). Expected windows worked out by hand from those rules.
 */
import { assert, describe, it } from "@effect/vitest"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { TcpSenderFlow } from "../../src/workload/TcpFlow.ts"
import * as Reno from "../../src/workload/TcpReno.ts"

const MS = 1_000_000

/** A sender with `cwnd` and `ssthresh`, `inFlight` segments out from 100, and an RTO of 300 ms. */
const sender = (cwnd: number, ssthresh: number, inFlight: number): Reno.RenoSender => ({
  ...Reno.initialSender, cwnd, ssthresh, sndUna: 100, sndNxt: 100 + inFlight, sndMax: 100 + inFlight, srttNs: 50 * MS, rttvarNs: 10 * MS, rtoNs: 300 * MS
})

describe("TCP: a window that grows only while it limits the sender", () => {
  it("an ACK grows the window in slow start and congestion avoidance only when no more than 3 segments of it were unused", () => {
    // Slow start, 20 allowed and 5 out (an application writing slowly): 15 unused, no growth.
    assert.strictEqual(Reno.onAck(sender(20, Infinity, 5), 105, 60 * MS, 10 * MS).sender.cwnd, 20)
    // 17 out: 3 unused, limited: +5 (byte counting).
    assert.strictEqual(Reno.onAck(sender(20, Infinity, 17), 105, 60 * MS, 10 * MS).sender.cwnd, 25)
    // 16 out: 4 unused: no growth.
    assert.strictEqual(Reno.onAck(sender(20, Infinity, 16), 105, 60 * MS, 10 * MS).sender.cwnd, 20)
    // Congestion avoidance (ssthresh 10), 20 out: +2/20.
    assert.closeTo(Reno.onAck(sender(20, 10, 20), 102, 60 * MS, 10 * MS).sender.cwnd, 20.1, 1e-12)
    assert.strictEqual(Reno.onAck(sender(20, 10, 10), 102, 60 * MS, 10 * MS).sender.cwnd, 20)
  })

  it("a bulk sender held by the receiver's 44-segment window stops growing its own 3 segments above it", () => {
    let s: Reno.RenoSender = Reno.initialSender
    for (let round = 0; round < 20; round++) {
      s = Reno.sent(s, Reno.sendable(s, 44))
      s = Reno.onAck(s, s.sndNxt, (round + 1) * MS, round * MS).sender
    }
    // Slow start doubles 3 → 6 → … → 48 (44 out, 4 unused: 48 no longer grows).
    assert.strictEqual(s.cwnd, 48)
  })
})

describe("TCP: a window restarted after an idle spell", () => {
  it("halves once per RTO of idle time past the first, down to the initial window, and keeps ssthresh at 3/4 of the old window at least", () => {
    // Idle no longer than an RTO: as it was.
    assert.strictEqual(Reno.afterIdle(sender(40, 16, 0), 300 * MS).cwnd, 40)
    // 700 ms: 400 ms past one RTO → 20, 100 ms past two → 10, then done.
    const s = Reno.afterIdle(sender(40, 16, 0), 700 * MS)
    assert.strictEqual(s.cwnd, 10)
    assert.strictEqual(s.ssthresh, 20 + 10)
    // Long idle: down to the initial window, 3; a smaller window stays as it is.
    assert.strictEqual(Reno.afterIdle(sender(40, 16, 0), 10_000 * MS).cwnd, 3)
    assert.strictEqual(Reno.afterIdle(sender(2, 16, 0), 10_000 * MS).cwnd, 2)
    // With data in flight the sender was not idle.
    assert.strictEqual(Reno.afterIdle(sender(40, 16, 4), 10_000 * MS).cwnd, 40)
  })

  it("a flow that sent nothing for a second sends a restarted window's worth, not its old window", () => {
    const kernel = new Kernel()
    const emitted: Array<readonly [number, number]> = []
    let written = 30
    const flow = new TcpSenderFlow(kernel, {
      room: () => 1000,
      emitSegments: (first, count) => {
        const n = Math.min(count, written - first)
        if (n > 0) emitted.push([first, n])
        return Math.max(n, 0)
      }
    }, () => {})
    // Grow the window over three rounds of ACKs 10 ms apart, each offering 100 segments (the port takes what is "written": 30).
    flow.pump()
    kernel.setTimer(10 * MS, () => flow.ack(3, 10 * MS, 0, undefined, 100))
    kernel.setTimer(20 * MS, () => flow.ack(9, 20 * MS, 10 * MS, undefined, 100))
    kernel.setTimer(30 * MS, () => flow.ack(21, 30 * MS, 20 * MS, undefined, 100))
    kernel.runUntil(30 * MS)
    // Slow start: each segment acknowledged adds one (3 → 6 → 12 → 24); the last round is cut at 30 written.
    assert.deepStrictEqual(emitted, [[0, 3], [3, 6], [9, 12], [21, 9]])
    assert.strictEqual(flow.state.cwnd, 24)
    // Everything acknowledged at 40 ms; 9 of 24 were out, 15 unused: the window stays 24. Then nothing to send until 1.04 s.
    kernel.setTimer(40 * MS, () => flow.ack(30, 40 * MS, 30 * MS, undefined, 100))
    kernel.runUntil(41 * MS)
    assert.strictEqual(flow.state.cwnd, 24)
    const rto = flow.state.rtoNs
    assert.isBelow(rto, 250 * MS)
    written = 100
    kernel.setTimer(1040 * MS, () => flow.pump())
    kernel.runUntil(1041 * MS)
    // Idle since the last send at 30 ms (1.01 s): the 24-segment window halves once per RTO past the first, down to 3.
    let expected = 24
    for (let left = 1010 * MS - rto; left > 0 && expected > 3; left -= rto) expected = Math.floor(expected / 2)
    assert.deepStrictEqual(emitted[emitted.length - 1], [30, Math.max(expected, 3)])
  })
})
