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
 *
 * Its state (`GuestState.ts`) is held by the actor runtime. This file is the actor: its messages,
 * what reaches a VM that is off, the interrupt handler, and which side each message is for. The
 * decisions are the driver side's (`GuestDriverRunner.ts`, carrying out the pure `GuestDriver.ts`)
 * and the traffic side's (`GuestTraffic.ts`: applications, TX ring, completions, receive); its work
 * on the core and its register writes are `GuestWork.ts`. A crash of the actor is a crash of the
 * guest's driver module: `recover` reloads the driver on the state held when it crashed (the
 * driver's part reset, `GuestState.forgetDriver`); the applications, their flows and the VM's
 * counters stay.
 */
import { forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import { TraceSource } from "../actor/TraceSource.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { Reply } from "../actor/Reply.ts"
import type { CpuCore, Job, ThreadId } from "../cpu/CpuCore.ts"
import type { CostName } from "../cpu/CostTable.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import { MAX_STORM_COMMANDS } from "../scenario/FaultSchedule.ts"
import type { CardEvent, ScanResult } from "../vocabulary/CardEvent.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { GuestMemory } from "../vocabulary/GuestMemory.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import type { RoamingPolicy } from "./Roaming.ts"
import type { LocationService } from "../location/LocationService.ts"
import * as GuestDriver from "./GuestDriver.ts"
import { GuestDriverRunner } from "./GuestDriverRunner.ts"
import { GuestRates } from "./GuestRates.ts"
import type { RateOptions } from "./GuestRates.ts"
import { initialGuestState } from "./GuestState.ts"
import type { GuestState } from "./GuestState.ts"
import { GuestTraffic, tcpTotals } from "./GuestTraffic.ts"
import { GuestWork } from "./GuestWork.ts"

/**
 * Messages a guest's mailbox holds (a modelling choice, not a hardware figure): it held at most 4 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 4096

/**
 * A raw write whose end has not been heard of after this long is taken as lost (its device model
 * crashed with it in its mailbox), and the guest writes again: a modelling choice, far above a
 * trap's microseconds on a busy core, short beside a hostile spell's seconds.
 */
const RAW_WRITE_LOST_NS = 100_000_000

/**
 * Raw writes a guest's program may be behind by: the longest loop of writes a fault makes at once (a
 * command storm's, `MAX_STORM_COMMANDS`), each made once the one before it has been handled. A
 * program further behind (a hostile guest's rate beyond its share of the core) skips writes.
 */
export const RAW_WRITES_WAITING = MAX_STORM_COMMANDS

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
  /** The location service: asks for a scan every `intervalNs` and estimates the position from each scan's results. */
  | { readonly kind: "locate"; readonly intervalNs: number }

export type GuestMessage = Data.TaggedEnum<{
  Boot: {}
  /** The VM is switched off (shutdown, or the first half of a reboot). */
  PowerOff: {}
  Irq: { readonly events: ReadonlyArray<CardEvent> }
  Retry: { readonly epoch: number }
  Timeout: { readonly attempt: number }
  TcpTimer: { readonly flow: number; readonly generation: number; readonly epoch: number }
  Pace: { readonly flow: number; readonly epoch: number }
  /** A downlink flow's Subscribe went `attempt + 1` times and its flow has not started: send it again (`workload/Subscription.ts`). */
  Resubscribe: { readonly flow: number; readonly epoch: number; readonly attempt: number }
  /** The connection monitor's timer (`GuestDriver.linkCheck`). */
  LinkCheck: { readonly epoch: number }
  /** The supplicant's background-scan timer (`Roaming.ts`); `token` voids a timer re-armed since. */
  BackgroundScan: { readonly epoch: number; readonly token: number }
  /** The VM's network manager asks for a scan (results only refresh what it knows). */
  Scan: {}
  /** Move to another AP: leave the current one and join `ssid`. */
  Roam: { readonly ssid: string; readonly passphrase: string | undefined }
  RequestScan: { readonly reply: Reply<ReadonlyArray<ScanResult>> }
  WriteRaw: { readonly command: unknown; readonly descriptors?: ReadonlyArray<unknown> }
  /** A `WriteRaw`'s work has run: its vCPU is out of the exit. */
  RawWriteDone: {}
  /** A ping's echo reply, sent at `sentNs`, has reached its application: the guest's interrupt, stack and recv() have run. */
  PingReplied: { readonly sentNs: number }
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
  /** Subscribe packets sent again because the downlink flow had not started (`workload/Subscription.ts`). */
  resubscribes: number
  /** Its frames' MPDU attempts and MPDUs acknowledged by rate index, as the card reported them. */
  readonly attemptsByRate: Array<number>
  readonly framesByRate: Array<number>
  /** Rate commands its rate control wrote. */
  rateCommands: number
  /** Its associations, in order (the first `ASSOCIATIONS_KEPT`), and how many there were. */
  readonly associations: Array<AssociationRecord>
  associationCount: number
  roams: number
  /** Background scans its supplicant asked for while connected. */
  backgroundScans: number
}

/** How many association records a VM keeps (a long run with roaming counts the rest). */
export const ASSOCIATIONS_KEPT = 1000

/** One association of a VM: when it completed, with which AP, why, and how long the join took. */
export interface AssociationRecord {
  readonly atNs: number
  readonly bssid: number
  /** "join": the first, or after the VM was switched on; "rejoin": after losing its AP; "roam": a move to a stronger AP. */
  readonly via: "join" | "rejoin" | "roam"
  /** From the decision to join (boot, the loss of the AP, the roaming decision) to the association, in ns. */
  readonly tookNs: number
}

/** The operations a socket call is charged as: one `call` per packet, one `byte` per byte copied. */
export interface SocketCosts {
  readonly call: CostName
  readonly byte: CostName
}

/** A guest application's socket calls, in guest mode (the host's `syscall` + `copyPacket`, and `copyByte`, as the calibration derives them). */
export const GUEST_SOCKET_COSTS: SocketCosts = { call: "guestSocketCall", byte: "guestCopyByte" }

export interface GuestOptions {
  readonly vm: number
  readonly name: string
  readonly ssid: string
  readonly passphrase: string | undefined
  readonly scanChannels: ReadonlyArray<number>
  /** Background scanning and roaming within its ESS; undefined: none. */
  readonly roaming: RoamingPolicy | undefined
  /** Power save its driver asks of the card on every association (undefined: off). */
  readonly powerSave?: GuestDriver.PowerSaveSetting | undefined
  readonly flows: ReadonlyArray<Flow>
  readonly memory: GuestMemory
  readonly cpu: CpuCore
  /** The thread its work runs on: the VM's vCPU thread (the host application's thread, natively). */
  readonly thread: ThreadId
  /** The stack's per-packet cost: guest mode in a VM, the host's network stack in native mode. */
  readonly packetCost: CostName
  /** The stack's per-packet receive cost on this thread; undefined when the card's side charged it (natively: NET_RX softirq). */
  readonly rxPacketCost: CostName | undefined
  /**
   * What an application's socket call costs on this thread, per call and per byte it copies (its
   * send() or recv() of one packet, `socketCopyBytes`); undefined when the card's side charges it
   * (natively: the host's send path and receive path count the application's calls, DirectPort.ts).
   */
  readonly socketCosts: SocketCosts | undefined
  /**
   * What its interrupt handler costs on this thread: the guest's ISR, and its read of the card's
   * register when the card is assigned to it (in a Virtual WiFi VM the read traps, and the device
   * model counts the exit); nothing natively, where the card's side ran the host's handler.
   */
  readonly irqCosts: ReadonlyArray<CostName>
  /** Its driver's cost per control command: guest mode in a VM, the host driver's natively. */
  readonly commandCost: CostName
  readonly ledger: FrameLedger
  /**
   * Where the driver's register writes go (a device model, or the card itself). A write carries the
   * guest's work that led to it (`work`, a job on `thread` not yet submitted); the port adds what the
   * write itself costs (a trap, a doorbell) and submits it, so the write's effects leave after both.
   */
  readonly port: Port<RegisterWrite>
  /** MAC of the wired endpoint behind the AP `bssid` (the peer of every flow while the VM is with that AP). */
  readonly endpointMacOf: (bssid: number) => number
  /** Received bytes count toward goodput from this time on. */
  readonly warmupEndNs: number
  readonly log: RecoveryLog
  /** Its location service, when one of its flows is "locate": every scan's results reach it. */
  readonly locator?: LocationService | undefined
  /** Its driver's rate control (`card.rateControl`), on the card's PHY. Default: a fixed rate. */
  readonly rates?: RateOptions | undefined
}

const FIXED_RATE: RateOptions = {
  rateControl: "fixed",
  phy: { standard: "802.11g", rateMbps: 54 },
  rateRandom: () => {
    throw new Error("a fixed rate draws nothing")
  }
}

export interface GuestHandle {
  readonly ref: ModelActor.ModelRef<GuestMessage>
  readonly poweredOn: () => boolean
  readonly stats: GuestStats
  readonly driver: () => GuestDriver.GuestDriver
  /** The TCP senders' loss recovery so far: retransmissions in fast recovery (a partial ACK's included) and timeouts. */
  readonly tcp: () => { readonly retransmits: number; readonly timeouts: number; readonly acked: number }
  /** The retry chain its rate control last wrote (undefined: none this association). */
  readonly rateChain: () => ReadonlyArray<ChainEntry> | undefined
  /** Fired for each data frame its applications receive: (this VM, the VM the frame belongs to). */
  readonly traces: { readonly frameReceived: TraceSource<number, number> }
}


export const make = Effect.fnUntraced(function*(options: GuestOptions): Effect.fn.Return<GuestHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const traces = { frameReceived: new TraceSource<number, number>() }
  const stats: GuestStats = {
    txFrames: 0, txBytes: 0, rxFrames: 0, rxBytes: 0, rxBytesMeasured: 0, txDelivered: 0, txFailed: 0, ringFullDrops: 0,
    pingRttNs: [], pingsSent: 0, connectedAtNs: undefined, reconnects: 0, disconnectedAtNs: undefined, timeouts: 0,
    lastDataNs: undefined, linkProbes: 0, resubscribes: 0, associations: [], associationCount: 0, roams: 0, backgroundScans: 0, attemptsByRate: [], framesByRate: [], rateCommands: 0
  }
  const self = forward<GuestMessage>()
  const work = new GuestWork(options)
  const traffic = new GuestTraffic(kernel, options, stats, traces, work, self)
  const rates = new GuestRates(kernel, options.rates ?? FIXED_RATE, stats, work)
  const logic = new GuestLogic(options, work, traffic, new GuestDriverRunner(kernel, options, stats, work, traffic, self, rates), rates, kernel, self)
  /** The state the runtime holds (one object for the actor's life), for the handle's accessors. */
  let current: GuestState | undefined
  let crashedAtNs = 0
  const ref = yield* ModelActor.makeStateful<GuestMessage, GuestState>({
    name: options.name,
    capacity: MAILBOX_MESSAGES,
    initial: () => (current = logic.initial()),
    handle: (s, msg) => logic.handle(s, msg),
    crashed: (atNs) => {
      crashedAtNs = atNs
    },
    recover: (crashed) => (current = logic.recover(crashed, crashedAtNs))
  })
  self.set(ref)
  return {
    ref,
    stats,
    traces,
    poweredOn: () => current?.poweredOn ?? false,
    driver: () => current?.driver ?? GuestDriver.initial,
    tcp: () => tcpTotals(current?.tcpSenders.values() ?? []),
    rateChain: () => current?.rateChainSent
  }
})

