/**
 * A TCP connection takes no ACK or segment of an earlier one. `vwifi campaign --seed 730` (case 41,
 * round 31, shrunk) found a TCP upload over a far server (20 ms each way) that went silent: its AP
 * deauthenticated it at 2.7 s, it joined again 2 ms later and started a new connection, and the
 * endpoint's ACKs of the old one, still on the wire, reached the new sender. It took the old
 * connection's ACK numbers (past anything it had sent: taken as everything sent so far) for its own,
 * never resent what the endpoint's new receiver was missing, and from 3.4 s the two waited on each
 * other: every timeout resent a segment the receiver had, whose ACK the sender ignored as old; 272
 * segments acknowledged in 23 s. A real stack tells the connections apart by the new one's port;
 * the model's packets carry none, so a connection takes the echoed timestamp as its mark: an ACK that
 * echoes a time before the connection began answers an earlier connection's segment, and a station's
 * receiver drops segments stamped before it was made.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { TcpReceiverFlow, TcpSenderFlow } from "../../src/workload/TcpFlow.ts"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

const MS = 1_000_000

describe("TCP: an earlier connection's ACKs and segments", () => {
  it("a sender ignores an ACK that echoes a time before it began; a station's receiver, a segment stamped before it", () => {
    const kernel = new Kernel()
    const emitted: Array<readonly [number, number]> = []
    kernel.setTimer(10 * MS, () => {})
    kernel.runUntil(10 * MS)
    assert.strictEqual(kernel.nowNs, 10 * MS)
    const sender = new TcpSenderFlow(kernel, { room: () => 100, emitSegments: (first, count) => (emitted.push([first, count]), count) }, () => {})
    sender.pump()
    assert.deepStrictEqual(emitted, [[0, 3]])
    // The old connection's ACK for 280, echoing 9 ms (before this one began at 10 ms): nothing moves.
    sender.ack(280, 9 * MS, 9 * MS)
    assert.strictEqual(sender.state.sndUna, 0)
    // This connection's ACK for 2, echoing its own first segment's stamp: taken.
    sender.ack(2, 11 * MS, 10 * MS)
    assert.strictEqual(sender.state.sndUna, 2)

    const acks: Array<number> = []
    const receiver = new TcpReceiverFlow(kernel, 1448, (ackNo) => acks.push(ackNo), () => {}, 10 * MS)
    assert.strictEqual(receiver.segment(0, 9 * MS), 0, "stamped before the receiver was made: dropped")
    assert.deepStrictEqual(acks, [])
    assert.strictEqual(receiver.state.rcvNxt, 0)
    receiver.segment(0, 10 * MS)
    receiver.segment(1, 10 * MS)
    assert.strictEqual(receiver.state.rcvNxt, 2)
    assert.deepStrictEqual(acks, [2])
  })

  it.effect("a TCP upload over a far server goes on after its AP deauthenticates it and it joins again (campaign seed 730's case 41)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 845309, mode: 0, vms: 1, aps: 1, traffic: ["tcp-tx", "ping", "ping", "ping"],
        faults: [{ atTenths: 34, kind: 639, target: 0, size: 0 }, { atTenths: 27, kind: 536, target: 0, size: 0 }],
        setup: { phy: 0, wmm: 0, rateControl: 1, powerSave: 1, security: 0, switches: 6, txScheduler: 0, radio: 2, ess: 1, beacons: 1, fading: 0, dwell: 0, locate: 1, load: 0, vmacs: 0, listen: 0, interval: 0, aggregation: 0, wire: 1 }
      })
      assert.deepStrictEqual(scenario.faults.map((f) => [f.kind, f.atSeconds]), [["channel-loss", 3.4], ["ap-deauth", 2.7]])
      assert.strictEqual(scenario.aps[0]!.endpoint.wiredLatencyUs, 20_000)
      assert.deepStrictEqual(caseVerdict(report), [])
      const vm = report.vms[0]!
      assert.deepStrictEqual(vm.associations.map((a) => a.via), ["join", "rejoin"])
      // Not stalled, and past what a 64 KiB window allows over the 40 ms round trip (44 segments of
      // 1,448 bytes: 12.7 Mb/s): the endpoint's window grows with what it receives (window scaling).
      assert.isAbove(vm.uplinkMbps, (44 * 1448 * 8) / 40e-3 / 1e6)
    }), { timeout: 60_000 })
})
