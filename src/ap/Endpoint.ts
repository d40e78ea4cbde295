/**
 * The wired endpoint behind an AP (the peer of the benchmarks): it sinks uplink UDP, echoes pings,
 * and sources downlink UDP to a station that subscribed, either paced at an offered rate or
 * saturating (keeping a window of frames queued at the AP).
 */
import { TCP_IP_OVERHEAD_BYTES, udpPacketBytes, udpPayloadBytes } from "../vocabulary/PacketHeaders.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { after, at, forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { Frame, FrameKind, Payload } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { segmentsPerNs } from "../workload/PacedWriter.ts"
import { packetsPerTick, paceTick } from "../workload/PaceTicks.ts"
import { ackPacketBytes, segmentDataBytes, segmentPacketBytes, TcpReceiverFlow, TcpSenderFlow } from "../workload/TcpFlow.ts"
import { AP_QUEUE_FRAMES, ENDPOINT_SATURATE_WINDOW_FRAMES, PACE_PERIOD_NS } from "../vocabulary/ModelConstants.ts"
import type { ApMessage } from "./AccessPoint.ts"
import type { WiredLink } from "./WiredLink.ts"

/**
 * Messages an endpoint's mailbox holds (a modelling choice, not a hardware figure): it held at most 4 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 14

export type EndpointMessage = Data.TaggedEnum<{
  Uplink: { readonly frames: ReadonlyArray<Frame> }
  /** The AP finished with these downlink frames (delivered or dropped): room for more. */
  Credit: { readonly frames: ReadonlyArray<Frame> }
  Pace: { readonly dst: number; readonly flow: number }
  /** The station left the AP (or joined it again): its flows end. */
  StationGone: { readonly station: number }
  TcpTimer: { readonly station: number; readonly role: "sender" | "receiver"; readonly generation: number }
  /** A paced TCP sender's application has more to write. */
  TcpWake: { readonly station: number; readonly flow: number }
  /** A saturating UDP flow some of whose frames the wire's full queue dropped: the queue has room again. */
  Refill: { readonly dst: number; readonly flow: number }
}>

/** Bytes and frames of one VM's data received, after the warm-up. */
export interface FlowCounters {
  frames: number
  bytes: number
  firstNs: number
  lastNs: number
}

export interface EndpointOptions {
  readonly name: string
  readonly mac: number
  readonly bssid: number
  /** Its side of the wire to the AP (downlink): serialization and latency. */
  readonly downlink: WiredLink
  readonly warmupEndNs: number
  readonly ledger: FrameLedger
  readonly ap: () => Port<ApMessage>
}

export interface EndpointHandle {
  readonly ref: ModelActor.ModelRef<EndpointMessage>
  /**
   * Uplink goodput counters (after the warm-up) by the VM whose data it is (the frame's owner), not by
   * station address: a VM that reconnects may come back on another vMAC, and a vMAC may pass to another VM.
   */
  readonly uplink: ReadonlyMap<number, FlowCounters>
}


interface Downlink {
  /** Tells this flow's pacing timers from an earlier flow's to the same station. */
  readonly id: number
  /**
   * When the station sent the Subscribe that started it: each of its frames carries it (as `echoNs`),
   * so that the station tells them from an earlier flow's still on their way (the new flow's port, on
   * a real socket).
   */
  readonly subscribedNs: number
  /** The VM whose flow this is (the owner of the frames it sends). */
  readonly owner: number
  readonly dst: number
  readonly offeredMbps: number | "saturate"
  readonly payloadBytes: number
  outstanding: number
  credit: number
  seq: number
  /** A `Refill` is on its way (a saturating flow the wire's queue turned away). */
  refillArmed: boolean
}

/**
 * The window of each saturating downlink flow: `ENDPOINT_SATURATE_WINDOW_FRAMES`, less when several
 * share the AP, so that together they keep at most half its queue (`AP_QUEUE_FRAMES`) outstanding and
 * leave the rest to its management frames and other traffic: a frame the queue refuses is never
 * credited, and would shrink its flow's window for good.
 */
