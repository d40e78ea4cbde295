/**
 * A guest VM (or, in native mode, the host itself): its traffic applications, a minimal network
 * stack and the native WiFi driver. It reaches the card only through register writes (`port`), the
 * TX descriptor ring in its memory and the interrupts it receives, the same in every mode.
 *
 * Faults it rides out: its driver waits for every answer with a timeout (probe, init, scan, join);
 * a crash of its driver reloads the driver; a power-off ends everything it was doing (a boot starts
 * afresh). Every (re)connection starts its flows afresh, as the endpoint forgets a station that joins
 * again. Timers carry the epoch they were set in, so a timer from before a reset is ignored.
 *
 * Its work (stack, driver, ISR) runs on its own thread of the core: the VM's vCPU thread, or natively
 * the host application's thread. What it sends leaves when that work has run.
 */
import { after, at } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import { Data, Effect } from "effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Reply } from "../actor/Reply.ts"
import type { CpuCore, Job, ThreadId } from "../cpu/CpuCore.ts"
import type { CostName } from "../cpu/CostTable.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { SetRate } from "../vocabulary/CardCommand.ts"
import type { CardCommand, TxDescriptor } from "../vocabulary/CardCommand.ts"
import type { CardEvent, ScanResult } from "../vocabulary/CardEvent.ts"
import { Payload } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { GuestMemory } from "../vocabulary/GuestMemory.ts"
import { segmentsPerNs } from "../workload/PacedWriter.ts"
import { ACK_PACKET_BYTES, TcpReceiverFlow, TcpSenderFlow } from "../workload/TcpFlow.ts"
import { CONNECTION_IDLE_NS, PACE_PERIOD_NS, TX_RING_DESCRIPTORS, TX_RING_RESERVED } from "../vocabulary/ModelConstants.ts"
import * as GuestDriver from "./GuestDriver.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"

/** A register write as the card's side hears it: the command, and the guest's work up to it (to be submitted by the port). */
export interface RegisterWrite {
  readonly _tag: "Mmio"
  readonly command: unknown
  readonly work: Job
}

/** A traffic flow the VM runs once connected. */
export type Flow =
  | { readonly kind: "udp-tx"; readonly offeredMbps: number | "saturate"; readonly payloadBytes: number }
  | { readonly kind: "udp-rx"; readonly offeredMbps: number | "saturate"; readonly payloadBytes: number }
  | { readonly kind: "ping"; readonly intervalNs: number; readonly payloadBytes: number }
  | { readonly kind: "tcp-tx" | "tcp-rx"; readonly offeredMbps: number | "saturate"; readonly mssBytes: number }

export type GuestMessage = Data.TaggedEnum<{
  Boot: {}
  /** The VM is switched off (shutdown, or the first half of a reboot). */
  PowerOff: {}
  Irq: { readonly events: ReadonlyArray<CardEvent> }
  Retry: { readonly epoch: number }
  Timeout: { readonly attempt: number }
  TcpTimer: { readonly flow: number; readonly generation: number; readonly epoch: number }
  Pace: { readonly flow: number; readonly epoch: number }
  /** The connection monitor's timer (`GuestDriver.linkCheck`). */
  LinkCheck: { readonly epoch: number }
  /** The VM's network manager asks for a scan (results only refresh what it knows). */
  Scan: {}
  /** Move to another AP: leave the current one and join `ssid`. */
  Roam: { readonly ssid: string; readonly passphrase: string | undefined }
  RequestScan: { readonly reply: Reply<ReadonlyArray<ScanResult>> }
  WriteRaw: { readonly command: unknown; readonly descriptors?: ReadonlyArray<unknown> }
  SetRateIndex: { readonly rateIndex: number }
}>

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
  readonly pingRttNs: Array<number>
  pingsSent: number
  connectedAtNs: number | undefined
  /** Times it (re)joined after losing its connection, and when it last lost it (undefined: connected or never). */
  reconnects: number
  disconnectedAtNs: number | undefined
  /** Answers its driver waited for in vain (probe, init, scan, join). */
  timeouts: number
  /** When data last moved: a frame of its sent, or one received (undefined: never). The link probes do not count. */
  lastDataNs: number | undefined
  /** Null-data frames its connection monitor sent to an AP it had not heard from. */
  linkProbes: number
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
  /** The thread its work runs on: the VM's vCPU thread (the host application's thread, natively). */
  readonly thread: ThreadId
  /** The stack's per-packet cost: guest mode in a VM, the host's network stack in native mode. */
  readonly packetCost: CostName
  /** The stack's per-packet receive cost on this thread; undefined when the card's side charged it (natively: NET_RX softirq). */
  readonly rxPacketCost: CostName | undefined
  readonly ledger: FrameLedger
  /**
   * Where the driver's register writes go (a device model, or the card itself). A write carries the
   * guest's work that led to it (`work`, a job on `thread` not yet submitted); the port adds what the
   * write itself costs (a trap, a doorbell) and submits it, so the write's effects leave after both.
   */
  readonly port: Port<RegisterWrite>
  /** MAC of the wired endpoint behind the AP of `ssid` (the peer of every flow). */
  readonly endpointMacOf: (ssid: string) => number
  /** Received bytes count toward goodput from this time on. */
  readonly warmupEndNs: number
  readonly log: RecoveryLog
}

