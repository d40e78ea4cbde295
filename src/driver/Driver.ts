/**
 * The virtualization-augmented host WiFi driver (virtual-wifi mode). It owns the physical card and:
 * keeps the vMAC↔VM mapping table; keeps each (vMAC, VM) pair's configuration and connection state;
 * passes TX straight to the VM's vMAC; applies a rate command to that VM's rate table only; starts a
 * vMAC on init (a typed error when all K are taken); consolidates scans and serves recent results
 * from a cache; and demultiplexes received frames and events to the right VM's device model.
 *
 * Per-pair state machine (one per VM that has a vMAC):
 * ```
 *   unbound ──InitCard──▶ ready ──Authenticate──▶ authenticating ──ok──▶ authenticated
 *                          ▲  ▲                        │ fail               │ Associate
 *                          │  └─────── fail ◀─ associating ◀────────────────┘
 *                          └── Disassociate / deauth / beacon loss ◀── connected ◀── ok
 * ```
 *
 * Recovery: a crash loses everything above; on restart the driver rebuilds the table and the pairs
 * from its journal and the card's registers (`DriverRecovery.ts`). A periodic tick polls the card for
 * events whose interrupt was lost and runs a TX watchdog that resets a vMAC whose TX stopped
 * completing. A released vMAC is not given out again until the card says it has quiesced.
 *
 * Where its work runs: a command or TX batch from a device model is an ioctl, so the driver's code
 * runs in the caller's context, the VM's I/O thread; the card's interrupt and the demultiplexing of
 * its events to device models run in interrupt context; the periodic tick's poll runs on a host
 * worker thread.
 */
import type { DeviceModelMessage as DeviceModelEvents } from "../device-model/DeviceModel.ts"
import type { Port } from "../actor/Port.ts"
import { Data, Effect } from "effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { withRateIndex, rateIndex as rateIndexOf } from "../air/RateTable.ts"
import { INTERRUPT_CONTEXT } from "../cpu/CpuCore.ts"
import type { CpuCore, Job, ThreadId } from "../cpu/CpuCore.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { CardCommand } from "../vocabulary/CardCommand.ts"
import type { CardEvent } from "../vocabulary/CardEvent.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import { guestEventOf } from "../vocabulary/NicEvent.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import type { NicHandle, NicMessage } from "../nic/Nic.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import { DRIVER_TICK_NS } from "../vocabulary/ModelConstants.ts"
import type { DriverJournal } from "./DriverJournal.ts"
import { rebuild } from "./DriverRecovery.ts"
import { every } from "./TxWatchdog.ts"
import { housekeeping } from "./Housekeeping.ts"
import { InitCard } from "../vocabulary/CardCommand.ts"
import type { PairState } from "./DriverRecovery.ts"
import { Status } from "../vocabulary/Frame.ts"
import * as Scan from "./ScanConsolidation.ts"
import * as Vmacs from "./VmacTable.ts"

export type { PairState } from "./DriverRecovery.ts"

export type DriverMessage = Data.TaggedEnum<{
  Command: { readonly vm: number; readonly command: CardCommand }
  Tx: { readonly vm: number; readonly frames: ReadonlyArray<Frame> }
  Irq: { readonly events: ReadonlyArray<NicEvent> }
  VmGone: { readonly vm: number }
  /** The periodic tick: poll for unsignalled events, run the TX watchdog. */
  Tick: {}
}>

/** What the driver knows of each VM it may serve. */
export interface VmPort {
  readonly memoryBytes: number
  /** The thread its device model calls the driver from (its I/O thread). */
  readonly ioThread: ThreadId
  /** Delivers events to the VM's device model. */
  readonly events: Port<Extract<DeviceModelEvents, { readonly _tag: "Events" }>>
}

export interface DriverOptions {
  readonly vmacs: number
  readonly phy: PhyConfig
  readonly iommu: boolean
  readonly scanChannels: ReadonlyArray<number>
  readonly scanDwellNs: number
  readonly scanCacheAgeNs: number
  readonly cpu: CpuCore
  /** The host worker thread the periodic tick runs on. */
  readonly workerThread: ThreadId
  readonly ledger: FrameLedger
  readonly nic: Pick<NicHandle, "macOf" | "registers" | "poll"> & Port<NicMessage>
  readonly vms: ReadonlyArray<VmPort>
  /** Survives crashes: who has which vMAC, at which rate. */
  readonly journal: DriverJournal
  readonly log: RecoveryLog
}