const saturateWindowFrames = (s: EndpointState): number => {
  let saturating = 0
  for (const flow of s.flows.values()) if (flow.offeredMbps === "saturate") saturating++
  return Math.max(1, Math.min(ENDPOINT_SATURATE_WINDOW_FRAMES, Math.floor(AP_QUEUE_FRAMES / 2 / Math.max(1, saturating))))
}

/** A TCP sender's port at the endpoint takes whatever its window lets go (`TcpFlow.SenderPort.room`). */
const unlimitedRoom = (): number => Infinity

/** The endpoint's protocol state (what a restart of its host would lose). */
interface EndpointState {
  /** Downlink UDP flows by station. */
  readonly flows: Map<number, Downlink>
  /** TCP: a receiver per station sending to us (tcp-tx), a sender per station that subscribed (tcp-rx). */
  readonly tcpReceivers: Map<number, TcpReceiverFlow>
  readonly tcpSenders: Map<number, TcpSenderFlow>
  /** The id of each station's TCP sender: a wake-up meant for an earlier sender of the station is void. */
  readonly tcpSenderIds: Map<number, number>
  flowIds: number
  /**
   * Frames with a smaller id were sent before this state began (before a restart), and those to a
   * station below its entry in `forgotten` before the endpoint forgot it (`StationGone`): the AP's
   * reports of them come late, and count toward no flow of today's.
   */
  readonly sinceFrameId: number
  readonly forgotten: Map<number, number>
}

/** Whether `f`, a downlink frame the AP reports done, was sent by a flow the endpoint still counts. */
const creditsCurrentFlow = (s: EndpointState, f: Frame): boolean =>
  f.id >= s.sinceFrameId && (s.forgotten.size === 0 || f.id >= (s.forgotten.get(f.dst) ?? 0))

export const make = Effect.fnUntraced(function*(options: EndpointOptions): Effect.fn.Return<EndpointHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const uplink = new Map<number, FlowCounters>()
  const self = forward<EndpointMessage>()
  const logic = new EndpointLogic(kernel, options, self, uplink)
  const ref = yield* ModelActor.makeStateful<EndpointMessage, EndpointState>({
    name: options.name,
    capacity: MAILBOX_MESSAGES,
    initial: () => ({
      flows: new Map(), tcpReceivers: new Map(), tcpSenders: new Map(), tcpSenderIds: new Map(), flowIds: 0,
      sinceFrameId: options.ledger.idsFrom, forgotten: new Map()
    }),
    handle: (s, msg) => logic.handle(s, msg)
  })
  self.set(ref)
  return { ref, uplink }
})

/** The endpoint's handling of its messages, on the state the actor runtime holds. */
class EndpointLogic {
  private readonly kernel: Kernel
  private readonly o: EndpointOptions
  private readonly self: Port<EndpointMessage>
  private readonly uplink: Map<number, FlowCounters>
  constructor(kernel: Kernel, o: EndpointOptions, self: Port<EndpointMessage>, uplink: Map<number, FlowCounters>) {
    this.kernel = kernel
    this.o = o
    this.self = self
    this.uplink = uplink
  }

