/**
 * The TCP flows' timers in the kernel: one retransmission timer per sender, moved at each ACK (as
 * Linux moves its socket's with `mod_timer`), one delayed-ACK timer per receiver, stopped when an ACK
 * goes before it, and none left once a flow is discarded. A timer per arming left the earlier ones to
 * fire later as void timeouts: one kernel event and one message to the flow's actor per ACK.
 */
import { assert, describe, it } from "@effect/vitest"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { TcpReceiverFlow, TcpSenderFlow } from "../../src/workload/TcpFlow.ts"
import { DELAYED_ACK_NS } from "../../src/workload/TcpReceiver.ts"

const MS = 1_000_000

/** A sender over an unlimited port: the segments it emits (first, count) and the timeouts it asks for (time, generation). */
const senderOn = (kernel: Kernel) => {
  const emitted: Array<readonly [number, number]> = []
  const timeouts: Array<readonly [number, number]> = []
  const flow = new TcpSenderFlow(kernel, {
    room: () => 1000,
    emitSegments: (first, count) => {
      emitted.push([first, count])
      return count
    }
  }, (generation) => timeouts.push([kernel.nowNs, generation]))
  return { flow, emitted, timeouts }
}

describe("TCP flows' timers", () => {
  it("a sender keeps one retransmission timer, moved by each ACK; it times out once, an RTO after the last ACK, and retransmits", () => {
    const kernel = new Kernel()
    const { flow, emitted, timeouts } = senderOn(kernel)
    flow.pump()
    assert.deepStrictEqual(emitted, [[0, 3]], "the initial window: three segments")
    const pending: Array<number> = []
    // ACKs 1 ms apart, each for one more segment, echoing the first send: the window grows, more go out.
    const ACKS = 20
    for (let k = 1; k <= ACKS; k++) {
      kernel.setTimer(k * MS, () => {
        flow.ack(k, k * MS, 0)
        pending.push(kernel.pendingTimers)
      })
    }
    kernel.runUntil(21 * MS)
    // After ACK k: the ACKs still to come, and one retransmission timer (data is still in flight).
    assert.deepStrictEqual(pending, Array.from({ length: ACKS }, (_, i) => ACKS - (i + 1) + 1))
    const rto = flow.state.rtoNs
    kernel.runUntil(Infinity)
    assert.strictEqual(timeouts.length, 1, "one timeout, not one per ACK")
    assert.strictEqual(timeouts[0]![0], 20 * MS + rto, "an RTO after the last ACK that moved it")
    // The actor hands the timeout back; its generation is the flow's: it retransmits from the hole.
    const sent = emitted.length
    flow.timeout(timeouts[0]![1])
    assert.deepStrictEqual(emitted[sent], [20, 1], "go-back-N from the first unacknowledged segment, one segment (cwnd 1)")
  })

  it("an ACK for everything stops the timer; a discarded sender leaves none", () => {
    const kernel = new Kernel()
    const { flow, timeouts } = senderOn(kernel)
    flow.pump()
    kernel.setTimer(MS, () => flow.ack(3, MS, 0)) // all three: nothing in flight, the window lets 6 more go
    kernel.setTimer(2 * MS, () => flow.stop())
    kernel.runUntil(Infinity)
    assert.strictEqual(kernel.pendingTimers, 0)
    assert.deepStrictEqual(timeouts, [], "stopped, it never times out")
  })

  it("a receiver's delayed-ACK timer is stopped by the ACK a second segment sends at once, and fires for a lone one", () => {
    const kernel = new Kernel()
    const acks: Array<number> = []
    const timeouts: Array<number> = []
    const flow = new TcpReceiverFlow(kernel, 1448, (ackNo) => acks.push(ackNo), (generation) => timeouts.push(generation))
    kernel.setTimer(MS, () => flow.segment(0, MS)) // a lone segment: the delayed ACK is armed
    kernel.setTimer(2 * MS, () => flow.segment(1, 2 * MS)) // the second: ACKed at once
    kernel.setTimer(3 * MS, () => flow.segment(2, 3 * MS)) // a lone one again
    kernel.runUntil(Infinity)
    assert.deepStrictEqual(acks, [2], "one ACK, for the first two")
    assert.strictEqual(timeouts.length, 1, "the first timer was stopped; the third segment's fires")
    flow.timeout(timeouts[0]!)
    assert.deepStrictEqual(acks, [2, 3], "the delayed ACK for the third")
    assert.strictEqual(kernel.nowNs, 3 * MS + DELAYED_ACK_NS)
  })
})