interface Pair {
  state: PairState
  vmac: number
  bssid: number
  rateIndex: number
}

export interface DriverStats {
  scanRequests: number
  physicalScans: number
  scanCacheHits: number
  commands: number
  txBatches: number
  interrupts: number
  /** Interrupts that found no new event (a duplicate, or one a poll had served). */
  spuriousInterrupts: number
  /** Polls that found events no interrupt had delivered. */
  pollRecoveries: number
  watchdogResets: number
  firmwareResets: number
  restarts: number
}

export interface DriverHandle {
  readonly ref: ModelActor.ModelRef<DriverMessage>
  readonly stats: DriverStats
  /** Each VM's pair state (undefined when it has no vMAC). */
  readonly pairState: (vm: number) => PairState | undefined
  /** Each VM's rate table entry: the rate index it transmits at. */
  readonly rateIndexOf: (vm: number) => number | undefined
  readonly mapping: () => Vmacs.VmacTable
  /** The MAC of the vMAC a VM holds (a device model restarting reads it back). */
  readonly macOfVm: (vm: number) => number | undefined
  /** vMACs released but not yet quiesced on the card. */
  readonly quiescing: () => ReadonlySet<number>
}

export const make = Effect.fnUntraced(function*(options: DriverOptions): Effect.fn.Return<DriverHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { cpu, nic } = options
  const { journal, log } = options
  const stats: DriverStats = {
    scanRequests: 0, physicalScans: 0, scanCacheHits: 0, commands: 0, txBatches: 0, interrupts: 0,
    spuriousInterrupts: 0, pollRecoveries: 0, watchdogResets: 0, firmwareResets: 0, restarts: 0
  }
  // The driver's own state: lost in a crash, rebuilt on restart.
  let table = Vmacs.empty(options.vmacs)
  let scan = Scan.initial
  let pairs = new Map<number, Pair>()
  let quiescing = new Set<number>()
  /** VMs whose init waits for a released vMAC to quiesce (none was free, one is on its way). */
  let initWaiting: Array<number> = []
  const defaultRate = rateIndexOf(options.phy)

  const toVm = (job: Job, vm: number, events: ReadonlyArray<CardEvent>): Job => {
    const port = options.vms[vm]
    return port === undefined ? job : job.then(port.events, { _tag: "Events", events })
  }

  /** Receiving one command from a device model: the ioctl, the handler, the lock; on the caller's I/O thread. */
  const IOCTL = cpu.recipe("deviceModelSyscall", "driverCommand", "lock")
  const ioctl = (vm: number): Job => cpu.job(options.vms[vm]?.ioThread ?? options.workerThread).run(IOCTL)
  /** The card's interrupt: entry, handler, ack; the lock on the driver's state. */
  const IRQ = cpu.recipe("hostIrq", "lock")
  /** Signalling one device model: its eventfd, and the wake-up of its I/O thread. */
  const FORWARD = cpu.recipe("irqForward", "threadWakeup")

  const command = (vm: number, cmd: CardCommand): void => {
    stats.commands++
    const job = ioctl(vm)
    const pair = pairs.get(vm)
    switch (cmd._tag) {
      case "InitCard": {
        const got = Vmacs.allocate(table, vm, quiescing)
        if (got === undefined && quiescing.size > 0) {
          if (!initWaiting.includes(vm)) initWaiting.push(vm)
          return job.submit()
        }
        if (got === undefined) {
          return toVm(job, vm, [{ _tag: "Rejected", command: "InitCard", reason: "no-free-vmac" }]).submit()
        }
        table = got.table
        if (pair === undefined) {
          journal.assign(vm, got.vmac, defaultRate)
          pairs.set(vm, { state: "ready", vmac: got.vmac, bssid: 0, rateIndex: defaultRate })
          job.then(nic, { _tag: "StartVmac", vmac: got.vmac, iommuDomainBytes: options.iommu ? options.vms[vm]?.memoryBytes : undefined })
        }
        return toVm(job, vm, [{ _tag: "InitDone", vmac: 0, mac: nic.macOf(got.vmac) }]).submit()
      }
      case "StartScan": {
        stats.scanRequests++
        const next = Scan.request(scan, vm, kernel.nowNs, options.scanCacheAgeNs)
        scan = next.state
        if (next.decision._tag === "FromCache") {
          stats.scanCacheHits++
          toVm(job, vm, [{ _tag: "ScanDone", results: next.decision.results, fromCache: true }])
        } else if (next.decision._tag === "Start") {
          stats.physicalScans++
          job.then(nic, { _tag: "Scan", channels: options.scanChannels, dwellNs: options.scanDwellNs })
        }
        return job.submit()
      }
      case "Authenticate":
        if (pair !== undefined) {
          pair.state = "authenticating"
          pair.bssid = cmd.bssid
          job.then(nic, { _tag: "AuthRequest", vmac: pair.vmac, bssid: cmd.bssid, channel: cmd.channel })
        }
        return job.submit()
      case "Associate":
        if (pair !== undefined) {
          pair.state = "associating"
          job.then(nic, { _tag: "AssocRequest", vmac: pair.vmac, vm, bssid: cmd.bssid, ssid: cmd.ssid, passphrase: cmd.passphrase })
        }
        return job.submit()
      case "SetRate":
        if (pair !== undefined) {
          // Only this VM's rate table changes: its own vMAC transmits at the new rate.
          pair.rateIndex = cmd.rateIndex
          journal.setRate(vm, cmd.rateIndex)
          job.then(nic, { _tag: "SetVmacRate", vmac: pair.vmac, vm, phy: withRateIndex(options.phy, cmd.rateIndex) })
        }
        return job.submit()
      case "Disassociate":
        if (pair !== undefined) {
          pair.state = "ready"
          job.then(nic, { _tag: "Disassoc", vmac: pair.vmac })
        }
        return job.submit()
      case "TxDoorbell":
        return job.submit() // the device model turns doorbells into Tx messages
    }
  }

  const transmit = (vm: number, frames: ReadonlyArray<Frame>): void => {
    const pair = pairs.get(vm)
    if (pair === undefined) {
      for (const f of frames) options.ledger.drop(f, "not-initialized")
      return
    }
    stats.txBatches++
    // TX goes straight to the VM's own vMAC.
    ioctl(vm).op("hostOtherPacket", frames.length).then(nic, { _tag: "Transmit", vmac: pair.vmac, frames }).submit()
  }

  /** The card's interrupt (in interrupt context), or a poll that found events (on `thread`). */
  const interrupt = (events: ReadonlyArray<NicEvent>, thread: ThreadId): void => {
    stats.interrupts++
    let job = cpu.job(thread).run(IRQ)
    if (events.length === 0) stats.spuriousInterrupts++
    // Sort the card's events by VM, in order, then signal each VM's device model once.
    const perVm = new Map<number, Array<CardEvent>>()
    const push = (vm: number | undefined, e: CardEvent): void => {
      if (vm === undefined) return
      let list = perVm.get(vm)
      if (list === undefined) perVm.set(vm, (list = []))
      list.push(e)
    }
    for (const e of events) {
      const vm = "vmac" in e ? Vmacs.vmOf(table, e.vmac) : undefined
      const pair = vm === undefined ? undefined : pairs.get(vm)
      switch (e._tag) {
        case "Rx":
          if (vm === undefined) for (const f of e.frames) options.ledger.drop(f, "no-vm-for-vmac")
          break
        case "ScanComplete": {
          // One physical scan answers every VM that asked while it ran.
          const done = Scan.complete(scan, e.results, kernel.nowNs)
          scan = done.state
          const answer = guestEventOf(e)
          for (const w of done.answer) push(w, answer)
          continue
        }
        case "AuthResult":
          if (pair !== undefined) pair.state = e.status === Status.Success ? "authenticated" : "ready"
          break
        case "AssocResult":
          if (pair !== undefined) pair.state = e.status === Status.Success ? "connected" : "ready"
          break
        case "Disconnected":
          if (pair !== undefined) pair.state = "ready"
          break
        case "FirmwareError":
          // The vMAC's firmware died: reset it; its VM sees the association end and joins again.
          if (pair !== undefined) {
            stats.firmwareResets++
            pair.state = "ready"
            nic.tellUnsafe({ _tag: "ResetVmac", vmac: e.vmac, reason: "firmware-error" })
            log.recovered("vmac-firmware-reset", `vmac-${e.vmac}`, kernel.nowNs, kernel.nowNs)
          }
          continue
        case "VmacStopped":
          quiescing.delete(e.vmac)
          // A VM waiting for a vMAC gets this one.
          for (const waiting of initWaiting.splice(0)) command(waiting, new InitCard({}))
          continue
      }
      push(vm, guestEventOf(e))
    }
    // Each VM's device model is signalled in turn: its eventfd, and the wake-up of its I/O thread.
    for (const [vm, list] of perVm) {
      if (job.delivers()) {
        job.submit()
        job = cpu.job(thread)
      }
      toVm(job.run(FORWARD), vm, list)
    }
    job.submit()
  }

  const release = (vm: number): void => {
    const pair = pairs.get(vm)
    journal.release(vm)
    if (pair !== undefined) {
      quiescing.add(pair.vmac)
      nic.tellUnsafe({ _tag: "StopVmac", vmac: pair.vmac, reason: "vm-gone" })
    }
    pairs.delete(vm)
    if (pair !== undefined) keeper.forget(pair.vmac)
    initWaiting = initWaiting.filter((w) => w !== vm)
    table = Vmacs.release(table, vm)
    scan = Scan.forget(scan, vm)
  }

  const keeper = housekeeping(kernel, nic, log, "driver", (events) => interrupt(events, options.workerThread))
  const tick = (): void => {
    const done = keeper.tick([...pairs.values()].map((p) => p.vmac))
    if (done.polled) stats.pollRecoveries++
    for (const vmac of done.reset) {
      stats.watchdogResets++
      const vm = Vmacs.vmOf(table, vmac)
      const pair = vm === undefined ? undefined : pairs.get(vm)
      if (pair !== undefined) pair.state = "ready"
    }
  }

  let crashedAtNs = 0
  const recover = (): void => {
    stats.restarts++
    const rebuilt = rebuild(journal.entries(), options.vmacs, nic.registers)
    table = rebuilt.table
    pairs = new Map(rebuilt.pairs.map((p) => [p.vm, { state: p.state, vmac: p.vmac, bssid: p.bssid, rateIndex: p.rateIndex }]))
    scan = Scan.initial
    keeper.forget()
    initWaiting = []
    quiescing = new Set(rebuilt.stop)
    for (const vmac of rebuilt.stop) nic.tellUnsafe({ _tag: "StopVmac", vmac, reason: "vm-gone" })
    for (const vmac of rebuilt.restart) {
      const vm = table.owner[vmac]!
      nic.tellUnsafe({ _tag: "StartVmac", vmac, iommuDomainBytes: options.iommu ? options.vms[vm]?.memoryBytes : undefined })
    }
    log.recovered("driver-restart", "driver", crashedAtNs, kernel.nowNs)
  }

  const ref = yield* ModelActor.make<DriverMessage>("driver", 1 << 14, (msg) => {
    switch (msg._tag) {
      case "Command":
        command(msg.vm, msg.command)
        break
      case "Tx":
        transmit(msg.vm, msg.frames)
        break
      case "Irq":
        interrupt(msg.events, INTERRUPT_CONTEXT)
        break
      case "VmGone":
        release(msg.vm)
        break
      case "Tick":
        tick()
        break
    }
  }, {
    crashed: (atNs) => {
      crashedAtNs = atNs
    },
    recover
  })
  every(kernel, DRIVER_TICK_NS, () => ref.tellUnsafe({ _tag: "Tick" }))
  return {
    ref,
    stats,
    pairState: (vm) => pairs.get(vm)?.state,
    rateIndexOf: (vm) => pairs.get(vm)?.rateIndex,
    mapping: () => table,
    macOfVm: (vm) => {
      const pair = pairs.get(vm)
      return pair === undefined ? undefined : nic.macOf(pair.vmac)
    },
    quiescing: () => quiescing
  }
})