  handle(s: EndpointState, msg: EndpointMessage): EndpointState {
    switch (msg._tag) {
      case "Uplink":
        this.uplinkFrames(s, msg.frames)
        break
      case "Credit": {
        // The saturating flows credited here top up once, after the whole message: one batch per flow.
        let credited: Downlink | undefined
        let others: Set<Downlink> | undefined
        for (const f of msg.frames) {
          if (f.src !== this.o.mac || !creditsCurrentFlow(s, f)) continue
          const flow = f.payload === Payload.Udp ? s.flows.get(f.dst) : undefined
          if (flow === undefined) continue
          flow.outstanding--
          if (flow.offeredMbps !== "saturate" || flow === credited) continue
          if (credited === undefined) credited = flow
          else (others ??= new Set()).add(flow)
        }
        if (credited !== undefined) this.topUp(s, credited)
        if (others !== undefined) for (const flow of others) this.topUp(s, flow)
        break
      }
      case "TcpTimer":
        if (msg.role === "sender") s.tcpSenders.get(msg.station)?.timeout(msg.generation)
        else s.tcpReceivers.get(msg.station)?.timeout(msg.generation)
        break
      case "TcpWake":
        if (s.tcpSenderIds.get(msg.station) === msg.flow) s.tcpSenders.get(msg.station)?.wake()
        break
      case "Pace": {
        const flow = s.flows.get(msg.dst)
        if (flow === undefined || flow.id !== msg.flow || flow.offeredMbps === "saturate") break
        // This tick's packets, and the next tick that will send (`PaceTicks.ts`).
        const step = paceTick(flow.credit, packetsPerTick(flow.offeredMbps, flow.payloadBytes, PACE_PERIOD_NS))
        flow.credit = step.credit
        this.emit(s, flow, step.packets)
        after(this.kernel, step.ticks * PACE_PERIOD_NS, this.self, msg)
        break
      }
      case "Refill": {
        const flow = s.flows.get(msg.dst)
        if (flow === undefined || flow.id !== msg.flow) break
        flow.refillArmed = false
        this.topUp(s, flow)
        break
      }
      case "StationGone":
        s.flows.delete(msg.station)
        s.tcpSenders.get(msg.station)?.stop()
        s.tcpReceivers.get(msg.station)?.stop()
        s.tcpSenders.delete(msg.station)
        s.tcpSenderIds.delete(msg.station)
        s.tcpReceivers.delete(msg.station)
        s.forgotten.set(msg.station, this.o.ledger.idsFrom)
        break
    }
    return s
  }

  private frameTo(dst: number, bytes: number, payload: Payload, seq: number, createdNs: number, owner: number, echoNs = -1): Frame {
    const f = new Frame(this.o.ledger.nextFrameId(), FrameKind.Data, this.o.mac, dst, this.o.bssid)
    f.owner = owner
    f.payloadBytes = bytes
    f.payload = payload
    f.seq = seq
    f.createdNs = createdNs
    f.echoNs = echoNs
    this.o.ledger.register(f)
    return f
  }

  /**
   * Hands `frames` to the wire. What its queue drops (a suffix of the batch) is taken out of `frames`
   * and is not in flight to the AP, which credits only what reaches it: callers count `frames` after.
   */
  private toAp(frames: Array<Frame>): void {
    if (frames.length === 0) return
    const arrivesNs = this.o.downlink.send(this.kernel.nowNs, frames)
    if (frames.length > 0) at(this.kernel, arrivesNs, this.o.ap(), { _tag: "Downlink", frames })
  }

  /**
   * A saturating flow fills its window again as soon as the AP credits it (a batch per credit message:
   * one per exchange). Waiting for half the window to be free let the AP's queue fall below one A-MPDU.
   */
  private topUp(s: EndpointState, flow: Downlink): void {
    const window = saturateWindowFrames(s)
    if (flow.outstanding < window) this.emit(s, flow, window - flow.outstanding)
  }

  private emit(s: EndpointState, flow: Downlink, count: number): void {
    const out: Array<Frame> = []
    for (let i = 0; i < count; i++) out.push(this.frameTo(flow.dst, udpPacketBytes(flow.payloadBytes), Payload.Udp, ++flow.seq, this.kernel.nowNs, flow.owner, flow.subscribedNs))
    this.toAp(out)
    flow.outstanding += out.length
    // A saturating flow is driven by the AP's credits: frames the wire dropped earn none, so it
    // writes again when the wire's queue has room (as a sender blocked on a full device queue).
    if (out.length < count && flow.offeredMbps === "saturate" && !flow.refillArmed) {
      flow.refillArmed = true
      at(this.kernel, this.o.downlink.roomAtNs(this.kernel.nowNs), this.self, { _tag: "Refill", dst: flow.dst, flow: flow.id })
    }
  }

  /** The receiver of `station`'s upload, made by its first segment, which carries `segmentBytes` of data. */
  private tcpReceiverFor(s: EndpointState, station: number, owner: number, segmentBytes: number): TcpReceiverFlow {
    let flow = s.tcpReceivers.get(station)
    if (flow === undefined) {
      flow = new TcpReceiverFlow(this.kernel, segmentBytes, (ackNo, echoNs, sack, window) => {
        const ack = this.frameTo(station, ackPacketBytes(sack), Payload.TcpAck, ackNo, this.kernel.nowNs, owner, echoNs)
        ack.sack = sack
        ack.tcpWindow = window
        this.toAp([ack])
      },
        (generation) => this.self.tellUnsafe({ _tag: "TcpTimer", station, role: "receiver", generation }))
      s.tcpReceivers.set(station, flow)
    }
    return flow
  }

