/**
 * The sender's window grows only while it limits the sender, and restarts after an idle spell, as
 * Linux's does (RFC 2861's cwnd validation: `tcp_is_cwnd_limited` before `tcp_reno_cong_avoid`; RFC 5681
 * 4.1's restart: `tcp_cwnd_restart`). Expected windows worked out by hand from those rules.
 */
import { assert, describe, it } from "@effect/vitest"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { TcpSenderFlow } from "../../src/workload/TcpFlow.ts"
import * as Sender from "../../src/workload/TcpSender.ts"

const MS = 1_000_000

/** A sender with `cwnd` and `ssthresh`, `inFlight` segments out from 100, and an RTO of 300 ms. */
const sender = (cwnd: number, ssthresh: number, inFlight: number): Sender.SenderState => ({
  ...Sender.initialSender, cwnd, ssthresh, sndUna: 100, sndNxt: 100 + inFlight, sndMax: 100 + inFlight, srttNs: 50 * MS, rttvarNs: 10 * MS, rtoNs: 300 * MS
})

describe("TCP: a window that grows only while it limits the sender", () => {
  it("an ACK grows the window in slow start and congestion avoidance only when no more than 3 segments of it were unused", () => {
    // Slow start, 20 allowed and 5 out (an application writing slowly): 15 unused, no growth.
    assert.strictEqual(Sender.onAck(sender(20, Infinity, 5), 105, 60 * MS, 10 * MS).sender.cwnd, 20)
    // 17 out: 3 unused, limited: +1 (one ACK, whatever it covers: Linux's tcp_abc 0).
    assert.strictEqual(Sender.onAck(sender(20, Infinity, 17), 105, 60 * MS, 10 * MS).sender.cwnd, 21)
    // 16 out: 4 unused: no growth.
    assert.strictEqual(Sender.onAck(sender(20, Infinity, 16), 105, 60 * MS, 10 * MS).sender.cwnd, 20)
    // Congestion avoidance (ssthresh 10), 20 out: the ACK counts towards CUBIC's next segment; 10 out: it does not.
    const limited = Sender.onAck(sender(20, 10, 20), 102, 60 * MS, 10 * MS).sender
    assert.deepStrictEqual([limited.cwnd, limited.cwndCnt], [20, 1])
    const unlimited = Sender.onAck(sender(20, 10, 10), 102, 60 * MS, 10 * MS).sender
    assert.deepStrictEqual([unlimited.cwnd, unlimited.cwndCnt], [20, 0])
  })

  it("a bulk sender held by the receiver's 44-segment window stops growing its own 3 segments above it", () => {
    // One ACK a round for everything sent (no echo: no RTT sample, so HyStart stays out of it).
    let s: Sender.SenderState = Sender.initialSender
    for (let round = 0; round < 60; round++) {
      s = Sender.sent(s, Sender.sendable(s, 44))
      s = Sender.onAck(s, s.sndNxt, (round + 1) * MS, Sender.NO_ECHO).sender
    }
    // Slow start adds one a round: 3 → 48 in 45 rounds (at 48, 44 out, 4 unused: no longer grows).
    assert.strictEqual(s.cwnd, 48)
  })
})

describe("TCP: a window restarted after an idle spell", () => {
  it("halves once per RTO of idle time past the first, down to the initial window, and keeps ssthresh at 3/4 of the old window at least", () => {
    // Idle no longer than an RTO: as it was.
    assert.strictEqual(Sender.afterIdle(sender(40, 16, 0), 300 * MS).cwnd, 40)
    // 700 ms: 400 ms past one RTO → 20, 100 ms past two → 10, then done.
    const s = Sender.afterIdle(sender(40, 16, 0), 700 * MS)
    assert.strictEqual(s.cwnd, 10)
    assert.strictEqual(s.ssthresh, 20 + 10)
    // Long idle: down to the initial window, 3; a smaller window stays as it is.
    assert.strictEqual(Sender.afterIdle(sender(40, 16, 0), 10_000 * MS).cwnd, 3)
    assert.strictEqual(Sender.afterIdle(sender(2, 16, 0), 10_000 * MS).cwnd, 2)
    // With data in flight the sender was not idle.
    assert.strictEqual(Sender.afterIdle(sender(40, 16, 4), 10_000 * MS).cwnd, 40)
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
    // Grow the window over three rounds 10 ms apart, every segment acknowledged on its own, each ACK
    // offering 100 segments (the port takes what is "written": 30).
    flow.pump()
    for (const [atMs, first, last] of [[10, 1, 3], [20, 4, 9], [30, 10, 21]] as const) {
      kernel.setTimer(atMs * MS, () => {
        for (let ack = first; ack <= last; ack++) flow.ack(ack, atMs * MS, (atMs - 10) * MS, undefined, 100)
      })
    }
    kernel.runUntil(30 * MS)
    // Slow start: one segment more per ACK (3 → 6 → 12), then in the third round only while the window
    // limits the sender: by ACK 16 all 30 written have gone, and ACKs 17–21 leave 14 down to 9 of 19 out.
    assert.strictEqual(flow.state.cwnd, 19)
    assert.strictEqual(flow.state.sndNxt, 30)
    // Everything acknowledged at 40 ms; 9 of 19 were out, 10 unused: the window stays 19. Then nothing to send until 1.04 s.
    kernel.setTimer(40 * MS, () => flow.ack(30, 40 * MS, 30 * MS, undefined, 100))
    kernel.runUntil(41 * MS)
    assert.strictEqual(flow.state.cwnd, 19)
    const rto = flow.state.rtoNs
    assert.isBelow(rto, 250 * MS)
    written = 100
    kernel.setTimer(1040 * MS, () => flow.pump())
    kernel.runUntil(1041 * MS)
    // Idle since the last send at 30 ms (1.01 s): the 19-segment window halves once per RTO past the first, down to 3.
    let expected = 19
    for (let left = 1010 * MS - rto; left > 0 && expected > 3; left -= rto) expected = Math.floor(expected / 2)
    assert.deepStrictEqual(emitted[emitted.length - 1], [30, Math.max(expected, 3)])
  })
})
