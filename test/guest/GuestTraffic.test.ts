import { assert, describe, it } from "@effect/vitest"
import * as GuestDriver from "../../src/guest/GuestDriver.ts"
import { nextBufferAddress, tcpTotals } from "../../src/guest/GuestTraffic.ts"
import type { Flow } from "../../src/guest/GuestVm.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"
import { PACE_PERIOD_NS, TX_RING_DESCRIPTORS, TX_RING_RESERVED_DESCRIPTORS } from "../../src/vocabulary/ModelConstants.ts"
import { ENDPOINT_LAB, frameFor, guestRig, recordOf } from "./support.ts"

const connectedDriver: GuestDriver.GuestDriver = { ...GuestDriver.initial, state: "connected", mac: 77 }

/** A rig whose driver is connected with MAC 77 (no flow started). */
const connectedRig = (flows: ReadonlyArray<Flow>, warmupEndNs = 0) => {
  const rig = guestRig(flows, { warmupEndNs })
  rig.s.driver = connectedDriver
  return rig
}

describe("guest traffic: the TX ring", () => {
  it("writes what the ring has room for, numbered by the VM's counter, ringing the doorbell after each packet with its work (iwlagn's write pointer per frame)", () => {
    const rig = connectedRig([])
    rig.s.outstanding = TX_RING_DESCRIPTORS - 3
    assert.strictEqual(rig.traffic.send(rig.s, 5, 100, Payload.Udp), 3)
    const written = rig.o.memory.read(10)
    assert.deepStrictEqual(written.map((d) => d.seq), [1, 2, 3])
    assert.deepStrictEqual(written.map((d) => d.dmaAddress), [2048, 4096, 6144])
    assert.deepStrictEqual(written.map((d) => [d.src, d.dst, d.length, d.payload]), Array(3).fill([77, ENDPOINT_LAB, 100, Payload.Udp]))
    assert.strictEqual(rig.writes.length, 3)
    for (const w of rig.writes) {
      assert.deepStrictEqual(w.command, { _tag: "TxDoorbell", vmac: 0, count: 1 })
      // The application's send(): a system call and the UDP payload's copy (100 − 28 header bytes), then the stack and driver.
      assert.deepStrictEqual(recordOf(w.work).ops, [["guestSocketCall", 1], ["guestCopyByte", 72], ["guestPacket", 1]])
    }
    assert.isUndefined(rig.s.work, "the last write took the work")
    assert.strictEqual(rig.s.outstanding, TX_RING_DESCRIPTORS)
    assert.deepStrictEqual([rig.stats.txFrames, rig.stats.txBytes], [3, 300])
    assert.strictEqual(rig.traffic.send(rig.s, 1, 100, Payload.Udp), 0, "the ring is full")
    assert.strictEqual(rig.writes.length, 3, "no doorbell for nothing")
    rig.s.outstanding = 0
    rig.traffic.send(rig.s, 1, 52, Payload.TcpAck)
    assert.deepStrictEqual(recordOf(rig.writes[3]!.work).ops, [["guestPacket", 1]], "a TCP ACK is the kernel's own: no socket call")
  })

  it("numbers TCP segments by their own sequence, and sends nothing before the driver has its MAC", () => {
    const rig = connectedRig([])
    assert.strictEqual(rig.traffic.send(rig.s, 2, 1500, Payload.TcpData, undefined, 10), 2)
    assert.deepStrictEqual(rig.o.memory.read(10).map((d) => d.seq), [10, 11])
    assert.strictEqual(rig.s.seq, 0, "the VM's own counter is untouched")
    rig.s.driver = GuestDriver.initial
    assert.strictEqual(rig.traffic.send(rig.s, 1, 100, Payload.Udp), 0)
  })

  it("cycles buffers 2 KiB apart through the first 16 MiB of guest memory (less in a smaller VM)", () => {
    assert.strictEqual(nextBufferAddress(0, 64 << 20), 2048)
    assert.strictEqual(nextBufferAddress((16 << 20) - 4096, 64 << 20), (16 << 20) - 2048)
    assert.strictEqual(nextBufferAddress((16 << 20) - 2048, 64 << 20), 0)
    assert.deepStrictEqual([nextBufferAddress(2048, 8192), nextBufferAddress(4096, 8192)], [4096, 0])
  })

  it("keeps the ring full for a saturating UDP flow, but for the reserved descriptors", () => {
    const rig = connectedRig([{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }])
    rig.s.outstanding = 10
    rig.traffic.fill(rig.s)
    assert.strictEqual(rig.s.outstanding, TX_RING_DESCRIPTORS - TX_RING_RESERVED_DESCRIPTORS)
    // Each datagram goes down as an IP packet: 1470 bytes of payload behind IPv4 (20) and UDP (8) headers.
    assert.strictEqual(rig.stats.txBytes, (TX_RING_DESCRIPTORS - TX_RING_RESERVED_DESCRIPTORS - 10) * 1498)
  })
})

