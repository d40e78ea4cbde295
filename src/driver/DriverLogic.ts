/**
 * The augmented driver's decisions, on the state the actor runtime holds (`DriverState`): a
 * command or TX batch from a device model (an ioctl, on that VM's I/O thread), the card's interrupt
 * (demultiplexed to the VMs' device models), a VM going away, the periodic tick, and the rebuild
 * after a crash. The table, the scan consolidation and the pair machine are pure (`VmacTable.ts`,
 * `ScanConsolidation.ts`, `PairState.ts`); this class applies them and says what the core runs.
 */
import { rateIndex as rateIndexOf } from "../air/RateTable.ts"
import { chainOf } from "./RateTableEntry.ts"
import type { CpuCore, Job, Recipe } from "../cpu/CpuCore.ts"
import type { Kernel } from "../kernel/Kernel.ts"
import type { CardCommand, ChainEntry } from "../vocabulary/CardCommand.ts"
import { InitCard } from "../vocabulary/CardCommand.ts"
import type { CardEvent } from "../vocabulary/CardEvent.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { guestEventOf } from "../vocabulary/NicEvent.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import type { DriverMessage, DriverOptions, DriverStats } from "./Driver.ts"
import { rebuild } from "./DriverRecovery.ts"
import { Housekeeping, newWatchdog } from "./Housekeeping.ts"
import * as Pair from "./PairState.ts"
import type { TxWatchdog } from "./TxWatchdog.ts"
import * as Scan from "./ScanConsolidation.ts"
import * as Vmacs from "./VmacTable.ts"
import { configOf } from "../nic/PowerSave.ts"
import { INTERRUPT_CONTEXT } from "../cpu/CpuCore.ts"
import { objectArray } from "../kernel/StableShapes.ts"

/** One (vMAC, VM) pair's configuration and connection state. */
export interface PairEntry {
  state: Pair.PairState
  vmac: number
  bssid: number
  rateIndex: number
  /** The retry chain of its last rate command, when it gave one (its first stage is `rateIndex`). */
  chain?: ReadonlyArray<ChainEntry> | undefined
}

/** The driver's own state: lost in a crash, rebuilt on restart from the journal and the card. */
export interface DriverState {
  table: Vmacs.VmacTable
  scan: Scan.ScanState
  /** By VM. */
  readonly pairs: Map<number, PairEntry>
  /** vMACs released but not yet quiesced on the card. */
  readonly quiescing: Set<number>
  /** VMs whose init waits for a released vMAC to quiesce (none was free, one is on its way). */
  initWaiting: Array<number>
  /** The TX watchdog's memory of each vMAC's progress. */
  readonly watchdog: TxWatchdog
}

export const initialDriverState = (vmacs: number): DriverState => ({
  table: Vmacs.empty(vmacs), scan: Scan.initial, pairs: new Map(), quiescing: new Set(), initWaiting: [], watchdog: newWatchdog()
})

export class DriverLogic {
  private readonly kernel: Kernel
  private readonly o: DriverOptions
  private readonly stats: DriverStats
  private readonly cpu: CpuCore
  private readonly keeper: Housekeeping
  private readonly defaultRate: number
  /** Receiving one command from a device model: the ioctl, the handler, the lock; on the caller's I/O thread. */
  private readonly IOCTL: Recipe
  /** The card's interrupt: entry, handler, ack; the lock on the driver's state. */
  private readonly IRQ: Recipe
  /** Signalling one device model: its eventfd, and the wake-up of its I/O thread. */
  private readonly FORWARD: Recipe
  /**
   * The card's events of one interrupt sorted by VM: the lists go to the VMs, the sorter stays (the
   * interrupt, with a new map each time and its iterators, allocated 7.7% of a soak's bytes).
   * Cleared when an interrupt starts, so a handler that crashed halfway leaves nothing behind.
   */
  private readonly perVm = new EventsByVm()

  constructor(kernel: Kernel, o: DriverOptions, stats: DriverStats) {
    this.kernel = kernel
    this.o = o
    this.stats = stats
    this.cpu = o.cpu
    this.keeper = new Housekeeping(kernel, o.nic, o.log, "driver")
    this.defaultRate = rateIndexOf(o.phy)
    this.IOCTL = o.cpu.recipe("deviceModelSyscall", "driverCommand", "lock")
    this.IRQ = o.cpu.recipe("hostIrq", "irqRegisterRead", "lock")
    this.FORWARD = o.cpu.recipe("irqForward", "threadWakeup")
  }