/** The guest's handling of one message: what reaches a VM that is off, its interrupt handler, and which side each message is for. */
class GuestLogic {
  private readonly o: GuestOptions
  private readonly work: GuestWork
  private readonly traffic: GuestTraffic
  private readonly driver: GuestDriverRunner
  private readonly rates: GuestRates
  private readonly kernel: Kernel
  private readonly self: Port<GuestMessage>

  constructor(o: GuestOptions, work: GuestWork, traffic: GuestTraffic, driver: GuestDriverRunner, rates: GuestRates, kernel: Kernel, self: Port<GuestMessage>) {
    this.kernel = kernel
    this.self = self
    this.rates = rates
    this.o = o
    this.work = work
    this.traffic = traffic
    this.driver = driver
  }

  /** A VM never switched on, with the TCP flows of its first connection's epoch. */
  initial(): GuestState {
    const s = initialGuestState(
      { ssid: this.o.ssid, passphrase: this.o.passphrase, scanChannels: this.o.scanChannels, roaming: this.o.roaming, powerSave: this.o.powerSave },
      0, // no peer until it joins an AP
      this.o.flows.length
    )
    this.traffic.makeTcpFlows(s)
    return s
  }

  handle(s: GuestState, msg: GuestMessage): GuestState {
    this.step(s, msg)
    this.work.flush(s)
    return s
  }

