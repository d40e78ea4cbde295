/**
 * A guest VM (or, in native mode, the host itself): its traffic applications, a minimal network
 * stack and the native WiFi driver. It reaches the card only through register writes (`port`), the
 * TX descriptor ring in its memory and the interrupts it receives, the same in every mode.
 */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import type * as Actor from "../actor/Actor.ts"
import * as ModelActor from "../model/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Reply } from "../actor/Reply.ts"
import type { CpuCore } from "../cpu/CpuCore.ts"
import type { CostName } from "../cpu/CostTable.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { SetRate } from "../model/CardCommand.ts"
import type { CardCommand, TxDescriptor } from "../model/CardCommand.ts"
import type { CardEvent, ScanResult } from "../model/CardEvent.ts"
import { deliverAt } from "../model/Deliver.ts"
import { Payload } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import type { GuestMemory } from "../model/GuestMemory.ts"
import { ACK_PACKET_BYTES, TcpReceiverFlow, TcpSenderFlow } from "../workload/TcpFlow.ts"
import { PACE_PERIOD_NS, TX_RING_DESCRIPTORS, TX_RING_RESERVED } from "../model/ModelConstants.ts"
import * as GuestDriver from "./GuestDriver.ts"

/** A traffic flow the VM runs once connected. */
export type Flow =
  | { readonly kind: "udp-tx"; readonly offeredMbps: number | "saturate"; readonly payloadBytes: number }
  | { readonly kind: "udp-rx"; readonly offeredMbps: number | "saturate"; readonly payloadBytes: number }
  | { readonly kind: "ping"; readonly intervalNs: number; readonly payloadBytes: number }
  | { readonly kind: "tcp-tx" | "tcp-rx"; readonly mssBytes: number }

export type GuestMessage =
  | { readonly _tag: "Boot" }
  | { readonly _tag: "Irq"; readonly events: ReadonlyArray<CardEvent> }
  | { readonly _tag: "Retry" }
  | { readonly _tag: "JoinTimeout"; readonly attempt: number }
  | { readonly _tag: "TcpTimer"; readonly flow: number; readonly generation: number }
  | { readonly _tag: "Pace"; readonly flow: number }
  | { readonly _tag: "RequestScan"; readonly reply: Reply<ReadonlyArray<ScanResult>> }
  | { readonly _tag: "WriteRaw"; readonly command: unknown; readonly descriptors?: ReadonlyArray<unknown> }
  | { readonly _tag: "SetRateIndex"; readonly rateIndex: number }

export interface GuestStats {
  txFrames: number
  txBytes: number
  rxFrames: number
  rxBytes: number
  /** Received payload bytes after the warm-up (for goodput). */
  rxBytesMeasured: number
  txDelivered: number
  txFailed: number
  ringFullDrops: number
  isolationViolations: number
  readonly pingRttNs: Array<number>
  pingsSent: number
  connectedAtNs: number | undefined
}

export interface GuestOptions {
  readonly vm: number
  readonly name: string
  readonly ssid: string
  readonly passphrase: string | undefined
  readonly scanChannels: ReadonlyArray<number>
  readonly flows: ReadonlyArray<Flow>
  readonly memory: GuestMemory
  readonly cpu: CpuCore
  /** The stack's per-packet cost: guest mode in a VM, the host's network stack in native mode. */
  readonly packetCost: CostName
  readonly ledger: FrameLedger
  /** Where the driver's register writes go (a device model, or the card itself). */
  readonly port: { readonly tellUnsafe: (m: { readonly _tag: "Mmio"; readonly command: unknown }) => boolean }
  /** MAC of the wired endpoint behind the AP (the peer of every flow). */
  readonly endpointMac: number
  /** Received bytes count toward goodput from this time on. */
  readonly warmupEndNs: number
}

export interface GuestHandle {
  readonly ref: Actor.ActorRef<GuestMessage>
  readonly stats: GuestStats
  readonly driver: () => GuestDriver.GuestDriver
  /** The TCP senders' loss recovery so far: fast retransmits and timeouts. */
  readonly tcp: () => { readonly retransmits: number; readonly timeouts: number; readonly acked: number }
}


