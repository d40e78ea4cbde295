/**
 * A sender flow and a receiver flow in one kernel, joined by a wire that loses chosen segments: the
 * SACK blocks the receiver's ACKs carry make the sender resend exactly the lost segments, all in one
 * recovery, without a timeout and without resending what arrived.
 */
import { assert, describe, it } from "@effect/vitest"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { TcpReceiverFlow, TcpSenderFlow } from "../../src/workload/TcpFlow.ts"

const MS = 1_000_000
/** One way across the wire. */
const DELAY_NS = 5 * MS

/** A bulk transfer for `forNs`, the first sending of each segment in `lose` lost. */
const transfer = (forNs: number, lose: ReadonlySet<number>) => {
  const kernel = new Kernel()
  const sends = new Map<number, number>()
  const resentNs: Array<number> = []
  let timeouts = 0
  let delivered = 0
  let sackedAcks = 0
  let receiver: TcpReceiverFlow | undefined
  const sender: TcpSenderFlow = new TcpSenderFlow(kernel, {
    room: () => 1000,
    emitSegments: (first, count, echoNs) => {
      for (let seg = first; seg < first + count; seg++) {
        const n = (sends.get(seg) ?? 0) + 1
        sends.set(seg, n)
        if (n > 1) resentNs.push(kernel.nowNs)
        if (n === 1 && lose.has(seg)) continue
        const tsValNs = kernel.nowNs
        kernel.setTimer(kernel.nowNs + DELAY_NS, () => void (delivered += receiver!.segment(seg, tsValNs, echoNs)))
      }
      return count
    }
  }, (generation) => {
    timeouts++
    sender.timeout(generation)
  })
  receiver = new TcpReceiverFlow(kernel, 1448, (ackNo, echoNs, sack, window) => {
    if ((sack as ReadonlyArray<number> | undefined)?.length) sackedAcks++
    const tsValNs = kernel.nowNs
    kernel.setTimer(kernel.nowNs + DELAY_NS, () => sender.ack(ackNo, tsValNs, echoNs, sack, window))
  }, (generation) => receiver!.timeout(generation))
  sender.pump()
  kernel.runUntil(forNs)
  return { sends, resentNs, timeouts, delivered, sackedAcks, state: sender.state }
}

describe("TCP flows with SACK", () => {
  it("two segments lost in one window: each resent once, in one recovery, nothing else resent, no timeout", () => {
    const { sends, timeouts, delivered, sackedAcks, state } = transfer(300 * MS, new Set([40, 43]))
    assert.isAtLeast(delivered, 300)
    assert.isAbove(sackedAcks, 0)
    assert.strictEqual(timeouts, 0)
    const resent = [...sends].filter(([, n]) => n > 1).map(([seg, n]) => [seg, n])
    assert.deepStrictEqual(resent, [[40, 2], [43, 2]])
    assert.strictEqual(state.retransmits, 2)
  })

  it("a burst of losses: the holes alone are resent, all within one round trip (NewReno resends one a round trip)", () => {
    const lose = new Set([60, 61, 62, 64, 66, 70])
    const { sends, resentNs, timeouts, delivered } = transfer(300 * MS, lose)
    assert.isAtLeast(delivered, 300)
    assert.strictEqual(timeouts, 0)
    assert.deepStrictEqual([...sends].filter(([, n]) => n > 1).map(([seg]) => seg), [...lose])
    assert.isBelow(resentNs.at(-1)! - resentNs[0]!, 2 * DELAY_NS)
  })
})
