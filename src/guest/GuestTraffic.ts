/**
 * The guest's applications and its network stack's data path: the flows it runs once connected
 * (paced or saturating UDP, pings, TCP senders and receivers, subscriptions to downlink flows), the
 * TX descriptors it writes into the ring in its memory and the doorbell it rings for them, the
 * completions it counts, and the frames it receives. Its decisions, on the `GuestState` the actor
 * runtime holds; the driver's side is `GuestDriverRunner`.
 */
import { echoPacketBytes, KERNEL_OWN_PACKET, socketCopyBytes, udpPacketBytes, udpPayloadBytes } from "../vocabulary/PacketHeaders.ts"
import { after } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import type { TraceSource } from "../actor/TraceSource.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { shareNumbers } from "../kernel/StableShapes.ts"
import type { TxDescriptor } from "../vocabulary/CardCommand.ts"
import type { CardEvent } from "../vocabulary/CardEvent.ts"
import { NO_SACK, Payload } from "../vocabulary/Frame.ts"
import { PACE_PERIOD_NS, TX_RING_DESCRIPTORS, TX_RING_RESERVED_DESCRIPTORS } from "../vocabulary/ModelConstants.ts"
import { segmentsPerNs } from "../workload/PacedWriter.ts"
import { mayResubscribe, subscribeRetryDelayNs } from "../workload/Subscription.ts"
import { packetsPerTick, paceTick } from "../workload/PaceTicks.ts"
import { ackPacketBytes, segmentDataBytes, segmentPacketBytes, TcpReceiverFlow, TcpSenderFlow } from "../workload/TcpFlow.ts"
import type { GuestState } from "./GuestState.ts"
import type { GuestMessage, GuestOptions, GuestStats } from "./GuestVm.ts"
import type { GuestWork } from "./GuestWork.ts"

/** What the traffic side needs of the guest's options. */
export type TrafficOptions = Pick<GuestOptions, "vm" | "flows" | "memory" | "packetCost" | "rxPacketCost" | "socketCosts" | "ledger" | "warmupEndNs">

/**
 * The IP packet a VM sends its AP's endpoint to ask for a downlink flow (the stand-in for the control
 * message of the seed's traffic tool, Chariot, whose size the seed does not give). A modelling choice:
 * a small UDP packet, 64 bytes; it goes on the air as one data frame.
 */
const SUBSCRIBE_PACKET_BYTES = 64

/** TX buffers cycle through the first 16 MiB of guest memory, 2 KiB apart: the next one after `address`. */
export const nextBufferAddress = (address: number, memoryBytes: number): number => (address + 2048) % Math.min(memoryBytes - 2048, 16 << 20)

/** The TCP senders' loss recovery so far: fast retransmits and timeouts, and segments acknowledged. */
export const tcpTotals = (senders: Iterable<TcpSenderFlow>): { readonly retransmits: number; readonly timeouts: number; readonly acked: number } => {
  let retransmits = 0
  let timeouts = 0
  let acked = 0
  for (const s of senders) {
    retransmits += s.state.retransmits
    timeouts += s.state.timeouts
    acked += s.state.sndUna
  }
  return { retransmits, timeouts, acked }
}

/** A TX descriptor as the driver writes it into its ring: one literal, shaped once below. */
const descriptor = (dmaAddress: number, length: number, src: number, dst: number, payload: Payload, seq: number, createdNs: number, echoNs: number, window: number): TxDescriptor => ({
  dmaAddress, length, src, dst, payload, seq, createdNs, echoNs, window
})
// Its addresses and time go on into the frame the card makes of it: boxes shared, not copied.
shareNumbers(descriptor(0, 0, 0, 0, Payload.None, 0, 0, -1, 0), ["src", "dst", "createdNs", "echoNs"])

/** The write-pointer update after one frame (the guest's vMAC is always its card's vMAC 0). */
const ONE_PACKET_DOORBELL = Object.freeze({ _tag: "TxDoorbell", vmac: 0, count: 1 })

export class GuestTraffic {
  private readonly kernel: Kernel
  private readonly o: TrafficOptions
  private readonly stats: GuestStats
  private readonly traces: { readonly frameReceived: TraceSource<number, number> }
  private readonly work: GuestWork
  private readonly self: Port<GuestMessage>

  constructor(
    kernel: Kernel,
    o: TrafficOptions,
    stats: GuestStats,
    traces: { readonly frameReceived: TraceSource<number, number> },
    work: GuestWork,
    self: Port<GuestMessage>
  ) {
    this.kernel = kernel
    this.o = o
    this.stats = stats
    this.traces = traces
    this.work = work
    this.self = self
  }

