/**
 * The wired endpoint behind an AP (the peer of the benchmarks): it sinks uplink UDP, echoes pings,
 * and sources downlink UDP to a station that subscribed, either paced at an offered rate or
 * saturating (keeping a window of frames queued at the AP).
 */
import { Data, Effect } from "effect"
import type * as Scope from "effect/Scope"
import type * as Actor from "../actor/Actor.ts"
import * as ModelActor from "../model/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { deliverAt } from "../model/Deliver.ts"
import { Frame, FrameKind, Payload } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import { segmentsPerNs } from "../workload/PacedWriter.ts"
import { ACK_PACKET_BYTES, TcpReceiverFlow, TcpSenderFlow } from "../workload/TcpFlow.ts"
import { ENDPOINT_SATURATE_WINDOW, ENDPOINT_TCP_BUDGET, PACE_PERIOD_NS } from "../model/ModelConstants.ts"
import type { ApMessage } from "./AccessPoint.ts"

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
  readonly wiredDelayNs: number
  readonly warmupEndNs: number
  readonly ledger: FrameLedger
  readonly ap: () => { readonly tellUnsafe: (m: ApMessage) => boolean }
}

export interface EndpointHandle {
  readonly ref: Actor.ActorRef<EndpointMessage>
  /**
   * Uplink goodput counters (after the warm-up) by the VM whose data it is (the frame's owner), not by
   * station address: a VM that reconnects may come back on another vMAC, and a vMAC may pass to another VM.
   */
  readonly uplink: ReadonlyMap<number, FlowCounters>
  /** Downlink frames sent by station MAC. */
  readonly downlinkSent: ReadonlyMap<number, number>
}


interface Downlink {
  /** Tells this flow's pacing timers from an earlier flow's to the same station. */
  readonly id: number
  /** The VM whose flow this is (the owner of the frames it sends). */
  readonly owner: number
  readonly dst: number
  readonly offeredMbps: number | "saturate"
  readonly payloadBytes: number
  outstanding: number
  credit: number
  seq: number
}

