/**
 * The card's TX rings against a reference kept by the test with plain arrays: frames in arrival
 * order per vMAC, urgent ones put ahead of the queued data and behind the urgent ones queued before
 * (and their rings' offers ahead of every ring's data), at most `MAX_VMAC_TX_RING_FRAMES` data
 * frames taken, bursts cut by the aggregation rules. Random pushes, bursts and drains on three
 * vMACs must give the same frames, sizes, arrival orders and backlog.
 */
import { assert, describe, it } from "@effect/vitest"
import { burstLength } from "../../src/air/Aggregation.ts"
import { fixedChain } from "../../src/air/RetryChain.ts"
import { TxRings, MAX_VMAC_TX_RING_FRAMES } from "../../src/nic/TxRings.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { drawer } from "../support/draw.ts"
import { ht } from "../air/support.ts"

const VMACS = 3
const AMPDU_TIME_LIMIT_NS = 4_000_000

interface Queued {
  readonly frame: Frame
  readonly seq: number
  /** Put ahead of the data, behind earlier urgent frames (management, power save): its ring's offer goes before every ring's data. */
  readonly urgent: boolean
}

/** Which of two rings' heads the FIFO across rings serves first: urgent before data, then arrival order (negative: `a`). */
const compareHeads = (a: Queued, b: Queued): number => (a.urgent !== b.urgent ? (a.urgent ? -1 : 1) : a.seq - b.seq)