  /**
   * New TCP flows (on every connection: the endpoint forgot the old ones): a sender for each tcp-tx
   * flow (by flow index), a receiver for the first tcp-rx flow. Their timers carry the epoch now.
   */
  makeTcpFlows(s: GuestState): void {
    const { kernel, self } = this
    const e = s.epoch
    for (const flow of s.tcpSenders.values()) flow.stop()
    s.tcpReceiver?.flow.stop()
    s.tcpSenders.clear()
    s.tcpReceiver = undefined
    this.o.flows.forEach((flow, i) => {
      if (flow.kind === "tcp-tx") {
        const app = flow.offeredMbps === "saturate" ? undefined : {
          segmentsPerNs: segmentsPerNs(flow.offeredMbps, segmentDataBytes(flow.mssBytes)),
          wake: () => void self.tellUnsafe({ _tag: "Pace", flow: i, epoch: e })
        }
        const packetBytes = segmentPacketBytes(flow.mssBytes)
        s.tcpSenders.set(i, new TcpSenderFlow(kernel, {
          room: () => (s.driver.state === "connected" ? TX_RING_DESCRIPTORS - TX_RING_RESERVED_DESCRIPTORS - s.outstanding : 0),
          emitSegments: (first, count, echoNs) => this.send(s, count, packetBytes, Payload.TcpData, undefined, first, echoNs)
        }, (generation) => self.tellUnsafe({ _tag: "TcpTimer", flow: i, generation, epoch: e }), app))
      } else if (flow.kind === "tcp-rx" && s.tcpReceiver === undefined) {
        s.tcpReceiver = {
          dataBytes: segmentDataBytes(flow.mssBytes),
          flow: new TcpReceiverFlow(kernel, segmentDataBytes(flow.mssBytes), (ackNo, echoNs, sack, window) =>
            void this.send(s, 1, ackPacketBytes(sack), Payload.TcpAck, undefined, ackNo, echoNs, sack, window), (generation) =>
            self.tellUnsafe({ _tag: "TcpTimer", flow: i, generation, epoch: e }), kernel.nowNs)
        }
      }
    })
  }

  /** Connected: downlink flows are asked for, TCP senders start, saturating UDP fills the ring, paced flows tick. */
  startFlows(s: GuestState): void {
    s.udpDownlinkHeard = false
    s.tcpDownlinkHeard = false
    s.flowsStartedNs = this.kernel.nowNs
    this.o.flows.forEach((flow, i) => {
      if (flow.kind === "udp-rx" || flow.kind === "tcp-rx") this.subscribe(s, i, 0)
      else if (flow.kind === "tcp-tx") s.tcpSenders.get(i)?.pump()
      else if (flow.kind === "udp-tx" && flow.offeredMbps === "saturate") this.fill(s)
      else this.self.tellUnsafe({ _tag: "Pace", flow: i, epoch: s.epoch })
    })
  }

  /**
   * Writes up to `count` packets into the TX ring (as many as it has room for), ringing the doorbell
   * after each, as Linux 2.6.33's iwlagn does: iwl_tx_skb ends every frame by writing the queue's write
   * pointer (iwl_txq_update_write_ptr, drivers/net/wireless/iwlwifi/iwl-tx.c), one MMIO write per
   * packet. Returns how many. `firstSeq` numbers them (TCP segments), else the VM's own counter
   * does; `echoNs` is a TCP packet's echoed timestamp, `sack` and `window` a TCP ACK's SACK blocks and
   * offered window. Nothing goes before the driver has its MAC.
   */
  send(
    s: GuestState, count: number, payloadBytes: number, payload: Payload, subscribe?: TxDescriptor["subscribe"], firstSeq?: number, echoNs = -1,
    sack: ReadonlyArray<number> = NO_SACK, window = 0
  ): number {
    const room = TX_RING_DESCRIPTORS - s.outstanding
    const n = Math.min(count, room)
    const src = s.driver.mac
    if (n <= 0 || src === undefined) return 0
    const { memory, socketCosts } = this.o
    // The application's send() per packet it writes (TCP's ACKs are the kernel's own: no call).
    const copied = socketCosts === undefined ? KERNEL_OWN_PACKET : socketCopyBytes(payload, payloadBytes)
    for (let i = 0; i < n; i++) {
      if (copied !== KERNEL_OWN_PACKET) this.chargeSocketCalls(s, 1, copied)
      this.work.charge(s, this.o.packetCost, 1)
      s.nextAddress = nextBufferAddress(s.nextAddress, memory.sizeBytes)
      const frameSeq = firstSeq === undefined ? ++s.seq : firstSeq + i
      const d = descriptor(s.nextAddress, payloadBytes, src, s.endpointMac, payload, frameSeq, this.kernel.nowNs, echoNs, window)
      memory.write(subscribe !== undefined ? { ...d, subscribe } : sack.length > 0 ? { ...d, sack } : d)
      // A register write is just a value: the device model decodes it at the boundary, so the
      // driver writes it plain (constructing the Schema class would validate it twice per packet).
      this.work.writeRegister(s, ONE_PACKET_DOORBELL)
    }
    s.outstanding += n
    this.stats.txFrames += n
    this.stats.txBytes += n * payloadBytes
    return n
  }