  handle(s: DriverState, msg: DriverMessage): DriverState {
    switch (msg._tag) {
      case "Command":
        this.command(s, msg.vm, msg.command)
        break
      case "Tx":
        this.transmit(s, msg.vm, msg.frames)
        break
      case "Irq":
        this.interrupt(s, msg.events)
        break
      case "VmGone":
        this.release(s, msg.vm)
        break
      case "Tick":
        this.tick(s)
        break
    }
    return s
  }

  /** After a crash: the table and pairs from the journal and the card's registers; the card told to agree. */
  recover(crashedAtNs: number): DriverState {
    const { o } = this
    this.stats.restarts++
    const rebuilt = rebuild(o.journal.entries(), o.vmacs, o.nic.registers)
    const s: DriverState = {
      ...initialDriverState(o.vmacs),
      table: rebuilt.table,
      pairs: new Map(rebuilt.pairs.map((p) => [p.vm, { state: p.state, vmac: p.vmac, bssid: p.bssid, rateIndex: p.rateIndex, chain: p.chain }])),
      quiescing: new Set(rebuilt.stop)
    }
    for (const vmac of rebuilt.stop) o.nic.tellUnsafe({ _tag: "StopVmac", vmac, reason: "vm-gone" })
    for (const vmac of rebuilt.restart) {
      const vm = s.table.owner[vmac]!
      o.nic.tellUnsafe({ _tag: "StartVmac", vmac, iommuDomainBytes: o.iommu ? o.vms[vm]?.memoryBytes : undefined })
    }
    o.log.recovered("driver-restart", "driver", crashedAtNs, this.kernel.nowNs)
    return s
  }

  private toVm(job: Job, vm: number, events: ReadonlyArray<CardEvent>): Job {
    const port = this.o.vms[vm]
    return port === undefined ? job : job.then(port.events, { _tag: "Events", events })
  }

  private ioctl(vm: number): Job {
    return this.cpu.job(this.o.vms[vm]?.ioThread ?? this.o.workerThread).run(this.IOCTL)
  }