describe("guest traffic: paced flows", () => {
  it("a paced UDP flow carries the fraction of a packet it may not send yet to its next tick, and fires only the ticks that send", () => {
    // 6 Mbit/s of 1500-byte packets: half a packet per 1 ms tick, so every other tick sends one.
    // Each tick is fired when the flow's timer says (the Pace message it re-arms), at the tick's time.
    const rig = connectedRig([{ kind: "udp-tx", offeredMbps: 6, payloadBytes: 1500 }])
    const sends: Array<[number, number]> = []
    const fired: Array<number> = []
    let nowNs = 0
    for (let n = 0; n < 4; n++) {
      fired.push(nowNs / PACE_PERIOD_NS)
      const before = rig.stats.txFrames
      rig.traffic.pace(rig.s, 0)
      if (rig.stats.txFrames > before) sends.push([nowNs / PACE_PERIOD_NS, rig.stats.txFrames - before])
      // The next Pace comes when its timer fires, not before.
      let told = rig.takeTold()
      while (told.length === 0) {
        nowNs += PACE_PERIOD_NS
        rig.kernel.runUntil(nowNs)
        told = rig.takeTold()
      }
      assert.deepStrictEqual(told, [{ _tag: "Pace", flow: 0, epoch: 0 }])
    }
    // Ticks 0 (half a packet), 1 (one), then 3 and 5: tick 2 and 4 would have found half a packet each.
    assert.deepStrictEqual(fired, [0, 1, 3, 5])
    assert.deepStrictEqual(sends, [[1, 1], [3, 1], [5, 1]])
    // Tick 6 would send nothing, so the credit already holds its half packet, for tick 7.
    assert.strictEqual(rig.s.credit[0], 0.5)
  })

  it("re-arms its tick with the epoch it was set in, and counts what a full ring refused", () => {
    const rig = connectedRig([{ kind: "udp-tx", offeredMbps: 24, payloadBytes: 1500 }])
    rig.s.epoch = 4
    rig.s.outstanding = TX_RING_DESCRIPTORS - 1
    rig.traffic.pace(rig.s, 0) // two packets due, room for one
    assert.strictEqual(rig.stats.ringFullDrops, 1)
    rig.s.epoch = 5
    rig.kernel.runUntil(PACE_PERIOD_NS)
    assert.deepStrictEqual(rig.takeTold(), [{ _tag: "Pace", flow: 0, epoch: 4 }])
  })

  it("a ping goes every interval; nothing is paced while the driver is not connected", () => {
    const rig = connectedRig([{ kind: "ping", intervalNs: 5e6, payloadBytes: 64 }])
    rig.traffic.pace(rig.s, 0)
    assert.strictEqual(rig.stats.pingsSent, 1)
    assert.strictEqual(rig.o.memory.read(1)[0]!.payload, Payload.EchoRequest)
    rig.kernel.runUntil(5e6 - 1)
    assert.deepStrictEqual(rig.takeTold(), [])
    rig.kernel.runUntil(5e6)
    assert.deepStrictEqual(rig.takeTold(), [{ _tag: "Pace", flow: 0, epoch: 0 }])
    rig.s.driver = { ...connectedDriver, state: "scanning" }
    rig.traffic.pace(rig.s, 0)
    assert.strictEqual(rig.stats.pingsSent, 1)
    assert.strictEqual(rig.kernel.pendingTimers, 0)
  })

  it("on connection: downlink flows are asked for, paced flows tick, a saturating flow fills the ring", () => {
    const rig = connectedRig([
      { kind: "udp-rx", offeredMbps: 10, payloadBytes: 1470 },
      { kind: "ping", intervalNs: 1e9, payloadBytes: 64 },
      { kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1000 }
    ])
    rig.s.epoch = 2
    rig.traffic.startFlows(rig.s)
    const first = rig.o.memory.read(1)[0]!
    assert.strictEqual(first.payload, Payload.Subscribe)
    assert.deepStrictEqual(first.subscribe, { protocol: "udp", offeredMbps: 10, payloadBytes: 1470 })
    assert.deepStrictEqual(rig.takeTold(), [{ _tag: "Pace", flow: 1, epoch: 2 }])
    assert.strictEqual(rig.s.outstanding, TX_RING_DESCRIPTORS - TX_RING_RESERVED_DESCRIPTORS)
  })
})