  /** Saturating UDP flows keep the ring full, but for `TX_RING_RESERVED_DESCRIPTORS` descriptors. */
  fill(s: GuestState): void {
    for (const flow of this.o.flows) {
      if (flow.kind === "udp-tx" && flow.offeredMbps === "saturate") {
        this.send(s, TX_RING_DESCRIPTORS - TX_RING_RESERVED_DESCRIPTORS - s.outstanding, udpPacketBytes(flow.payloadBytes), Payload.Udp)
      }
    }
  }

  /** The ring has room again (an interrupt, connected): saturating UDP fills it, the TCP senders send. */
  resume(s: GuestState): void {
    this.fill(s)
    for (const sender of s.tcpSenders.values()) sender.pump()
  }

  /** A paced flow's tick: a paced TCP sender's application wakes, a ping goes, a paced UDP flow sends what its rate allows. */
  pace(s: GuestState, index: number): void {
    const flow = this.o.flows[index]
    if (flow === undefined || s.driver.state !== "connected") return
    if (flow.kind === "tcp-tx") {
      s.tcpSenders.get(index)?.wake()
      return
    }
    if (flow.kind === "locate") {
      // The location service asks its network manager for a scan; the results reach it (GuestDriverRunner).
      this.self.tellUnsafe({ _tag: "Scan" })
      const e = s.epoch
      after(this.kernel, flow.intervalNs, this.self, { _tag: "Pace", flow: index, epoch: e })
      return
    }
    if (flow.kind === "ping") {
      if (this.send(s, 1, echoPacketBytes(flow.payloadBytes), Payload.EchoRequest) === 1) this.stats.pingsSent++
      const e = s.epoch
      after(this.kernel, flow.intervalNs, this.self, { _tag: "Pace", flow: index, epoch: e })
      return
    }
    if (flow.kind === "udp-tx" && flow.offeredMbps !== "saturate") {
      // This tick's packets, and the next tick that will send (`PaceTicks.ts`). The credit is already
      // that of the ticks in between: should the link drop before that tick, what is left (under one
      // packet) includes them, where before the tick after the drop ended the count.
      const step = paceTick(s.credit[index]!, packetsPerTick(flow.offeredMbps, flow.payloadBytes, PACE_PERIOD_NS))
      s.credit[index] = step.credit
      const sent = this.send(s, step.packets, udpPacketBytes(flow.payloadBytes), Payload.Udp)
      this.stats.ringFullDrops += step.packets - sent
      const e = s.epoch
      after(this.kernel, step.ticks * PACE_PERIOD_NS, this.self, { _tag: "Pace", flow: index, epoch: e })
    }
  }

  /**
   * Send number `attempt` (0: the first) of downlink flow `index`'s Subscribe, unless its flow has
   * started; the next is armed while more may go (`workload/Subscription.ts`).
   */
  subscribe(s: GuestState, index: number, attempt: number): void {
    const flow = this.o.flows[index]
    if (flow === undefined || s.driver.state !== "connected") return
    let sent: number
    if (flow.kind === "udp-rx") {
      if (s.udpDownlinkHeard) return
      sent = this.send(s, 1, SUBSCRIBE_PACKET_BYTES, Payload.Subscribe, { protocol: "udp", offeredMbps: flow.offeredMbps, payloadBytes: flow.payloadBytes })
    } else if (flow.kind === "tcp-rx") {
      if (s.tcpDownlinkHeard) return
      sent = this.send(s, 1, SUBSCRIBE_PACKET_BYTES, Payload.Subscribe, { protocol: "tcp", offeredMbps: flow.offeredMbps, payloadBytes: flow.mssBytes })
    } else return
    // A full ring took none: the next attempt tries again.
    if (attempt > 0 && sent > 0) this.stats.resubscribes++
    if (mayResubscribe(attempt)) after(this.kernel, subscribeRetryDelayNs(attempt), this.self, { _tag: "Resubscribe", flow: index, epoch: s.epoch, attempt })
  }

  /** A TCP flow's timer fired (a sender's retransmission timer or the receiver's delayed ACK). */
  tcpTimer(s: GuestState, flow: number, generation: number): void {
    const sender = s.tcpSenders.get(flow)
    if (sender !== undefined) sender.timeout(generation)
    else s.tcpReceiver?.flow.timeout(generation)
  }

