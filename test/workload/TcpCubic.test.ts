/**
 * CUBIC with HyStart as Linux 2.6.33 runs it (net/ipv4/tcp_cubic.c), against figures worked by hand and
 * against the closed form of the CUBIC paper (Ha, Rhee, Xu 2008): W(t) = C·(t − K)³ + Wmax with
 * C = 0.4 and K = ∛(Wmax·(1 − β)/C), β = 717/1024.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Cubic from "../../src/workload/TcpCubic.ts"
import * as Sender from "../../src/workload/TcpSender.ts"

const MS = 1_000_000
const BETA = 717 / 1024
const C = 0.4

const fresh = (cwnd: number, ssthresh: number): Cubic.Window => ({ cwnd, cwndCnt: 0, ssthresh, cc: Cubic.start(0, 0) })

/** One ACK of `acked` segments at `nowNs`, as the sender gives it: CUBIC hears it, then the window grows. */
const ack = (w: Cubic.Window, ackNo: number, acked: number, nowNs: number, rttJiffies: number): Cubic.Window => {
  const j = Cubic.jiffiesOf(nowNs)
  return Cubic.grow(Cubic.acked(w, acked, rttJiffies, true, j), ackNo, ackNo + w.cwnd, j)
}

describe("CUBIC (Linux 2.6.33)", () => {
  it("after a loss: a threshold of 717/1024 of the window; Wmax the window, or less with fast convergence", () => {
    const first = Cubic.onLoss(Cubic.start(0, 0), 100)
    assert.strictEqual(first.ssthresh, 70, "⌊100 × 717/1024⌋ = ⌊70.02⌋")
    assert.strictEqual(first.cc.lastMaxCwnd, 100)
    // A second loss short of Wmax: Wmax = ⌊80 × (1024 + 717)/2048⌋ = ⌊68.01⌋.
    const second = Cubic.onLoss(first.cc, 80)
    assert.deepStrictEqual([second.ssthresh, second.cc.lastMaxCwnd], [56, 68])
    assert.strictEqual(Cubic.onLoss(Cubic.start(0, 0), 2).ssthresh, 2, "never below two segments")
  })

  it("slow start: one segment per ACK, whatever the ACK covers (tcp_abc 0), so delayed ACKs grow it by half a round", () => {
    let w = fresh(10, Infinity)
    for (let i = 0; i < 5; i++) w = ack(w, 2 * (i + 1), 2, i * MS, -1)
    assert.strictEqual(w.cwnd, 15, "five ACKs of two segments each: 10 → 15, not 20")
  })

  it("HyStart on a LAN: RTT samples are whole jiffies, the smallest reads one jiffy, and the first sample at 16 segments ends slow start", () => {
    // ACKs every 0.25 ms for two segments each, 2 ms after their segments left: an ACK gives a sample
    // (one jiffy) only when a 4 ms jiffy boundary fell between the two, half of them.
    let w = fresh(3, Infinity)
    let exitedAt = -1
    for (let i = 1; i <= 200 && exitedAt < 0; i++) {
      const nowNs = 10 * MS + i * MS / 4
      const rtt = Cubic.jiffiesOf(nowNs) - Cubic.jiffiesOf(nowNs - 2 * MS)
      const before = w.cwnd
      w = ack(w, 2 * i, 2, nowNs, rtt > 0 ? rtt : -1)
      if (w.ssthresh !== Infinity) exitedAt = before
    }
    assert.isAtLeast(exitedAt, Cubic.HYSTART_LOW_WINDOW_SEGMENTS)
    assert.isAtMost(exitedAt, Cubic.HYSTART_LOW_WINDOW_SEGMENTS + 2, "within the first samples once the window is 16")
    assert.strictEqual(w.ssthresh, exitedAt, "ssthresh = the window when HyStart fired")
    assert.strictEqual(w.cc.found & Cubic.HYSTART_ACK_TRAIN, Cubic.HYSTART_ACK_TRAIN, "half of a one-jiffy RTT is no time: the ACK train is found at once")
  })

  it("without RTT samples (every round trip inside one jiffy), HyStart never fires: slow start runs on", () => {
    let w = fresh(3, Infinity)
    for (let i = 1; i <= 61; i++) w = ack(w, 2 * i, 2, 10 * MS + i * MS / 4, -1)
    assert.deepStrictEqual([w.cwnd, w.ssthresh], [64, Infinity])
  })

  it("HyStart's delay test on a 40 ms path: a round whose smallest RTT rises above the smallest ever by 16 jiffies × 8 … ends slow start", () => {
    // ACKs 12 ms apart (no ACK train: trains need ACKs within one jiffy); RTT 10 jiffies in the first
    // round: delayMin = 80, the threshold max(80/16, 16) = 16, so a round whose first eight samples
    // all exceed 96 (12 jiffies) ends slow start at its ninth; 12 jiffies does not.
    const run = (laterRtt: number): Cubic.Window => {
      let w = fresh(20, Infinity)
      let t = 0
      let next = 0
      for (let i = 0; i < 30; i++) {
        t += 12 * MS
        next += 2
        // The first round ends at segment 20 (`endSeq` is the window when the round began).
        w = ack(w, next, 2, t, next <= 22 ? 10 : laterRtt)
      }
      return w
    }
    const rising = run(13)
    assert.strictEqual(rising.cc.found, Cubic.HYSTART_DELAY)
    assert.isBelow(rising.ssthresh, Infinity)
    assert.strictEqual(run(12).ssthresh, Infinity, "12 jiffies × 8 = 96 is not above 80 + 16")
  })

  it("congestion avoidance follows the cubic W(t) = 0.4·(t − K)³ + Wmax from the loss, plateau at Wmax after K", () => {
    // A loss at Wmax = 1000: the window restarts at ⌊1000 × 717/1024⌋ = 700. ACKs every 0.1 ms for two
    // segments each (the delayed-ACK ratio stays 2), no RTT samples (delay_min 0: no lead). The window
    // reaches the cubic's target within about a window of ACKs (cnt = cwnd/(target − cwnd)), so with
    // this many it trails the curve by a few segments at most.
    const loss = Cubic.onLoss(Cubic.start(0, 0), 1000)
    let w: Cubic.Window = { cwnd: loss.ssthresh, cwndCnt: 0, ssthresh: loss.ssthresh, cc: loss.cc }
    const k = Math.cbrt((1000 * (1 - BETA)) / C)
    assert.closeTo(k, 9.08, 0.01)
    let epochNs: number | undefined
    const at = new Map<number, number>()
    for (let i = 1; i <= 140_000; i++) {
      const nowNs = i * MS / 10
      w = ack(w, 2 * i, 2, nowNs, -1)
      if (epochNs === undefined && w.cc.epochStartJiffies >= 0) epochNs = w.cc.epochStartJiffies * Cubic.JIFFY_NS
      at.set(i, w.cwnd)
    }
    for (const seconds of [1, 3, 6, 9, 12]) {
      const t = (seconds * 1e9 - epochNs!) / 1e9
      const expected = C * (t - k) ** 3 + 1000
      const got = at.get(seconds * 10_000)!
      assert.approximately(got, expected, 6, `at ${seconds} s: ${got} against W(t) = ${expected.toFixed(1)}`)
    }
    // Concave below Wmax, convex above it.
    const gain = (a: number, b: number) => at.get(b * 10_000)! - at.get(a * 10_000)!
    assert.isAbove(gain(1, 3), gain(5, 7))
    assert.isAbove(gain(11, 13), gain(9, 11))
  })

  it("never slower than Reno would be: with many ACKs a round and a small Wmax, the window passes the cubic", () => {
    const loss = Cubic.onLoss(Cubic.start(0, 0), 20)
    let w: Cubic.Window = { cwnd: loss.ssthresh, cwndCnt: 0, ssthresh: loss.ssthresh, cc: loss.cc }
    for (let i = 1; i <= 1000; i++) w = ack(w, 2 * i, 2, i * MS, -1)
    const cubicAt1s = C * (1 - Math.cbrt((20 * (1 - BETA)) / C)) ** 3 + 20
    assert.isAbove(w.cwnd, cubicAt1s + 10, `${w.cwnd} after 1 s, the cubic alone ${cubicAt1s.toFixed(1)}`)
  })
})

describe("the sender's thresholds (Linux 2.6.33's tcp_enter_loss)", () => {
  it("a second timeout without an ACK of new data between leaves the threshold; one after such an ACK lowers it", () => {
    const s: Sender.SenderState = { ...Sender.sent(Sender.initialSender, 20), cwnd: 20 }
    const t1 = Sender.onTimeout(s, 0)
    assert.deepStrictEqual([t1.cwnd, t1.ssthresh], [1, 14], "⌊20 × 717/1024⌋")
    const t2 = Sender.onTimeout(Sender.sent(t1, 1), 1000 * MS)
    assert.strictEqual(t2.ssthresh, 14, "the window of 1 would have given 2")
    // The resend is acknowledged (slow start: 1 → 2), then the timer fires again: ⌊2 × 717/1024⌋ → 2.
    const acked = Sender.onAck(Sender.sent(t2, 1), 1, 1500 * MS, 1400 * MS).sender
    const t3 = Sender.onTimeout(Sender.sent(acked, 2), 3000 * MS)
    assert.strictEqual(t3.ssthresh, 2)
  })
})
