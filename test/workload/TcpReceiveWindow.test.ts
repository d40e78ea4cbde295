import { assert, describe, it } from "@effect/vitest"
import * as Rx from "../../src/workload/TcpReceiver.ts"
import * as Window from "../../src/workload/TcpReceiveWindow.ts"

const MS = 1_000_000

describe("the window a TCP receiver offers (Linux 2.6.33)", () => {
  it("starts at 4 segments under a clamp of 65,535 bytes, and may grow to 3/4 of a 4 MiB buffer", () => {
    const w = Window.initialWindow(1448)
    // 65,535 / 1,448 = 45.3; 4 MiB × 3/4 = 3,145,728 bytes, / 1,448 = 2,172.5.
    assert.deepStrictEqual([w.ssthresh, w.clamp, w.max, Window.offered(w)], [4, 45, 2172, 4])
    // A smaller MSS: more, smaller segments in the same bytes.
    const small = Window.initialWindow(524)
    assert.deepStrictEqual([small.clamp, small.max], [Math.floor(65535 / 524), Math.floor(3145728 / 524)])
  })

  it("grows two segments for each segment in order, up to the clamp", () => {
    let w = Window.initialWindow(1448)
    for (let seg = 1; seg <= 10; seg++) w = Window.onInOrder(w, seg, seg * MS, -1)
    assert.strictEqual(Window.offered(w), 4 + 2 * 10)
    for (let seg = 11; seg <= 40; seg++) w = Window.onInOrder(w, seg, seg * MS, -1)
    assert.strictEqual(Window.offered(w), 45, "held at the clamp: no RTT measured, no right-sizing")
  })

  it("right-sizes the clamp once a round trip to twice what the application read in it (tcp_rcv_space_adjust)", () => {
    // Segments echo the receiver's own timestamp 40 ms old: its RTT estimate is 40 ms. 150 segments a
    // round trip arrive in order, one every 40/150 ms.
    const RTT = 40 * MS
    let w = Window.initialWindow(1448)
    const clamps: Array<number> = []
    let seg = 0
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < 150; i++) {
        const now = round * RTT + (i * RTT) / 150 + 1
        w = Window.onInOrder(w, ++seg, now, now - RTT)
      }
      clamps.push(w.clamp)
    }
    assert.closeTo(w.rttNs, RTT, 1)
    // The first measurement starts at the first read, and the first round trip ends none: the clamp is
    // still the first one. Each later round trip finds about 150 segments read since: twice that.
    assert.strictEqual(clamps[0], 45)
    assert.deepStrictEqual(clamps.slice(1).map((c) => c >= 2 * 149 && c <= 2 * 151), [true, true, true])
    assert.strictEqual(Window.offered(w), w.clamp, "rcv_ssthresh ran ahead of it")
  })

  it("never offers more than the largest buffer allows", () => {
    let w = { ...Window.initialWindow(1448), rttNs: MS, measureNs: 0, measureSeq: 0 }
    w = Window.onInOrder(w, 10_000, 2 * MS, MS)
    assert.strictEqual(w.clamp, 2172)
  })

  it("a receiver drops a segment beyond the window it offered, and keeps one inside it", () => {
    const r = Rx.initialReceiver
    assert.strictEqual(Rx.offeredWindow(r), 4)
    const beyond = Rx.onSegment(r, 4, 0)
    assert.deepStrictEqual([beyond.ackNow, beyond.receiver.blocks], [true, []])
    const inside = Rx.onSegment(r, 3, 0)
    assert.deepStrictEqual(inside.receiver.blocks, [3, 4])
  })
})