  private command(s: DriverState, vm: number, cmd: CardCommand): void {
    const { o } = this
    const { nic } = o
    this.stats.commands++
    const job = this.ioctl(vm)
    const pair = s.pairs.get(vm)
    switch (cmd._tag) {
      case "InitCard": {
        const got = Vmacs.allocate(s.table, vm, s.quiescing)
        if (got === undefined && s.quiescing.size > 0) {
          if (!s.initWaiting.includes(vm)) s.initWaiting.push(vm)
          return job.submit()
        }
        if (got === undefined) {
          return this.toVm(job, vm, [{ _tag: "Rejected", command: "InitCard", reason: "no-free-vmac" }]).submit()
        }
        s.table = got.table
        if (pair === undefined) {
          o.journal.assign(vm, got.vmac, this.defaultRate)
          s.pairs.set(vm, { state: "ready", vmac: got.vmac, bssid: 0, rateIndex: this.defaultRate })
          job.then(nic, { _tag: "StartVmac", vmac: got.vmac, iommuDomainBytes: o.iommu ? o.vms[vm]?.memoryBytes : undefined })
        }
        return this.toVm(job, vm, [{ _tag: "InitDone", vmac: 0, mac: nic.macOf(got.vmac) }]).submit()
      }
      case "StartScan": {
        this.stats.scanRequests++
        const next = Scan.request(s.scan, vm, this.kernel.nowNs, o.scanCacheAgeNs)
        s.scan = next.state
        if (next.decision._tag === "FromCache") {
          this.stats.scanCacheHits++
          this.toVm(job, vm, [{ _tag: "ScanDone", results: next.decision.results, fromCache: true, ageNs: next.decision.ageNs }])
        } else if (next.decision._tag === "Start") {
          this.stats.physicalScans++
          job.then(nic, { _tag: "Scan", channels: o.scanChannels, dwellNs: o.scanDwellNs })
        }
        return job.submit()
      }
      case "Authenticate":
        if (pair !== undefined) {
          pair.state = Pair.afterCommand("Authenticate")
          pair.bssid = cmd.bssid
          job.then(nic, { _tag: "AuthRequest", vmac: pair.vmac, bssid: cmd.bssid, channel: cmd.channel })
        }
        return job.submit()
      case "Associate":
        if (pair !== undefined) {
          pair.state = Pair.afterCommand("Associate")
          job.then(nic, { _tag: "AssocRequest", vmac: pair.vmac, vm, bssid: cmd.bssid, ssid: cmd.ssid, passphrase: cmd.passphrase, uapsdMaxSpLength: cmd.uapsdMaxSpLength,
            listenInterval: cmd.listenInterval, beaconKnown: cmd.beaconKnown === true })
        }
        return job.submit()
      case "SetRate":
        if (pair !== undefined) {
          // Only this VM's rate table changes: its own vMAC transmits by the new chain.
          pair.rateIndex = cmd.rateIndex
          pair.chain = cmd.chain
          o.journal.setRate(vm, cmd.rateIndex, cmd.chain)
          job.then(nic, { _tag: "SetVmacRate", vmac: pair.vmac, vm, chain: chainOf(o.phy, cmd) })
        }
        return job.submit()
      case "SetPowerSave":
        // The VM's own vMAC dozes and wakes as its driver asked; the radio consolidates (Radio.ts).
        if (pair !== undefined) job.then(nic, { _tag: "SetVmacPowerSave", vmac: pair.vmac, config: configOf(cmd) })
        return job.submit()
      case "Disassociate":
        if (pair !== undefined) {
          pair.state = Pair.afterCommand("Disassociate")
          job.then(nic, { _tag: "Disassoc", vmac: pair.vmac })
        }
        return job.submit()
      case "MonitorSignal":
        if (pair !== undefined) job.then(nic, { _tag: "MonitorSignal", vmac: pair.vmac, monitor: { thresholdDbm: cmd.thresholdDbm, hysteresisDb: cmd.hysteresisDb } })
        return job.submit()
      case "ReadPciConfig":
      case "TxDoorbell":
        return job.submit() // the device model answers PCI reads and turns doorbells into Tx messages
    }
  }

  private transmit(s: DriverState, vm: number, frames: ReadonlyArray<Frame>): void {
    const pair = s.pairs.get(vm)
    if (pair === undefined) {
      for (const f of frames) this.o.ledger.drop(f, "not-initialized")
      return
    }
    this.stats.txBatches++
    for (let i = 0; i < frames.length; i++) {
      const f = frames[i]!
      if (f.txPath !== undefined) f.txPath.driverNs = this.kernel.nowNs
    }
    // TX goes straight to the VM's own vMAC.
    this.ioctl(vm).op("hostOtherPacket", frames.length).then(this.o.nic, { _tag: "Transmit", vmac: pair.vmac, frames }).submit()
  }