describe("TxRings", () => {
  it("keeps each vMAC's frames as a list would, through pushes, bursts and drains", () => {
    const phy = ht(7)
    const rings = new TxRings(VMACS, phy, fixedChain(phy), true, AMPDU_TIME_LIMIT_NS)
    const reference: Array<Array<Queued>> = Array.from({ length: VMACS }, () => [])
    const draw = drawer(11)
    let id = 0
    let seq = 0
    let overflowed = 0
    let largest = 0
    const frameOf = (v: number): Frame => {
      // Two receivers, so that bursts end where the receiver changes; management frames now and then.
      const kind = draw(100) < 5 ? FrameKind.Auth : FrameKind.Data
      const f = new Frame(++id, kind, 100 + v, 200 + (draw(10) < 2 ? 1 : 0), 300)
      f.payloadBytes = 100 + draw(1400)
      return f
    }
    for (let step = 0; step < 20_000; step++) {
      const v = draw(VMACS)
      const r = reference[v]!
      const action = draw(100)
      if (action < 50) {
        const urgent = draw(10) === 0
        const frames = Array.from({ length: 1 + draw(urgent ? 2 : 40) }, () => frameOf(v))
        const s = ++seq
        const overflow = rings.push(v, frames, 6, phy, fixedChain(phy), urgent)
        const expectedOverflow: Array<Frame> = []
        if (urgent) {
          const data = r.findIndex((q) => !q.urgent)
          r.splice(data < 0 ? r.length : data, 0, ...frames.map((frame) => ({ frame, seq: s, urgent: true })))
        }
        else {
          for (const frame of frames) {
            if (r.length >= MAX_VMAC_TX_RING_FRAMES) expectedOverflow.push(frame)
            else r.push({ frame, seq: s, urgent: false })
          }
        }
        assert.deepStrictEqual(overflow.map((f) => f.id), expectedOverflow.map((f) => f.id))
        overflowed += overflow.length
        largest = Math.max(largest, r.length)
      } else if (action < 95) {
        if (r.length === 0) continue
        const max = 1 + draw(64)
        const queue = r.map((q) => q.frame)
        const n = burstLength(queue, 0, queue.length, { phy, qos: true, framesMax: max, timeLimitNs: AMPDU_TIME_LIMIT_NS })
        const expected = r.splice(0, n).map((q) => q.frame.id)
        assert.deepStrictEqual(rings.takeBurst(v, max).map((f) => f.id), expected)
      } else {
        const expected = r.splice(0).map((q) => q.frame.id)
        assert.deepStrictEqual(rings.drain(v).map((f) => f.id), expected)
      }
      for (let w = 0; w < VMACS; w++) {
        const rw = reference[w]!
        assert.strictEqual(rings.size(w), rw.length)
        if (rw.length === 0) assert.strictEqual(rings.offerSeq[w], -1)
        else assert.isAtLeast(rings.offerSeq[w]!, 0)
        // The offers rank as the heads do: urgent ones first, then by arrival.
        for (let x = 0; x < w; x++) {
          const rx = reference[x]!
          if (rw.length === 0 || rx.length === 0) continue
          assert.strictEqual(Math.sign(rings.offerSeq[x]! - rings.offerSeq[w]!), Math.sign(compareHeads(rx[0]!, rw[0]!)))
        }
      }
      assert.strictEqual(rings.backlogged, reference.filter((rw) => rw.length > 0).length)
    }
    // The run must have overflowed rings, and filled one past its size with urgent frames.
    assert.isAbove(overflowed, 0)
    assert.isAbove(largest, MAX_VMAC_TX_RING_FRAMES)
  })

  it("sends urgent frames in their arrival order, ahead of the data queued before them", () => {
    const phy = ht(7)
    const rings = new TxRings(1, phy, fixedChain(phy), true, AMPDU_TIME_LIMIT_NS)
    const frame = (id: number, kind: FrameKind) => Object.assign(new Frame(id, kind, 100, 200, 300), { payloadBytes: 100 })
    rings.push(0, [frame(1, FrameKind.Data), frame(2, FrameKind.Data)], 6, phy, fixedChain(phy), false)
    rings.push(0, [frame(3, FrameKind.PsPoll)], 6, phy, fixedChain(phy), true)
    rings.push(0, [frame(4, FrameKind.PsPoll), frame(5, FrameKind.Auth)], 6, phy, fixedChain(phy), true)
    // One at a time: the first poll, then the second and the authentication in their order, then the data.
    const sent: Array<number> = []
    while (rings.size(0) > 0) sent.push(...rings.takeBurst(0, 1).map((f) => f.id))
    assert.deepStrictEqual(sent, [3, 4, 5, 1, 2])
  })

  it("times the exchange its next burst would start, and leaves the ring as it was", () => {
    const phy = ht(7) // HT20, long GI: 260 data bits per 4 µs symbol (802.11-2016 Table 19-27)
    const rings = new TxRings(1, phy, fixedChain(phy), true, AMPDU_TIME_LIMIT_NS)
    const frames = (n: number, payload: number) =>
      Array.from({ length: n }, (_, i) => Object.assign(new Frame(i + 1, FrameKind.Data, 100, 200, 300), { payloadBytes: payload }))
    // Worked out by hand (802.11-2016 19.4.3 TXTIME, 9.7.1 A-MPDU): a QoS data MPDU of 1000 payload
    // bytes is 26 + 8 (LLC/SNAP) + 1000 + 4 (FCS) = 1038 bytes; HT-mixed preamble 36 µs (L-STF,
    // L-LTF 8 each, L-SIG 4, HT-SIG 8, HT-STF 4, one HT-LTF 4); 6 µs signal extension; SIFS 10 µs;
    // the answer at 24 Mb/s (96 bits per symbol) with a 20 µs preamble.
    rings.push(0, frames(1, 1000), 6, phy, fixedChain(phy), false)
    // One MPDU: ceil((16 + 8 × 1038 + 6) / 260) = 33 symbols; the 14-byte Ack: 2 symbols.
    assert.strictEqual(rings.burstExchangeNs(0, 31), (36 + 33 * 4 + 6) * 1000 + 10_000 + (20 + 2 * 4 + 6) * 1000)
    assert.strictEqual(rings.size(0), 1)
    rings.drain(0)
    rings.push(0, frames(3, 1000), 6, phy, fixedChain(phy), false)
    // Three in an A-MPDU: 2 × 1044 (delimiter, padded) + 1042 = 3,130 bytes, ceil((16 + 25,040 + 6) / 260)
    // = 97 symbols; the 32-byte BlockAck: 3 symbols.
    assert.strictEqual(rings.burstExchangeNs(0, 31), (36 + 97 * 4 + 6) * 1000 + 10_000 + (20 + 3 * 4 + 6) * 1000)
    assert.strictEqual(rings.size(0), 3)
    assert.strictEqual(rings.takeBurst(0, 31).length, 3)
    // Thirty-one of 1,500 bytes would take 6 ms: the burst is cut at the 4 ms limit, and so is its exchange.
    rings.push(0, frames(31, 1500), 6, phy, fixedChain(phy), false)
    const exchange = rings.burstExchangeNs(0, 31)
    assert.isAtMost(exchange, AMPDU_TIME_LIMIT_NS + 10_000 + 38_000)
    assert.isAbove(exchange, AMPDU_TIME_LIMIT_NS - 200_000) // within one subframe's airtime of it
    assert.strictEqual(rings.size(0), 31)
  })
})