export interface GuestHandle {
  readonly ref: ModelActor.ModelRef<GuestMessage>
  readonly poweredOn: () => boolean
  readonly stats: GuestStats
  readonly driver: () => GuestDriver.GuestDriver
  /** The TCP senders' loss recovery so far: fast retransmits and timeouts. */
  readonly tcp: () => { readonly retransmits: number; readonly timeouts: number; readonly acked: number }
  /** Fired for each data frame its applications receive: (this VM, the VM the frame belongs to). */
  readonly traces: { readonly frameReceived: TraceSource<number, number> }
}


export const make = Effect.fnUntraced(function*(options: GuestOptions): Effect.fn.Return<GuestHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { cpu, memory } = options
  const traces = { frameReceived: new TraceSource<number, number>() }
  let config: GuestDriver.Config = { ssid: options.ssid, passphrase: options.passphrase, scanChannels: options.scanChannels }
  let endpointMac = options.endpointMacOf(options.ssid)
  const stats: GuestStats = {
    txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, rxBytesMeasured: 0, txDelivered: 0, txFailed: 0, ringFullDrops: 0,
    pingRttNs: [], pingsSent: 0, connectedAtNs: undefined, reconnects: 0, disconnectedAtNs: undefined, timeouts: 0,
    lastDataNs: undefined, linkProbes: 0
  }
  let driver = GuestDriver.initial
  let poweredOn = false
  /** Bumped whenever flows restart or the VM resets: older timers are void. */
  let epoch = 0
  let outstanding = 0
  /** When a unicast frame last came from the AP or one of ours was acknowledged (the connection monitor's clock). */
  let lastHeardNs = 0
  /** Link probes in the ring: their completions are not data. */
  let probesOutstanding = 0
  let seq = 0
  let nextAddress = 0
  const credit = options.flows.map(() => 0)
  const scanWaiters: Array<Reply<ReadonlyArray<ScanResult>>> = []
  let self: ModelActor.ModelRef<GuestMessage> | undefined

  /** The guest's work since its last register write: the next write carries it, or it ends the step. */
  let work: Job | undefined
  const charge = (name: CostName, times: number): void => {
    ;(work ??= cpu.job(options.thread)).op(name, times)
  }
  const flushWork = (): void => {
    if (work === undefined) return
    work.submit()
    work = undefined
  }
  /** A register write, carrying the work before it to the port. */
  const writeRegister = (command: unknown): void => {
    const before = work ?? cpu.job(options.thread)
    work = undefined
    options.port.tellUnsafe({ _tag: "Mmio", command, work: before })
  }

  const write = (commands: ReadonlyArray<unknown>): void => {
    for (const command of commands) {
      charge("guestCommand", 1)
      writeRegister(command)
    }
  }

  // The driver waits for at most one answer at a time; a new wait (or the end of one) voids the old timer.
  let waitAttempt = 0
  const apply = (step: GuestDriver.Step): void => {
    const was = driver.state
    driver = step.driver
    const waitNs = GuestDriver.waitFor(was, step)
    if (waitNs !== undefined) {
      const attempt = ++waitAttempt
      after(kernel, waitNs, self!, { _tag: "Timeout", attempt })
    } else if (driver.state !== was || step.retryAfterNs !== undefined) {
      waitAttempt++
    }
    write(step.commands as ReadonlyArray<CardCommand>)
    if (step.retryAfterNs !== undefined) {
      const e = epoch
      after(kernel, step.retryAfterNs, self!, { _tag: "Retry", epoch: e })
    }
    if (was !== "connected" && driver.state === "connected") connected()
    else if (was === "connected" && driver.state !== "connected") stats.disconnectedAtNs = kernel.nowNs
  }

  const connected = (): void => {
    if (stats.connectedAtNs === undefined) stats.connectedAtNs = kernel.nowNs
    if (stats.disconnectedAtNs !== undefined) {
      stats.reconnects++
      options.log.recovered("reconnect", options.name, stats.disconnectedAtNs, kernel.nowNs)
      stats.disconnectedAtNs = undefined
    }
    // A fresh start: the endpoint forgot this station when it joined again.
    epoch++
    makeTcpFlows()
    startFlows()
    lastHeardNs = kernel.nowNs
    watchLink(lastHeardNs + CONNECTION_IDLE_NS)
  }

  const watchLink = (atNs: number): void => {
    const e = epoch
    at(kernel, atNs, self!, { _tag: "LinkCheck", epoch: e })
  }

  const checkLink = (): void => {
    if (driver.state !== "connected") return
    const check = GuestDriver.linkCheck(lastHeardNs, kernel.nowNs)
    if (check.probe && send(1, 0, Payload.None) === 1) {
      probesOutstanding++
      stats.linkProbes++
    }
    watchLink(check.nextNs)
  }

  // Writes up to `count` packets of a flow into the TX ring, then rings the doorbell once.
  /** Writes packets into the ring; `firstSeq` numbers them (TCP segments), else the VM's own counter does. */
  const send = (count: number, payloadBytes: number, payload: Payload, subscribe?: TxDescriptor["subscribe"], firstSeq?: number): number => {
    const room = TX_RING_DESCRIPTORS - outstanding
    const n = Math.min(count, room)
    if (n <= 0 || driver.mac === undefined) return 0
    charge(options.packetCost, n)
    for (let i = 0; i < n; i++) {
      // Buffers cycle through the first 16 MiB of guest memory, 2 KiB apart.
      nextAddress = (nextAddress + 2048) % Math.min(memory.sizeBytes - 2048, 16 << 20)
      const frameSeq = firstSeq === undefined ? ++seq : firstSeq + i
      const d: TxDescriptor = { dmaAddress: nextAddress, length: payloadBytes, src: driver.mac, dst: endpointMac, payload, seq: frameSeq, createdNs: kernel.nowNs }
      memory.write(subscribe === undefined ? d : { ...d, subscribe })
    }
    outstanding += n
    stats.txFrames += n
    stats.txBytes += n * payloadBytes
    // A register write is just a value: the device model decodes it at the boundary, so the
    // driver writes it plain (constructing the Schema class would validate it twice per packet).
    writeRegister({ _tag: "TxDoorbell", vmac: 0, count: n })
    return n
  }


  const startFlows = (): void => {
    options.flows.forEach((flow, i) => {
      if (flow.kind === "udp-rx") send(1, 64, Payload.Subscribe, { protocol: "udp", offeredMbps: flow.offeredMbps, payloadBytes: flow.payloadBytes })
      else if (flow.kind === "tcp-rx") send(1, 64, Payload.Subscribe, { protocol: "tcp", offeredMbps: flow.offeredMbps, payloadBytes: flow.mssBytes })
      else if (flow.kind === "tcp-tx") tcpSenders.get(i)?.pump()
      else if (flow.kind === "udp-tx" && flow.offeredMbps === "saturate") fill()
      else self!.tellUnsafe({ _tag: "Pace", flow: i, epoch })
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
    if (flow.kind === "tcp-tx") {
      tcpSenders.get(index)?.wake()
      return
    }
    if (flow.kind === "ping") {
      if (send(1, flow.payloadBytes, Payload.EchoRequest) === 1) stats.pingsSent++
      const e = epoch
      after(kernel, flow.intervalNs, self!, { _tag: "Pace", flow: index, epoch: e })
      return
    }
    if (flow.kind === "udp-tx" && flow.offeredMbps !== "saturate") {
      credit[index]! += (flow.offeredMbps * 1e6 * PACE_PERIOD_NS) / 1e9 / (8 * flow.payloadBytes)
      const want = Math.floor(credit[index]!)
      credit[index]! -= want
      const sent = send(want, flow.payloadBytes, Payload.Udp)
      stats.ringFullDrops += want - sent
      const e = epoch
      after(kernel, PACE_PERIOD_NS, self!, { _tag: "Pace", flow: index, epoch: e })
    }
  }

  const receive = (e: Extract<CardEvent, { _tag: "Rx" }>): void => {
    const measuring = kernel.nowNs >= options.warmupEndNs
    for (const f of e.frames) {
      traces.frameReceived.fire(options.vm, f.owner)
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
    if (options.rxPacketCost !== undefined && e.frames.length > 0) charge(options.rxPacketCost, e.frames.length)
    if (e.frames.length > 0) stats.lastDataNs = lastHeardNs = kernel.nowNs
  }

  const interrupt = (events: ReadonlyArray<CardEvent>): void => {
    charge("guestIrq", 1)
    for (const e of events) {
      if (e._tag === "TxDone") {
        outstanding -= e.delivered + e.failed
        stats.txDelivered += e.delivered
        stats.txFailed += e.failed
        // Completions come in ring order; a probe's is taken as a failure first (no data moved either way).
        const probes = Math.min(probesOutstanding, e.delivered + e.failed)
        probesOutstanding -= probes
        if (e.delivered > 0) {
          lastHeardNs = kernel.nowNs
          if (e.delivered > Math.max(0, probes - e.failed)) stats.lastDataNs = kernel.nowNs
        }
        continue
      }
      if (e._tag === "Rx") {
        receive(e)
        continue
      }
      if (e._tag === "Rejected" && e.command === "TxDoorbell") continue
      if (e._tag === "ScanDone") for (const w of scanWaiters.splice(0)) w.succeed(e.results)
      apply(GuestDriver.onEvent(driver, e, config))
    }
    if (outstanding < 0) outstanding = 0
    if (driver.state === "connected") {
      fill()
      for (const sender of tcpSenders.values()) sender.pump()
    }
  }

  // TCP flows: senders for tcp-tx (by flow index), at most one receiver for tcp-rx; new ones on every connection.
  const tcpSenders = new Map<number, TcpSenderFlow>()
  let tcpReceiver: { readonly flow: TcpReceiverFlow; readonly mss: number } | undefined
  const makeTcpFlows = (): void => {
    const e = epoch
    tcpSenders.clear()
    tcpReceiver = undefined
    options.flows.forEach((flow, i) => {
      if (flow.kind === "tcp-tx") {
        const app = flow.offeredMbps === "saturate" ? undefined : {
          segmentsPerNs: segmentsPerNs(flow.offeredMbps, flow.mssBytes),
          wake: () => void self!.tellUnsafe({ _tag: "Pace", flow: i, epoch: e })
        }
        tcpSenders.set(i, new TcpSenderFlow(kernel, {
          room: () => (driver.state === "connected" ? TX_RING_DESCRIPTORS - TX_RING_RESERVED - outstanding : 0),
          emitSegments: (first, count) => send(count, flow.mssBytes + 40, Payload.TcpData, undefined, first)
        }, (generation) => self!.tellUnsafe({ _tag: "TcpTimer", flow: i, generation, epoch: e }), app))
      } else if (flow.kind === "tcp-rx" && tcpReceiver === undefined) {
        tcpReceiver = {
          mss: flow.mssBytes,
          flow: new TcpReceiverFlow(kernel, (ackNo) => void send(1, ACK_PACKET_BYTES, Payload.TcpAck, undefined, ackNo), (generation) =>
            self!.tellUnsafe({ _tag: "TcpTimer", flow: i, generation, epoch: e }))
        }
      }
    })
  }
  makeTcpFlows()

  /** Everything the VM was doing ends (its memory and ring with it); a boot starts afresh. */
  const powerOff = (): void => {
    poweredOn = false
    epoch++
    waitAttempt++
    if (driver.state === "connected") stats.disconnectedAtNs = kernel.nowNs
    driver = GuestDriver.initial
    outstanding = 0
    probesOutstanding = 0
    memory.clear()
    for (const w of scanWaiters.splice(0)) w.fail(undefined as never)
  }

  /** The guest's driver module crashed: the kernel reloads it (probe, init, join); the applications stay. */
  let crashedAtNs = 0
  const reloadDriver = (): void => {
    if (!poweredOn) return
    if (driver.state === "connected") stats.disconnectedAtNs = crashedAtNs
    driver = GuestDriver.initial
    outstanding = 0
    probesOutstanding = 0
    memory.clear()
    waitAttempt++
    options.log.recovered("guest-driver-restart", options.name, crashedAtNs, kernel.nowNs)
    apply(GuestDriver.boot(driver))
  }

  const step = (msg: GuestMessage): void => {
    if (!poweredOn && msg._tag !== "Boot") {
      // A VM that is off hears nothing; what reached it is gone with it.
      if (msg._tag === "Irq") for (const e of msg.events) if (e._tag === "Rx") for (const f of e.frames) options.ledger.drop(f, "vm-off")
      if (msg._tag === "RequestScan") msg.reply.fail(undefined as never)
      return
    }
    switch (msg._tag) {
      case "Boot":
        if (poweredOn) break
        poweredOn = true
        // Time off does not count as an outage: a reconnection after a boot is timed from the boot.
        if (stats.disconnectedAtNs !== undefined) stats.disconnectedAtNs = kernel.nowNs
        apply(GuestDriver.boot(driver))
        break
      case "PowerOff":
        powerOff()
        break
      case "Irq":
        interrupt(msg.events)
        break
      case "Retry":
        if (msg.epoch === epoch) apply(GuestDriver.rescan(driver, config))
        break
      case "TcpTimer":
        if (msg.epoch !== epoch) break
        if (tcpSenders.has(msg.flow)) tcpSenders.get(msg.flow)!.timeout(msg.generation)
        else tcpReceiver?.flow.timeout(msg.generation)
        break
      case "Timeout":
        if (msg.attempt !== waitAttempt) break
        stats.timeouts++
        apply(GuestDriver.timedOut(driver, config))
        break
      case "Pace":
        if (msg.epoch === epoch) pace(msg.flow)
        break
      case "LinkCheck":
        if (msg.epoch === epoch) checkLink()
        break
      case "Roam":
        config = { ...config, ssid: msg.ssid, passphrase: msg.passphrase }
        endpointMac = options.endpointMacOf(msg.ssid)
        apply(GuestDriver.roam(driver, config))
        break
      case "Scan":
        write([GuestDriver.scanCommand(config)])
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
  }

  const ref = yield* ModelActor.make<GuestMessage>(options.name, 4096, (msg) => {
    step(msg)
    flushWork()
  }, {
    crashed: (atNs) => {
      crashedAtNs = atNs
    },
    recover: () => {
      work = undefined
      reloadDriver()
    }
  })
  self = ref
  return {
    ref,
    stats,
    traces,
    poweredOn: () => poweredOn,
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