  /** The card's interrupt, or events a poll found: served in interrupt context. */
  private interrupt(s: DriverState, events: ReadonlyArray<NicEvent>): void {
    const { o, stats, cpu } = this
    stats.interrupts++
    let job = cpu.job(INTERRUPT_CONTEXT).run(this.IRQ)
    if (events.length === 0) stats.spuriousInterrupts++
    // Sort the card's events by VM, in order, then signal each VM's device model once.
    const perVm = this.perVm
    perVm.clear()
    let received = 0
    for (let i = 0; i < events.length; i++) {
      const e = events[i]!
      const vm = "vmac" in e ? Vmacs.vmOf(s.table, e.vmac) : undefined
      const pair = vm === undefined ? undefined : s.pairs.get(vm)
      switch (e._tag) {
        case "Rx":
          received += e.frames.length
          if (vm === undefined) for (const f of e.frames) o.ledger.drop(f, "no-vm-for-vmac")
          break
        case "ScanComplete": {
          // One physical scan answers every VM that asked while it ran.
          const done = Scan.complete(s.scan, e.results, this.kernel.nowNs)
          s.scan = done.state
          const answer = guestEventOf(e)
          for (const w of done.answer) perVm.push(w, answer)
          continue
        }
        case "AuthResult":
        case "AssocResult":
        case "Disconnected":
          if (pair !== undefined) pair.state = Pair.afterEvent(e)
          break
        case "FirmwareError":
          // The vMAC's firmware died: reset it; its VM sees the association end and joins again.
          if (pair !== undefined) {
            stats.firmwareResets++
            pair.state = Pair.afterEvent(e)
            o.nic.tellUnsafe({ _tag: "ResetVmac", vmac: e.vmac, reason: "firmware-error" })
            o.log.recovered("vmac-firmware-reset", `vmac-${e.vmac}`, this.kernel.nowNs, this.kernel.nowNs)
          }
          continue
        case "VmacStopped":
          s.quiescing.delete(e.vmac)
          // A VM waiting for a vMAC gets this one.
          for (const waiting of s.initWaiting.splice(0)) this.command(s, waiting, new InitCard({}))
          continue
      }
      perVm.push(vm, guestEventOf(e))
    }
    // Each VM's device model is signalled in turn: its eventfd, and the wake-up of its I/O thread.
    for (let i = 0; i < perVm.size; i++) {
      if (job.delivers()) {
        job.submit()
        job = cpu.job(INTERRUPT_CONTEXT)
      }
      this.toVm(job.run(this.FORWARD), perVm.vm(i), perVm.list(i))
    }
    perVm.clear() // the lists are the VMs' now
    // Handed on to their VMs' device models, the received frames' buffers are posted to the card again.
    if (received > 0) job.then(o.nic, { _tag: "RxRestock", frames: received })
    job.submit()
  }

  private release(s: DriverState, vm: number): void {
    const pair = s.pairs.get(vm)
    this.o.journal.release(vm)
    if (pair !== undefined) {
      s.quiescing.add(pair.vmac)
      this.o.nic.tellUnsafe({ _tag: "StopVmac", vmac: pair.vmac, reason: "vm-gone" })
    }
    s.pairs.delete(vm)
    if (pair !== undefined) s.watchdog.forget(pair.vmac)
    s.initWaiting = s.initWaiting.filter((w) => w !== vm)
    s.table = Vmacs.release(s.table, vm)
    s.scan = Scan.forget(s.scan, vm)
  }

  /**
   * Polls for events whose interrupt was lost; resets hung vMACs. The tick is a timer: what its poll
   * found is served in softirq context, as an interrupt's handler is, so a later interrupt's events
   * reach the VMs after these (served on a thread, they were overtaken by the next interrupt's).
   */
  private tick(s: DriverState): void {
    const vmacs = [...s.pairs.values()].map((p) => p.vmac)
    const done = this.keeper.tick(s.watchdog, vmacs, (events) => this.interrupt(s, events))
    if (done.polled) this.stats.pollRecoveries++
    for (const vmac of done.reset) {
      this.stats.watchdogResets++
      const vm = Vmacs.vmOf(s.table, vmac)
      const pair = vm === undefined ? undefined : s.pairs.get(vm)
      if (pair !== undefined) pair.state = Pair.afterEvent({ _tag: "WatchdogReset" })
    }
  }
}

/**
 * Card events grouped by VM, the VMs in the order they first appear: side by side, the VM and its
 * list, the first `size` entries in use. Its arrays are kept from one interrupt to the next (their
 * length set to 0 freed them, and every interrupt grew new ones, issue 14); each list is new, as it
 * goes on to the VM.
 */
class EventsByVm {
  private readonly vms: Array<number> = []
  private readonly lists: Array<Array<CardEvent> | undefined> = objectArray()
  size = 0

  clear(): void {
    for (let i = 0; i < this.size; i++) this.lists[i] = undefined
    this.size = 0
  }

  vm(i: number): number {
    return this.vms[i]!
  }

  list(i: number): Array<CardEvent> {
    return this.lists[i]!
  }

  /** Adds `e` to `vm`'s list (none: the event is for no VM). */
  push(vm: number | undefined, e: CardEvent): void {
    if (vm === undefined) return
    for (let i = 0; i < this.size; i++) {
      if (this.vms[i] === vm) {
        this.lists[i]!.push(e)
        return
      }
    }
    this.vms[this.size] = vm
    this.lists[this.size] = [e]
    this.size++
  }
}
