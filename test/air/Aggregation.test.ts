/**
 * How many queued frames one exchange carries, against A-MPDUs worked out by hand here (802.11-2016
 * 9.7: a 4-byte delimiter before each MPDU, each subframe but the last padded to 4 bytes; 19.4.3:
 * TXTIME of an HT-mixed PPDU), not with the model's own airtime functions.
 */
import { assert, describe, it } from "@effect/vitest"
import { burstLength } from "../../src/air/Aggregation.ts"
import { gatherBehindHead, turnToNextReceiver } from "../../src/air/AirLogic.ts"
import type { AggregationLimits, BurstSize } from "../../src/air/Aggregation.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { BROADCAST, Frame, FrameKind } from "../../src/vocabulary/Frame.ts"

const HT40_MCS15_SGI: PhyConfig = { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }
const STA = 0x020000000010
const AP = 0x020000000100
const OTHER_AP = 0x020000000101

/** A QoS data frame of a 1,470-byte IP packet, in the clear: 26 (header) + 8 (LLC/SNAP) + 1470 + 4 (FCS) = 1,508 bytes. */
const data = (src = STA, ra = AP, kind: FrameKind = FrameKind.Data): Frame => {
  const f = new Frame(0, kind, src, ra, ra)
  f.payloadBytes = 1470
  return f
}
const MPDU_BYTES = 1508
/** 4 + 1,508 = 1,512: a multiple of 4, so no subframe needs padding. */
const SUBFRAME_BYTES = 1512

/**
 * TXTIME by hand for HT40 MCS 15 short GI in 2.4 GHz: HT-mixed preamble 16 + 4 + 8 + 4 + 2 × 4 = 40 µs
 * (two streams, two HT-LTFs); N_DBPS = 108 data subcarriers × 6 bits (64-QAM) × 2 streams × 5/6 =
 * 1,080; one encoder; data symbols of 3.6 µs rounded up to whole 4 µs; then 6 µs of signal extension.
 */
const txtimeNs = (psduBytes: number): number => {
  const symbols = Math.ceil((16 + 8 * psduBytes + 6) / 1080)
  return (40 + 4 * Math.ceil((3.6 * symbols) / 4) + 6) * 1000
}

const limits = (patch: Partial<AggregationLimits> = {}): AggregationLimits => ({
  phy: HT40_MCS15_SGI, qos: true, framesMax: 64, timeLimitNs: 4_000_000, ...patch
})

describe("A-MPDU aggregation", () => {
  it("takes frames up to the MPDU limit, with the PSDU of every subframe", () => {
    const queue = Array.from({ length: 10 }, () => data())
    const size: BurstSize = { psduBytes: 0 }
    assert.strictEqual(burstLength(queue, 0, queue.length, limits({ framesMax: 4 }), size), 4)
    assert.strictEqual(size.psduBytes, 4 * SUBFRAME_BYTES)
    assert.strictEqual(burstLength(queue, 2, 5, limits(), size), 3, "never past `to`")
    // One MPDU goes alone, without a delimiter.
    assert.strictEqual(burstLength(queue, 0, queue.length, limits({ framesMax: 1 }), size), 1)
    assert.strictEqual(size.psduBytes, MPDU_BYTES)
  })

  it("stops at a frame to another receiver, from another address, or that is not data", () => {
    const to = (i: number, f: Frame) => [...Array.from({ length: i }, () => data()), f, data()]
    assert.strictEqual(burstLength(to(3, data(STA, OTHER_AP)), 0, 5, limits()), 3)
    assert.strictEqual(burstLength(to(2, data(STA + 1, AP)), 0, 4, limits()), 2)
    assert.strictEqual(burstLength(to(1, data(STA, AP, FrameKind.Eapol)), 0, 3, limits()), 1)
    // A group-addressed or management head goes alone.
    assert.strictEqual(burstLength([data(STA, BROADCAST), data(STA, BROADCAST)], 0, 2, limits()), 1)
    assert.strictEqual(burstLength([data(STA, AP, FrameKind.Auth), data()], 0, 2, limits()), 1)
  })

  it("a null-data frame (a PM announcement, a link probe) goes alone: it has no body and goes by AC_VO, not with the data", () => {
    const nul = (): Frame => new Frame(0, FrameKind.Data, STA, AP, AP) // no body
    assert.strictEqual(burstLength([data(), data(), nul(), data()], 0, 4, limits()), 2, "the data before it")
    assert.strictEqual(burstLength([nul(), data(), data()], 0, 3, limits()), 1)
    assert.strictEqual(burstLength([nul(), nul()], 0, 2, limits()), 1)
  })

  it("keeps the PPDU within the sender's time limit", () => {
    // By hand: 1 MPDU takes 90 µs; 2 to 7 subframes take 130, 170, 210, 254, 294, 334 µs.
    assert.deepStrictEqual([1, 2, 3, 4, 5, 6, 7].map((n) => txtimeNs(n === 1 ? MPDU_BYTES : n * SUBFRAME_BYTES)), [90_000, 130_000, 170_000, 210_000, 254_000, 294_000, 334_000])
    const queue = Array.from({ length: 10 }, () => data())
    const size: BurstSize = { psduBytes: 0 }
    assert.strictEqual(burstLength(queue, 0, 10, limits({ timeLimitNs: 300_000 }), size), 6)
    assert.strictEqual(size.psduBytes, 6 * SUBFRAME_BYTES)
    assert.strictEqual(burstLength(queue, 0, 10, limits({ timeLimitNs: 294_000 })), 6, "a PPDU of exactly the limit is within it")
    assert.strictEqual(burstLength(queue, 0, 10, limits({ timeLimitNs: 293_999 })), 5)
  })

  it("keeps an A-MPDU within 65,535 bytes", () => {
    // 43 subframes are 65,016 bytes, 44 would be 66,528: at 300 Mb/s both are well under 5.484 ms.
    const queue = Array.from({ length: 64 }, () => data())
    const size: BurstSize = { psduBytes: 0 }
    assert.strictEqual(burstLength(queue, 0, 64, limits({ timeLimitNs: 10_000_000 }), size), 43)
    assert.strictEqual(size.psduBytes, 43 * SUBFRAME_BYTES)
  })
})