export const make = Effect.fnUntraced(function*(options: GuestOptions): Effect.fn.Return<GuestHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { cpu, memory } = options
  const config: GuestDriver.Config = { ssid: options.ssid, passphrase: options.passphrase, scanChannels: options.scanChannels }
  const stats: GuestStats = {
    txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, rxBytesMeasured: 0, txDelivered: 0, txFailed: 0, ringFullDrops: 0,
    isolationViolations: 0, pingRttNs: [], pingsSent: 0, connectedAtNs: undefined
  }
  let driver = GuestDriver.initial
  let outstanding = 0
  let seq = 0
  let nextAddress = 0
  const credit = options.flows.map(() => 0)
  const scanWaiters: Array<Reply<ReadonlyArray<ScanResult>>> = []
  let self: Actor.ActorRef<GuestMessage> | undefined

  const write = (commands: ReadonlyArray<unknown>): void => {
    if (commands.length === 0) return
    const doneAt = cpu.charge("guestCommand", commands.length)
    for (const command of commands) deliverAt(kernel, doneAt, options.port, { _tag: "Mmio", command })
  }

  let joinAttempt = 0
  const apply = (step: GuestDriver.Step): void => {
    const was = driver.state
    driver = step.driver
    if (driver.state !== was && (driver.state === "authenticating" || driver.state === "associating")) {
      const attempt = ++joinAttempt
      kernel.setTimer(kernel.nowNs + GuestDriver.JOIN_TIMEOUT_NS, () => self!.tellUnsafe({ _tag: "JoinTimeout", attempt }))
    }
    write(step.commands as ReadonlyArray<CardCommand>)
    if (step.retryAfterNs !== undefined) kernel.setTimer(kernel.nowNs + step.retryAfterNs, () => self!.tellUnsafe({ _tag: "Retry" }))
    if (was !== "connected" && driver.state === "connected") startFlows()
  }

  // Writes up to `count` packets of a flow into the TX ring, then rings the doorbell once.
  /** Writes packets into the ring; `firstSeq` numbers them (TCP segments), else the VM's own counter does. */
  const send = (count: number, payloadBytes: number, payload: Payload, subscribe?: TxDescriptor["subscribe"], firstSeq?: number): number => {
    const room = TX_RING_DESCRIPTORS - outstanding
    const n = Math.min(count, room)
    if (n <= 0 || driver.mac === undefined) return 0
    const doneAt = cpu.charge(options.packetCost, n)
    for (let i = 0; i < n; i++) {
      // Buffers cycle through the first 16 MiB of guest memory, 2 KiB apart.
      nextAddress = (nextAddress + 2048) % Math.min(memory.sizeBytes - 2048, 16 << 20)
      const frameSeq = firstSeq === undefined ? ++seq : firstSeq + i
      const d: TxDescriptor = { dmaAddress: nextAddress, length: payloadBytes, src: driver.mac, dst: options.endpointMac, payload, seq: frameSeq, createdNs: kernel.nowNs }
      memory.write(subscribe === undefined ? d : { ...d, subscribe })
    }
    outstanding += n
    stats.txFrames += n
    stats.txBytes += n * payloadBytes
    // A register write is just a value: the device model decodes it at the boundary, so the
    // driver writes it plain (constructing the Schema class would validate it twice per packet).
    deliverAt(kernel, doneAt, options.port, { _tag: "Mmio", command: { _tag: "TxDoorbell", vmac: 0, count: n } })
    return n
  }


  const startFlows = (): void => {
    options.flows.forEach((flow, i) => {
      if (flow.kind === "udp-rx") send(1, 64, Payload.Subscribe, { protocol: "udp", offeredMbps: flow.offeredMbps, payloadBytes: flow.payloadBytes })
      else if (flow.kind === "tcp-rx") send(1, 64, Payload.Subscribe, { protocol: "tcp", offeredMbps: "saturate", payloadBytes: flow.mssBytes })
      else if (flow.kind === "tcp-tx") tcpSenders.get(i)?.pump()
      else if (flow.kind === "udp-tx" && flow.offeredMbps === "saturate") fill()
      else self!.tellUnsafe({ _tag: "Pace", flow: i })
    })
  }

  const fill = (): void => {
    for (const flow of options.flows) {
      if (flow.kind === "udp-tx" && flow.offeredMbps === "saturate") {
        send(TX_RING_DESCRIPTORS - TX_RING_RESERVED - outstanding, flow.payloadBytes, Payload.Udp)
      }
    }
  }

  const pace = (index: number): void => {
    const flow = options.flows[index]
    if (flow === undefined || driver.state !== "connected") return
    if (flow.kind === "ping") {
      if (send(1, flow.payloadBytes, Payload.EchoRequest) === 1) stats.pingsSent++
      kernel.setTimer(kernel.nowNs + flow.intervalNs, () => self!.tellUnsafe({ _tag: "Pace", flow: index }))
      return
    }
    if (flow.kind === "udp-tx" && flow.offeredMbps !== "saturate") {
      credit[index]! += (flow.offeredMbps * 1e6 * PACE_PERIOD_NS) / 1e9 / (8 * flow.payloadBytes)
      const want = Math.floor(credit[index]!)
      credit[index]! -= want
      const sent = send(want, flow.payloadBytes, Payload.Udp)
      stats.ringFullDrops += want - sent
      kernel.setTimer(kernel.nowNs + PACE_PERIOD_NS, () => self!.tellUnsafe({ _tag: "Pace", flow: index }))
    }
  }

  const receive = (e: Extract<CardEvent, { _tag: "Rx" }>): void => {
    const measuring = kernel.nowNs >= options.warmupEndNs
    for (const f of e.frames) {
      if (f.dst !== driver.mac) stats.isolationViolations++
      options.ledger.deliver(f)
      stats.rxFrames++
      stats.rxBytes += f.payloadBytes
      if (f.payload === Payload.Udp) {
        if (measuring) stats.rxBytesMeasured += f.payloadBytes
      } else if (f.payload === Payload.TcpData && tcpReceiver !== undefined) {
        // Goodput is what TCP hands the application in order, not what arrived.
        const segments = tcpReceiver.flow.segment(f.seq)
        if (measuring) stats.rxBytesMeasured += segments * tcpReceiver.mss
      } else if (f.payload === Payload.TcpAck) {
        for (const sender of tcpSenders.values()) sender.ack(f.seq)
      } else if (f.payload === Payload.EchoReply) {
        stats.pingRttNs.push(kernel.nowNs - f.createdNs)
      }
    }
    cpu.charge(options.packetCost, e.frames.length)
  }

  const interrupt = (events: ReadonlyArray<CardEvent>): void => {
    cpu.charge("guestIrq")
    for (const e of events) {
      if (e._tag === "TxDone") {
        outstanding -= e.delivered + e.failed
        stats.txDelivered += e.delivered
        stats.txFailed += e.failed
        continue
      }
      if (e._tag === "Rx") {
        receive(e)
        continue
      }
      if (e._tag === "Rejected" && e.command === "TxDoorbell") continue
      if (e._tag === "ScanDone") for (const w of scanWaiters.splice(0)) w.succeed(e.results)
      apply(GuestDriver.onEvent(driver, e, config))
      if (driver.state === "connected" && stats.connectedAtNs === undefined) stats.connectedAtNs = kernel.nowNs
    }
    if (outstanding < 0) outstanding = 0
    if (driver.state === "connected") {
      fill()
      for (const sender of tcpSenders.values()) sender.pump()
    }
  }

  // TCP flows: senders for tcp-tx (by flow index), at most one receiver for tcp-rx.
  const tcpSenders = new Map<number, TcpSenderFlow>()
  let tcpReceiver: { readonly flow: TcpReceiverFlow; readonly mss: number } | undefined
  options.flows.forEach((flow, i) => {
    if (flow.kind === "tcp-tx") {
      tcpSenders.set(i, new TcpSenderFlow(kernel, {
        room: () => (driver.state === "connected" ? TX_RING_DESCRIPTORS - TX_RING_RESERVED - outstanding : 0),
        emitSegments: (first, count) => send(count, flow.mssBytes + 40, Payload.TcpData, undefined, first)
      }, (generation) => self!.tellUnsafe({ _tag: "TcpTimer", flow: i, generation })))
    } else if (flow.kind === "tcp-rx" && tcpReceiver === undefined) {
      tcpReceiver = {
        mss: flow.mssBytes,
        flow: new TcpReceiverFlow(kernel, (ackNo) => void send(1, ACK_PACKET_BYTES, Payload.TcpAck, undefined, ackNo), (generation) =>
          self!.tellUnsafe({ _tag: "TcpTimer", flow: i, generation }))
      }
    }
  })

  const ref = yield* ModelActor.make<GuestMessage>(options.name, 4096, (msg) => {
    switch (msg._tag) {
      case "Boot":
        apply(GuestDriver.boot(driver))
        break
      case "Irq":
        interrupt(msg.events)
        break
      case "Retry":
        apply(GuestDriver.rescan(driver, config))
        break
      case "TcpTimer":
        if (tcpSenders.has(msg.flow)) tcpSenders.get(msg.flow)!.timeout(msg.generation)
        else tcpReceiver?.flow.timeout(msg.generation)
        break
      case "JoinTimeout":
        if (msg.attempt === joinAttempt) apply(GuestDriver.joinTimedOut(driver))
        break
      case "Pace":
        pace(msg.flow)
        break
      case "RequestScan":
        scanWaiters.push(msg.reply)
        write([GuestDriver.scanCommand(config)])
        break
      case "WriteRaw":
        // A hostile or buggy driver: whatever it writes goes to the card as is.
        for (const d of msg.descriptors ?? []) memory.write(d as never)
        write([msg.command])
        break
      case "SetRateIndex":
        write([new SetRate({ vmac: 0, rateIndex: msg.rateIndex })])
        break
    }
  })
  self = ref
  return {
    ref,
    stats,
    driver: () => driver,
    tcp: () => {
      let retransmits = 0
      let timeouts = 0
      let acked = 0
      for (const s of tcpSenders.values()) {
        retransmits += s.state.retransmits
        timeouts += s.state.timeouts
        acked += s.state.sndUna
      }
      return { retransmits, timeouts, acked }
    }
  }
})