  /** The connection monitor's null-data frame to the AP (it counts when it went into the ring). */
  sendLinkProbe(s: GuestState): void {
    if (this.send(s, 1, 0, Payload.None) === 1) {
      s.probesOutstanding++
      this.stats.linkProbes++
    }
  }

  /** The application's `calls` socket calls (`GuestOptions.socketCosts`), copying `bytes` in all. */
  private chargeSocketCalls(s: GuestState, calls: number, bytes: number): void {
    const costs = this.o.socketCosts!
    this.work.charge(s, costs.call, calls)
    if (bytes > 0) this.work.charge(s, costs.byte, bytes)
  }

  /** A ping's reply reached its application (`PingReplied`): its round trip. */
  pingReplied(sentNs: number): void {
    this.stats.pingRttNs.push(this.kernel.nowNs - sentNs)
  }

  /** TX completions: room in the ring, and when the AP last acknowledged one of ours and data last moved (a probe's is not data). */
  completed(s: GuestState, e: Extract<CardEvent, { _tag: "TxDone" }>): void {
    const nowNs = this.kernel.nowNs
    s.outstanding -= e.delivered + e.failed
    this.stats.txDelivered += e.delivered
    this.stats.txFailed += e.failed
    // Completions come in ring order; a probe's is taken as a failure first (no data moved either way).
    const probes = Math.min(s.probesOutstanding, e.delivered + e.failed)
    s.probesOutstanding -= probes
    if (e.delivered > 0) {
      s.lastHeardNs = nowNs
      if (e.delivered > Math.max(0, probes - e.failed)) this.stats.lastDataNs = nowNs
    }
  }

  /** Frames received: to the applications (goodput after the warm-up, TCP, ping replies), and the stack's work. */
  receive(s: GuestState, e: Extract<CardEvent, { _tag: "Rx" }>): void {
    const { kernel, stats } = this
    const measuring = kernel.nowNs >= this.o.warmupEndNs
    const { socketCosts } = this.o
    let calls = 0
    let copied = 0
    for (const f of e.frames) {
      if (socketCosts !== undefined) {
        // The application's recv() per packet of its own that it reads (TCP's ACKs end in the stack).
        const bytes = socketCopyBytes(f.payload, f.payloadBytes)
        if (bytes !== KERNEL_OWN_PACKET) {
          calls++
          copied += bytes
        }
      }
      this.traces.frameReceived.fire(this.o.vm, f.owner)
      this.o.ledger.deliver(f)
      stats.rxFrames++
      stats.rxBytes += f.payloadBytes
      if (f.payload === Payload.Udp) {
        // Only this connection's flow answers its Subscribe: an earlier flow's packets, still on their
        // way when it joined again, echo an earlier Subscribe. Until 2026-12-06 they counted, and a
        // Subscribe lost on the air was not sent again: the endpoint, told the station had gone, had
        // ended the old flow, and the download stopped for good (campaign seed 866, case 118).
        if (f.echoNs >= s.flowsStartedNs) s.udpDownlinkHeard = true
        if (measuring) stats.rxBytesMeasured += udpPayloadBytes(f.payloadBytes)
      } else if (f.payload === Payload.TcpData && s.tcpReceiver !== undefined) {
        // As UDP's: an earlier connection's segments (its receiver drops them) do not answer this one's Subscribe.
        if (s.tcpReceiver.flow.accepts(f.createdNs)) s.tcpDownlinkHeard = true
        // Goodput is what TCP hands the application in order, not what arrived.
        const segments = s.tcpReceiver.flow.segment(f.seq, f.createdNs, f.echoNs)
        if (measuring) stats.rxBytesMeasured += segments * s.tcpReceiver.dataBytes
      } else if (f.payload === Payload.TcpAck) {
        for (const sender of s.tcpSenders.values()) sender.ack(f.seq, f.createdNs, f.echoNs, f.sack, f.tcpWindow)
      } else if (f.payload === Payload.EchoReply) {
        // ping times the reply when its recv() returns: after this thread's interrupt, stack and socket
        // work for it (natively the card's side ran those before the reply got here).
        if (this.o.rxPacketCost === undefined) stats.pingRttNs.push(kernel.nowNs - f.createdNs)
        else this.work.tellAfter(s, this.self, { _tag: "PingReplied", sentNs: f.createdNs })
      }
    }
    if (this.o.rxPacketCost !== undefined && e.frames.length > 0) this.work.charge(s, this.o.rxPacketCost, e.frames.length)
    if (calls > 0) this.chargeSocketCalls(s, calls, copied)
    if (e.frames.length > 0) stats.lastDataNs = s.lastHeardNs = kernel.nowNs
  }
}