describe("an AP's receivers take turns at its aggregates", () => {
  const toSta = (sta: number, seq: number): Frame => {
    const f = new Frame(seq, FrameKind.Data, AP, sta, AP)
    f.payloadBytes = 1470
    f.ra = sta
    return f
  }
  const [A, B, C] = [0x020000000201, 0x020000000202, 0x020000000203]
  const ids = (q: ReadonlyArray<Frame>) => q.map((f) => f.id)

  it("the next aggregate goes to the oldest frame's receiver other than the last served, not to one the AP holds frames for", () => {
    // A was served last; B dozes (its frames are held); C's oldest frame comes to the head.
    const q = [toSta(A, 1), toSta(B, 2), toSta(A, 3), toSta(C, 4), toSta(C, 5)]
    turnToNextReceiver(q, A, new Set([B]))
    assert.deepStrictEqual(ids(q), [4, 1, 2, 3, 5], "A's and B's frames keep their order")
    // Nobody else waits, or the head's receiver was not the last served: nothing moves.
    const alone = [toSta(A, 1), toSta(A, 2)]
    turnToNextReceiver(alone, A, new Set())
    assert.deepStrictEqual(ids(alone), [1, 2])
    const notServed = [toSta(B, 1), toSta(A, 2)]
    turnToNextReceiver(notServed, A, new Set())
    assert.deepStrictEqual(ids(notServed), [1, 2])
    // No frame overtakes a beacon or another group-addressed or management frame.
    const beacon = new Frame(9, FrameKind.Beacon, AP, BROADCAST, AP)
    beacon.ra = BROADCAST
    const behind = [toSta(A, 1), beacon, toSta(C, 3)]
    turnToNextReceiver(behind, A, new Set())
    assert.deepStrictEqual(ids(behind), [1, 9, 3])
  })

  it("an aggregate gathers only the frames it carries: none of its receiver's is left up front, past another receiver's frame", () => {
    // A's 10 oldest frames, then C's one, then 40 more of A's. Within a 1 ms limit at HT40 MCS 15 an
    // A-MPDU carries k subframes of 1,512 bytes while TXTIME(1,512 k) ≤ 1 ms: k = 23 by hand (978 µs; 24 take 1,018), under the
    // BlockAck window of 64 (the time limit binds, as the 4 ms one does at MCS 7 HT20).
    const fits = (n: number) => txtimeNs(SUBFRAME_BYTES * n) <= 1_000_000
    let k = 1
    while (fits(k + 1)) k++
    assert.strictEqual(k, 23)
    const oneMs = limits({ timeLimitNs: 1_000_000 })
    const q = [...Array.from({ length: 10 }, (_, i) => toSta(A, i + 1)), toSta(C, 100), ...Array.from({ length: 40 }, (_, i) => toSta(A, i + 11))]
    gatherBehindHead(q, oneMs)
    // The aggregate: A's first 23 frames, in order; then C's frame, then A's others, in order. (Up to
    // the window, 64, it gathered all 50 of A's: the 27 the aggregate left stayed ahead of C's frame.)
    assert.deepStrictEqual(ids(q), [...Array.from({ length: 23 }, (_, i) => i + 1), 100, ...Array.from({ length: 27 }, (_, i) => i + 24)])
    assert.strictEqual(burstLength(q, 0, q.length, oneMs), 23)
  })
})