describe("guest traffic: completions and received frames", () => {
  it("a link probe's completion is not data, but the AP's acknowledgement is heard", () => {
    const rig = connectedRig([])
    rig.s.outstanding = 3
    rig.s.probesOutstanding = 1
    rig.kernel.nowNs = 5e9
    rig.traffic.completed(rig.s, { _tag: "TxDone", vmac: 0, delivered: 1, failed: 0 })
    assert.deepStrictEqual([rig.s.outstanding, rig.s.probesOutstanding, rig.s.lastHeardNs], [2, 0, 5e9])
    assert.isUndefined(rig.stats.lastDataNs)
    rig.kernel.nowNs = 6e9
    rig.traffic.completed(rig.s, { _tag: "TxDone", vmac: 0, delivered: 1, failed: 0 })
    assert.strictEqual(rig.stats.lastDataNs, 6e9)
    // In ring order, the probe's completion is taken as the failure: the delivered one was data.
    rig.s.probesOutstanding = 1
    rig.kernel.nowNs = 7e9
    rig.traffic.completed(rig.s, { _tag: "TxDone", vmac: 0, delivered: 1, failed: 1 })
    assert.strictEqual(rig.stats.lastDataNs, 7e9)
    assert.deepStrictEqual([rig.stats.txDelivered, rig.stats.txFailed, rig.s.outstanding], [3, 1, -1])
  })

  it("counts goodput after the warm-up only, times ping replies, and charges the stack's receive work", () => {
    const rig = connectedRig([], 1e9)
    const seen: Array<readonly [number, number]> = []
    rig.traces.frameReceived.connect((vm, owner) => seen.push([vm, owner]))
    const early = frameFor(1, Payload.Udp, 1000)
    rig.o.ledger.register(early)
    rig.traffic.receive(rig.s, { _tag: "Rx", vmac: 0, frames: [early] })
    assert.deepStrictEqual([rig.stats.rxBytes, rig.stats.rxBytesMeasured], [1000, 0])
    assert.strictEqual(rig.o.ledger.delivered, 1)
    rig.kernel.nowNs = 2e9
    const reply = frameFor(2, Payload.EchoReply, 64)
    reply.createdNs = 1.5e9
    rig.traffic.receive(rig.s, { _tag: "Rx", vmac: 0, frames: [frameFor(3, Payload.Udp, 1000), reply, frameFor(4, Payload.TcpAck, 52)] })
    // Goodput is the UDP payload: the 1000-byte IP packet less its IPv4 and UDP headers (28).
    assert.deepStrictEqual([rig.stats.rxFrames, rig.stats.rxBytesMeasured], [4, 972])
    // The reply is timed when its recv() returns: once the work below has run.
    assert.deepStrictEqual(rig.stats.pingRttNs, [])
    assert.deepStrictEqual(recordOf(rig.s.work!).then, [{ _tag: "PingReplied", sentNs: 1.5e9 }])
    rig.kernel.nowNs = 2.1e9
    rig.traffic.pingReplied(1.5e9)
    assert.deepStrictEqual(rig.stats.pingRttNs, [6e8])
    assert.deepStrictEqual([rig.stats.lastDataNs, rig.s.lastHeardNs], [2e9, 2e9])
    assert.deepStrictEqual(seen, [[0, 0], [0, 0], [0, 0], [0, 0]])
    // The stack per packet; the application's recv() per packet of its own (a raw socket reads the
    // reply with its IP header: 64 bytes); the TCP ACK ends in the stack.
    assert.deepStrictEqual(recordOf(rig.s.work!).ops, [
      ["guestRxPacket", 1], ["guestSocketCall", 1], ["guestCopyByte", 972],
      ["guestRxPacket", 3], ["guestSocketCall", 2], ["guestCopyByte", 972 + 64]
    ])
  })
})