  private startTcpSender(s: EndpointState, station: number, mss: number, offeredMbps: number | "saturate", owner: number): void {
    if (s.tcpSenders.has(station)) return
    // The id keeps a wake-up meant for an earlier sender of this station from waking this one.
    const id = ++s.flowIds
    const app = offeredMbps === "saturate" ? undefined : {
      segmentsPerNs: segmentsPerNs(offeredMbps, segmentDataBytes(mss)),
      wake: () => void this.self.tellUnsafe({ _tag: "TcpWake", station, flow: id })
    }
    const packetBytes = segmentPacketBytes(mss)
    const flow = new TcpSenderFlow(this.kernel, {
      // What the window lets go goes on the wire: the AP's queue, or the wire's, drops what finds it
      // full, and TCP recovers it as any loss.
      room: unlimitedRoom,
      emitSegments: (first, count, echoNs) => {
        const out: Array<Frame> = []
        for (let i = 0; i < count; i++) out.push(this.frameTo(station, packetBytes, Payload.TcpData, first + i, this.kernel.nowNs, owner, echoNs))
        this.toAp(out)
        return count
      }
    }, (generation) => this.self.tellUnsafe({ _tag: "TcpTimer", station, role: "sender", generation }), app)
    s.tcpSenders.set(station, flow)
    s.tcpSenderIds.set(station, id)
    flow.pump()
  }

  private countUplink(vm: number, bytes: number): void {
    if (this.kernel.nowNs < this.o.warmupEndNs || bytes === 0) return
    let c = this.uplink.get(vm)
    if (c === undefined) this.uplink.set(vm, (c = { frames: 0, bytes: 0, firstNs: this.kernel.nowNs, lastNs: this.kernel.nowNs }))
    c.frames++
    c.bytes += bytes
    c.lastNs = this.kernel.nowNs
  }

  private uplinkFrames(s: EndpointState, frames: ReadonlyArray<Frame>): void {
    const replies: Array<Frame> = []
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      this.o.ledger.deliver(f)
      if (f.payload === Payload.TcpData) {
        // Goodput is what TCP delivers in order, not what arrives.
        const dataBytes = f.payloadBytes - TCP_IP_OVERHEAD_BYTES
        this.countUplink(f.owner, this.tcpReceiverFor(s, f.src, f.owner, dataBytes).segment(f.seq, f.createdNs, f.echoNs) * dataBytes)
      } else if (f.payload === Payload.TcpAck) {
        s.tcpSenders.get(f.src)?.ack(f.seq, f.createdNs, f.echoNs, f.sack, f.tcpWindow)
      } else if (f.payload === Payload.Subscribe && f.info?.subscribe?.protocol === "tcp") {
        this.startTcpSender(s, f.src, f.info.subscribe.payloadBytes, f.info.subscribe.offeredMbps, f.owner)
      } else if (f.payload === Payload.EchoRequest) {
        replies.push(this.frameTo(f.src, f.payloadBytes, Payload.EchoReply, f.seq, f.createdNs, f.owner))
      } else if (f.payload === Payload.Subscribe && f.info?.subscribe !== undefined && !s.flows.has(f.src)) {
        // The request's three fields, named: nothing in a packet sets whose flow it is or where it goes.
        const { offeredMbps, payloadBytes } = f.info.subscribe
        const flow: Downlink = { id: ++s.flowIds, subscribedNs: f.createdNs, owner: f.owner, dst: f.src, offeredMbps, payloadBytes, outstanding: 0, credit: 0, seq: 0, refillArmed: false }
        s.flows.set(f.src, flow)
        if (flow.offeredMbps === "saturate") this.emit(s, flow, saturateWindowFrames(s))
        else this.self.tellUnsafe({ _tag: "Pace", dst: f.src, flow: flow.id })
      } else if (f.payload === Payload.Udp) {
        this.countUplink(f.owner, udpPayloadBytes(f.payloadBytes))
      }
    }
    this.toAp(replies)
  }
}