  /** The guest's driver module crashed: it reloads, on the same state (the applications' TCP flows are bound to it). */
  recover(s: GuestState, crashedAtNs: number): GuestState {
    s.work = undefined
    this.driver.reload(s, crashedAtNs)
    return s
  }

  private step(s: GuestState, msg: GuestMessage): void {
    if (!s.poweredOn && msg._tag !== "Boot") {
      // A VM that is off hears nothing; what reached it is gone with it.
      if (msg._tag === "Irq") for (const e of msg.events) if (e._tag === "Rx") for (const f of e.frames) this.o.ledger.drop(f, "vm-off")
      if (msg._tag === "RequestScan") msg.reply.fail(undefined as never)
      return
    }
    switch (msg._tag) {
      case "Boot":
        return this.driver.boot(s)
      case "PowerOff":
        return this.driver.powerOff(s)
      case "Irq":
        return this.interrupt(s, msg.events)
      case "Retry":
        if (msg.epoch === s.epoch) this.driver.retry(s)
        return
      case "TcpTimer":
        if (msg.epoch === s.epoch) this.traffic.tcpTimer(s, msg.flow, msg.generation)
        return
      case "Timeout":
        if (msg.attempt === s.waitAttempt) this.driver.timedOut(s)
        return
      case "Pace":
        if (msg.epoch === s.epoch) this.traffic.pace(s, msg.flow)
        return
      case "Resubscribe":
        if (msg.epoch === s.epoch) this.traffic.subscribe(s, msg.flow, msg.attempt + 1)
        return
      case "LinkCheck":
        if (msg.epoch === s.epoch) this.driver.checkLink(s)
        return
      case "BackgroundScan":
        if (msg.epoch === s.epoch && msg.token === s.backgroundScanToken) this.driver.backgroundScan(s)
        return
      case "Roam":
        return this.driver.roam(s, msg.ssid, msg.passphrase)
      case "Scan":
        return this.driver.scan(s)
      case "RequestScan":
        return this.driver.scan(s, msg.reply)
      case "WriteRaw":
        // A hostile or buggy driver: whatever it writes goes to the card as is. But its vCPU runs one
        // instruction stream, and a write that traps keeps it in the exit until the write has been
        // handled (KVM's MMIO exit is synchronous): the program's next write waits for it, so a flood
        // runs at the speed the core gives its writes. Those it has yet to make wait in a bounded
        // queue (`RAW_WRITES_WAITING`); past it, the program has fallen that far behind and skips them.
        if (s.rawWriteSinceNs === undefined || this.kernel.nowNs - s.rawWriteSinceNs >= RAW_WRITE_LOST_NS) return this.writeRaw(s, msg)
        if (s.rawWritesWaiting.length < RAW_WRITES_WAITING) s.rawWritesWaiting.push(msg)
        return
      case "RawWriteDone": {
        s.rawWriteSinceNs = undefined
        const next = s.rawWritesWaiting.shift()
        if (next !== undefined) this.writeRaw(s, next)
        return
      }
      case "SetRateIndex":
        return this.driver.setRate(s, msg.rateIndex)
      case "PingReplied":
        return this.traffic.pingReplied(msg.sentNs)
    }
  }

  /** Makes one raw write: its descriptors into the ring (what a real one holds: past it, none), then the command. */
  private writeRaw(s: GuestState, msg: { readonly command: unknown; readonly descriptors?: ReadonlyArray<unknown> | undefined }): void {
    s.rawWriteSinceNs = this.kernel.nowNs
    for (const d of msg.descriptors ?? []) this.o.memory.write(d as never)
    this.work.writeCommandAwaited(s, msg.command, this.self, { _tag: "RawWriteDone" })
  }

  /** The guest's interrupt handler: completions and received frames to the stack, the rest to the driver; then the stack sends on. */
  private interrupt(s: GuestState, events: ReadonlyArray<CardEvent>): void {
    this.work.interrupted(s)
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!
      if (e._tag === "TxDone") {
        this.traffic.completed(s, e)
        this.rates.completed(s, e)
      }
      else if (e._tag === "Rx") this.traffic.receive(s, e)
      else if (e._tag !== "Rejected" || e.command !== "TxDoorbell") this.driver.event(s, e)
    }
    if (s.outstanding < 0) s.outstanding = 0
    if (s.driver.state === "connected") this.traffic.resume(s)
  }
}