describe("guest traffic: TCP flows", () => {
  const tcpFlows: ReadonlyArray<Flow> = [
    { kind: "tcp-tx", offeredMbps: "saturate", mssBytes: 1460 },
    { kind: "tcp-rx", offeredMbps: "saturate", mssBytes: 1000 }
  ]

  it("a sender sends its window into the ring, and an ACK from the endpoint moves it on", () => {
    const rig = connectedRig(tcpFlows)
    rig.traffic.resume(rig.s)
    const segments = rig.o.memory.read(10)
    assert.deepStrictEqual(segments.map((d) => [d.seq, d.length, d.payload]), [[0, 1500, Payload.TcpData], [1, 1500, Payload.TcpData], [2, 1500, Payload.TcpData]])
    rig.traffic.receive(rig.s, { _tag: "Rx", vmac: 0, frames: [frameFor(1, Payload.TcpAck, 52, 3)] })
    assert.deepStrictEqual(tcpTotals(rig.s.tcpSenders.values()), { retransmits: 0, timeouts: 0, acked: 3 })
  })

  it("the receiver hands in-order segments to the application (goodput) and ACKs every second one", () => {
    const rig = connectedRig(tcpFlows)
    // MSS 1000: a full segment carries 988 bytes of data beside the 12-byte timestamps option, in a
    // 1040-byte IP packet (988 + IPv4 20 + TCP 20 + 12).
    const first = frameFor(1, Payload.TcpData, 1040, 0)
    first.createdNs = 5e6
    rig.traffic.receive(rig.s, { _tag: "Rx", vmac: 0, frames: [first] })
    assert.strictEqual(rig.stats.rxBytesMeasured, 988)
    assert.strictEqual(rig.o.memory.read(10).length, 0, "the ACK is delayed")
    const second = frameFor(2, Payload.TcpData, 1040, 1)
    second.createdNs = 6e6
    rig.traffic.receive(rig.s, { _tag: "Rx", vmac: 0, frames: [second] })
    const acks = rig.o.memory.read(10)
    // A 52-byte ACK (IPv4 20 + TCP 20 + 12) echoing the first segment's timestamp (RFC 7323 4.3).
    assert.deepStrictEqual(acks.map((d) => [d.payload, d.seq, d.length, d.echoNs]), [[Payload.TcpAck, 2, 52, 5e6]])
  })

  it("an earlier connection's segments do not answer this one's Subscribe: it goes again until this flow's do", () => {
    const rig = connectedRig([{ kind: "tcp-rx", offeredMbps: "saturate", mssBytes: 1000 }])
    rig.kernel.nowNs = 5e9
    rig.traffic.makeTcpFlows(rig.s)
    rig.traffic.startFlows(rig.s)
    const subscribes = () => rig.o.memory.read(10).filter((d) => d.payload === Payload.Subscribe).length
    const receiveSegment = (id: number, seq: number, createdNs: number) => {
      const f = frameFor(id, Payload.TcpData, 1040, seq)
      f.createdNs = createdNs
      rig.traffic.receive(rig.s, { _tag: "Rx", vmac: 0, frames: [f] })
    }
    assert.strictEqual(subscribes(), 1)
    // Stamped before this connection's receiver was made: the old flow's, still on its way.
    receiveSegment(1, 7, 4.9e9)
    assert.isFalse(rig.s.tcpDownlinkHeard)
    rig.traffic.subscribe(rig.s, 0, 1)
    assert.strictEqual(subscribes(), 1, "the Subscribe goes again")
    receiveSegment(2, 0, 5.1e9)
    assert.isTrue(rig.s.tcpDownlinkHeard)
    rig.traffic.subscribe(rig.s, 0, 2)
    assert.strictEqual(subscribes(), 0, "this flow answered: no more")
  })

  it("new flows on every connection, their timers carrying the epoch they were made in", () => {
    const rig = connectedRig(tcpFlows)
    const old = rig.s.tcpSenders.get(0)
    rig.s.epoch = 3
    rig.traffic.makeTcpFlows(rig.s)
    assert.notStrictEqual(rig.s.tcpSenders.get(0), old)
    assert.deepStrictEqual([...rig.s.tcpSenders.keys()], [0])
    rig.traffic.resume(rig.s)
    rig.kernel.runUntil(60e9)
    assert.deepStrictEqual(rig.takeTold().map((m) => m._tag === "TcpTimer" && [m.flow, m.epoch]), [[0, 3]])
  })

  it("sums the senders' loss recovery", () => {
    const sender = (retransmits: number, timeouts: number, sndUna: number) => ({ state: { retransmits, timeouts, sndUna } })
    const senders = [sender(1, 2, 30), sender(4, 0, 12)] as unknown as Parameters<typeof tcpTotals>[0]
    assert.deepStrictEqual(tcpTotals(senders), { retransmits: 5, timeouts: 2, acked: 42 })
  })
})
