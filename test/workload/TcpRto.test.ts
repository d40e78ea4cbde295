/**
 * The Reno sender's retransmission timer against RFC 6298, figures worked by hand: the first RTT
 * sample (2.2), later samples in the order of 2.3, the floor Linux puts on the variance term (where
 * 2.4 floors the RTO at 1 s), the ceiling (2.5), the backoff on expiry (5.5), and the samples the
 * timestamps option gives (RFC 7323 4.1), a retransmission's included, which end a backoff. The clock
 * granularity G of 2.2/2.3 is the simulation's 1 ns, so max(G, 4·RTTVAR) is 4·RTTVAR for every RTT here.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Sender from "../../src/workload/TcpSender.ts"

const MS_NS = 1_000_000

/** Sends one segment at `sentNs` and has it acknowledged `rttNs` later, echoing its timestamp: one RTT sample. */
const sample = (s: Sender.SenderState, sentNs: number, rttNs: number): Sender.SenderState => {
  const out = Sender.sent(s, 1)
  return Sender.onAck(out, out.sndNxt, sentNs + rttNs, sentNs).sender
}

describe("TCP Reno retransmission timer (RFC 6298)", () => {
  it("first sample: SRTT = R, RTTVAR = R/2, RTO = SRTT + 4·RTTVAR", () => {
    assert.strictEqual(Sender.initialSender.rtoNs, 1000 * MS_NS, "2.1: 1 s before any sample")
    const s = sample(Sender.initialSender, 0, 100 * MS_NS)
    assert.strictEqual(s.srttNs, 100 * MS_NS)
    assert.strictEqual(s.rttvarNs, 50 * MS_NS)
    assert.strictEqual(s.rtoNs, 300 * MS_NS) // 100 + 4 × 50
  })

  it("later samples: RTTVAR from the old SRTT first, then SRTT (2.3)", () => {
    let s = sample(Sender.initialSender, 0, 100 * MS_NS)
    s = sample(s, 1000 * MS_NS, 200 * MS_NS)
    // RTTVAR = 3/4 × 50 + 1/4 × |100 − 200| = 62.5; SRTT = 7/8 × 100 + 1/8 × 200 = 112.5;
    // RTO = 112.5 + 4 × 62.5 = 362.5 ms. (SRTT updated first would give RTTVAR 59.375, RTO 350.)
    assert.closeTo(s.rttvarNs, 62.5 * MS_NS, 1)
    assert.closeTo(s.srttNs!, 112.5 * MS_NS, 1)
    assert.closeTo(s.rtoNs, 362.5 * MS_NS, 1)
    // A shorter RTT: the deviation is an absolute value.
    s = sample(s, 2000 * MS_NS, 50 * MS_NS)
    // RTTVAR = 3/4 × 62.5 + 1/4 × |112.5 − 50| = 62.5; SRTT = 7/8 × 112.5 + 1/8 × 50 = 104.6875;
    // RTO = 104.6875 + 250 = 354.6875 ms (229.6875 with a signed deviation).
    assert.closeTo(s.rttvarNs, 62.5 * MS_NS, 1)
    assert.closeTo(s.srttNs!, 104.6875 * MS_NS, 1)
    assert.closeTo(s.rtoNs, 354.6875 * MS_NS, 1)
  })

  it("adds at least 200 ms to SRTT, as Linux floors the variance term at TCP_RTO_MIN (not 2.4's 1 s floor on the RTO)", () => {
    // R = 10 ms: 4 × RTTVAR = 20 ms, raised to 200: RTO = 10 + 200 = 210 ms.
    const s = sample(Sender.initialSender, 0, 10 * MS_NS)
    assert.strictEqual(s.srttNs, 10 * MS_NS)
    assert.strictEqual(s.rtoNs, 210 * MS_NS)
    assert.strictEqual(Sender.MIN_RTO_NS, 200 * MS_NS)
    // R = 120 ms: 4 × 60 = 240 ms, above the floor: 120 + 240 = 360 ms, untouched.
    assert.strictEqual(sample(Sender.initialSender, 0, 120 * MS_NS).rtoNs, 360 * MS_NS)
  })

  it("after a timeout, an ACK for what the receiver held out of order moves the sender past it, not back over it", () => {
    // Segments 0..9 go; 0 is lost, 1..9 arrive and wait at the receiver. The timer fires: go back to 0.
    let s = Sender.sent(sample(Sender.initialSender, 0, 100 * MS_NS), 10)
    const first = s.sndUna
    s = Sender.onTimeout(s, 1300 * MS_NS)
    s = Sender.sent(s, 1)
    // The resent segment fills the hole: the receiver acknowledges all ten.
    s = Sender.onAck(s, first + 10, 1400 * MS_NS, 1300 * MS_NS).sender
    assert.strictEqual(s.sndUna, first + 10)
    assert.strictEqual(s.sndNxt, first + 10, "nothing the receiver has is sent again")
    assert.strictEqual(Sender.inFlight(s), 0)
    // An ACK beyond anything ever sent is cut to what was.
    assert.strictEqual(Sender.onAck(s, first + 50, 1500 * MS_NS, 1400 * MS_NS).sender.sndUna, first + 10)
  })

  it("samples the RTT of a retransmission from its echoed timestamp, which ends the backoff (RFC 7323 4.1, Linux's tcp_ack_saw_tstamp)", () => {
    // SRTT 100 ms, RTTVAR 50, RTO 300 ms; segments 0..3 go at 1000 ms, the timer fires twice: RTO 1200, go back to 0.
    let s = Sender.sent(sample(Sender.initialSender, 0, 100 * MS_NS), 4)
    const first = s.sndUna
    s = Sender.sent(Sender.onTimeout(Sender.sent(Sender.onTimeout(s, 1300 * MS_NS), 1), 1900 * MS_NS), 1)
    assert.strictEqual(s.rtoNs, 1200 * MS_NS)
    // Segment `first` went again at 1900 ms; the ACK of the first two comes at 1910 ms echoing 1900.
    s = Sender.onAck(s, first + 2, 1910 * MS_NS, 1900 * MS_NS).sender
    // R = 10 ms: RTTVAR = 3/4 × 50 + 1/4 × |100 − 10| = 60; SRTT = 7/8 × 100 + 1/8 × 10 = 88.75;
    // RTO = 88.75 + 4 × 60 = 328.75 ms: the sample replaced the backed-off 1200.
    assert.closeTo(s.rttvarNs, 60 * MS_NS, 1)
    assert.closeTo(s.srttNs!, 88.75 * MS_NS, 1)
    assert.closeTo(s.rtoNs, 328.75 * MS_NS, 1)
  })

  it("takes no sample from an ACK without an echo, from an echo later than now, or from a duplicate ACK", () => {
    const base = Sender.sent(sample(Sender.initialSender, 0, 100 * MS_NS), 4)
    const first = base.sndUna
    for (const echoNs of [Sender.NO_ECHO, 2000 * MS_NS]) {
      const s = Sender.onAck(base, first + 1, 1500 * MS_NS, echoNs).sender
      assert.strictEqual(s.sndUna, first + 1, "the ACK still counts")
      assert.deepStrictEqual([s.srttNs, s.rtoNs], [100 * MS_NS, 300 * MS_NS])
    }
    const dup = Sender.onAck(base, first, 1500 * MS_NS, 1400 * MS_NS).sender
    assert.deepStrictEqual([dup.srttNs, dup.rtoNs], [100 * MS_NS, 300 * MS_NS])
  })

  it("never above the 60 s ceiling (2.5)", () => {
    // R = 30 s: 30 + 4 × 15 = 90 s, cut to 60.
    const s = sample(Sender.initialSender, 0, 30_000 * MS_NS)
    assert.strictEqual(s.rtoNs, 60_000 * MS_NS)
    // R = 15 s: 15 + 30 = 45 s, untouched.
    assert.strictEqual(sample(Sender.initialSender, 0, 15_000 * MS_NS).rtoNs, 45_000 * MS_NS)
  })

  it("doubles on each expiry, up to the ceiling (5.5)", () => {
    let s = Sender.sent(sample(Sender.initialSender, 0, 100 * MS_NS), 4)
    const rtos: Array<number> = []
    for (let i = 0; i < 9; i++) {
      s = Sender.sent(Sender.onTimeout(s, 0), 1)
      rtos.push(s.rtoNs / MS_NS)
    }
    // 300 ms × 2, 4, …, 128 = 38.4 s; × 256 = 76.8 s is over 60.
    assert.deepStrictEqual(rtos, [600, 1200, 2400, 4800, 9600, 19_200, 38_400, 60_000, 60_000])
    assert.strictEqual(s.timeouts, 9)
    // Before any sample: 1 s, then 2 s.
    assert.strictEqual(Sender.onTimeout(Sender.sent(Sender.initialSender, 1), 1000 * MS_NS).rtoNs, 2000 * MS_NS)
  })
})