export const make = Effect.fnUntraced(function*(options: EndpointOptions): Effect.fn.Return<EndpointHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { ledger } = options
  const uplink = new Map<number, FlowCounters>()
  const downlinkSent = new Map<number, number>()
  const flows = new Map<number, Downlink>()
  let self: Actor.ActorRef<EndpointMessage> | undefined

  let flowIds = 0
  const frameTo = (dst: number, bytes: number, payload: Payload, seq: number, createdNs: number, owner: number): Frame => {
    const f = new Frame(ledger.nextFrameId(), FrameKind.Data, options.mac, dst, options.bssid)
    f.owner = owner
    f.payloadBytes = bytes
    f.payload = payload
    f.seq = seq
    f.createdNs = createdNs
    ledger.register(f)
    return f
  }

  const toAp = (frames: Array<Frame>): void => {
    if (frames.length > 0) deliverAt(kernel, kernel.nowNs + options.wiredDelayNs, options.ap(), { _tag: "Downlink", frames })
  }

  const emit = (flow: Downlink, count: number): void => {
    const out: Array<Frame> = []
    for (let i = 0; i < count; i++) out.push(frameTo(flow.dst, flow.payloadBytes, Payload.Udp, ++flow.seq, kernel.nowNs, flow.owner))
    flow.outstanding += count
    downlinkSent.set(flow.dst, (downlinkSent.get(flow.dst) ?? 0) + count)
    toAp(out)
  }

  // TCP: a receiver per station sending to us (tcp-tx), a sender per station that subscribed (tcp-rx).
  const tcpReceivers = new Map<number, TcpReceiverFlow>()
  const tcpSenders = new Map<number, TcpSenderFlow>()
  const tcpSenderIds = new Map<number, number>()

  const tcpReceiverFor = (station: number, owner: number): TcpReceiverFlow => {
    let flow = tcpReceivers.get(station)
    if (flow === undefined) {
      flow = new TcpReceiverFlow(kernel, (ackNo) => toAp([frameTo(station, ACK_PACKET_BYTES, Payload.TcpAck, ackNo, kernel.nowNs, owner)]),
        (generation) => self!.tellUnsafe({ _tag: "TcpTimer", station, role: "receiver", generation }))
      tcpReceivers.set(station, flow)
    }
    return flow
  }

  const startTcpSender = (station: number, mss: number, offeredMbps: number | "saturate", owner: number): void => {
    if (tcpSenders.has(station)) return
    // The id keeps a wake-up meant for an earlier sender of this station from waking this one.
    const id = ++flowIds
    const app = offeredMbps === "saturate" ? undefined : {
      segmentsPerNs: segmentsPerNs(offeredMbps, mss),
      wake: () => void self!.tellUnsafe({ _tag: "TcpWake", station, flow: id })
    }
    const flow = new TcpSenderFlow(kernel, {
      room: () => ENDPOINT_TCP_BUDGET - ((downlinkSent.get(station) ?? 0) - (tcpCredits.get(station) ?? 0)),
      emitSegments: (first, count) => {
        const out: Array<Frame> = []
        for (let i = 0; i < count; i++) out.push(frameTo(station, mss + 40, Payload.TcpData, first + i, kernel.nowNs, owner))
        downlinkSent.set(station, (downlinkSent.get(station) ?? 0) + count)
        toAp(out)
        return count
      }
    }, (generation) => self!.tellUnsafe({ _tag: "TcpTimer", station, role: "sender", generation }), app)
    tcpSenders.set(station, flow)
    tcpSenderIds.set(station, id)
    flow.pump()
  }
  /** TCP frames the AP has finished with (sent or dropped), per station: the budget frees up. */
  const tcpCredits = new Map<number, number>()

  const countUplink = (vm: number, bytes: number): void => {
    if (kernel.nowNs < options.warmupEndNs || bytes === 0) return
    let c = uplink.get(vm)
    if (c === undefined) uplink.set(vm, (c = { frames: 0, bytes: 0, firstNs: kernel.nowNs, lastNs: kernel.nowNs }))
    c.frames++
    c.bytes += bytes
    c.lastNs = kernel.nowNs
  }

  const uplinkFrames = (frames: ReadonlyArray<Frame>): void => {
    const replies: Array<Frame> = []
    for (const f of frames) {
      ledger.deliver(f)
      if (f.payload === Payload.TcpData) {
        // Goodput is what TCP delivers in order, not what arrives.
        countUplink(f.owner, tcpReceiverFor(f.src, f.owner).segment(f.seq) * (f.payloadBytes - 40))
      } else if (f.payload === Payload.TcpAck) {
        tcpSenders.get(f.src)?.ack(f.seq)
      } else if (f.payload === Payload.Subscribe && f.info?.subscribe?.protocol === "tcp") {
        startTcpSender(f.src, f.info.subscribe.payloadBytes, f.info.subscribe.offeredMbps, f.owner)
      } else if (f.payload === Payload.EchoRequest) {
        replies.push(frameTo(f.src, f.payloadBytes, Payload.EchoReply, f.seq, f.createdNs, f.owner))
      } else if (f.payload === Payload.Subscribe && f.info?.subscribe !== undefined && !flows.has(f.src)) {
        const flow: Downlink = { id: ++flowIds, owner: f.owner, dst: f.src, ...f.info.subscribe, outstanding: 0, credit: 0, seq: 0 }
        flows.set(f.src, flow)
        if (flow.offeredMbps === "saturate") emit(flow, ENDPOINT_SATURATE_WINDOW)
        else self!.tellUnsafe({ _tag: "Pace", dst: f.src, flow: flow.id })
      } else if (f.payload === Payload.Udp) {
        countUplink(f.owner, f.payloadBytes)
      }
    }
    toAp(replies)
  }

  const ref = yield* ModelActor.make<EndpointMessage>(options.name, 1 << 14, (msg) => {
    switch (msg._tag) {
      case "Uplink":
        uplinkFrames(msg.frames)
        break
      case "Credit":
        for (const f of msg.frames) {
          if (f.src === options.mac && f.payload === Payload.TcpData) {
            tcpCredits.set(f.dst, (tcpCredits.get(f.dst) ?? 0) + 1)
            tcpSenders.get(f.dst)?.pump()
            continue
          }
          const flow = f.src === options.mac && f.payload === Payload.Udp ? flows.get(f.dst) : undefined
          if (flow === undefined) continue
          flow.outstanding--
          if (flow.offeredMbps === "saturate" && flow.outstanding < ENDPOINT_SATURATE_WINDOW / 2) emit(flow, ENDPOINT_SATURATE_WINDOW - flow.outstanding)
        }
        break
      case "TcpTimer":
        if (msg.role === "sender") tcpSenders.get(msg.station)?.timeout(msg.generation)
        else tcpReceivers.get(msg.station)?.timeout(msg.generation)
        break
      case "TcpWake":
        if (tcpSenderIds.get(msg.station) === msg.flow) tcpSenders.get(msg.station)?.wake()
        break
      case "Pace": {
        const flow = flows.get(msg.dst)
        if (flow === undefined || flow.id !== msg.flow || flow.offeredMbps === "saturate") break
        flow.credit += (flow.offeredMbps * 1e6 * PACE_PERIOD_NS) / 1e9 / (8 * flow.payloadBytes)
        const n = Math.floor(flow.credit)
        flow.credit -= n
        emit(flow, n)
        kernel.setTimer(kernel.nowNs + PACE_PERIOD_NS, () => self!.tellUnsafe({ _tag: "Pace", dst: msg.dst, flow: flow.id }))
        break
      }
      case "StationGone":
        flows.delete(msg.station)
        tcpSenders.delete(msg.station)
        tcpSenderIds.delete(msg.station)
        tcpReceivers.delete(msg.station)
        tcpCredits.delete(msg.station)
        downlinkSent.delete(msg.station)
        break
    }
  })
  self = ref
  return { ref, uplink, downlinkSent }
})
