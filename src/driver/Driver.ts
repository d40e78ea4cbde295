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
 */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../model/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { withRateIndex, rateIndex as rateIndexOf } from "../air/RateTable.ts"
import type { CpuCore } from "../cpu/CpuCore.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { CardCommand } from "../model/CardCommand.ts"
import type { CardEvent } from "../model/CardEvent.ts"
import { deliverAt } from "../model/Deliver.ts"
import type { Frame } from "../model/Frame.ts"
import type { FrameLedger } from "../model/FrameLedger.ts"
import { guestEventOf } from "../nic/NicEvent.ts"
import type { NicEvent } from "../nic/NicEvent.ts"
import type { NicHandle, NicMessage } from "../nic/Nic.ts"
import type { InvariantMonitor } from "../fault/InvariantMonitor.ts"
import type { RecoveryLog } from "../fault/RecoveryLog.ts"
import { DRIVER_TICK_NS } from "../model/ModelConstants.ts"
import type { DriverJournal } from "./DriverJournal.ts"
import { rebuild } from "./DriverRecovery.ts"
import { every } from "./TxWatchdog.ts"
import { housekeeping } from "./Housekeeping.ts"
import { InitCard } from "../model/CardCommand.ts"
import type { PairState } from "./DriverRecovery.ts"
import { Status } from "../model/Frame.ts"
import * as Scan from "./ScanConsolidation.ts"
import * as Vmacs from "./VmacTable.ts"

export type { PairState } from "./DriverRecovery.ts"

export type DriverMessage =
  | { readonly _tag: "Command"; readonly vm: number; readonly command: CardCommand }
  | { readonly _tag: "Tx"; readonly vm: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "Irq"; readonly events: ReadonlyArray<NicEvent> }
  | { readonly _tag: "VmGone"; readonly vm: number }
  /** The periodic tick: poll for unsignalled events, run the TX watchdog. */
  | { readonly _tag: "Tick" }

/** What the driver knows of each VM it may serve. */
export interface VmPort {
  readonly memoryBytes: number
  /** Delivers events to the VM's device model. */
  readonly events: { readonly tellUnsafe: (m: { readonly _tag: "Events"; readonly events: ReadonlyArray<CardEvent> }) => boolean }
}

export interface DriverOptions {
  readonly vmacs: number
  readonly phy: PhyConfig
  readonly iommu: boolean
  readonly scanChannels: ReadonlyArray<number>
  readonly scanDwellNs: number
  readonly scanCacheAgeNs: number
  readonly cpu: CpuCore
  readonly ledger: FrameLedger
  readonly nic: Pick<NicHandle, "macOf" | "registers" | "poll"> & { readonly tellUnsafe: (m: NicMessage) => boolean }
  readonly vms: ReadonlyArray<VmPort>
  /** Survives crashes: who has which vMAC, at which rate. */
  readonly journal: DriverJournal
  readonly monitor: InvariantMonitor
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

  const toVm = (vm: number, events: ReadonlyArray<CardEvent>, atNs: number): void => {
    const port = options.vms[vm]
    if (port !== undefined) deliverAt(kernel, atNs, port.events, { _tag: "Events", events })
  }

  // The cost of receiving one command from a device model (ioctl + handler + lock).
  const commandCost = (): number => {
    cpu.charge("deviceModelSyscall")
    cpu.charge("driverCommand")
    return cpu.charge("lock")
  }

  const command = (vm: number, cmd: CardCommand): void => {
    stats.commands++
    const doneAt = commandCost()
    const pair = pairs.get(vm)
    switch (cmd._tag) {
      case "InitCard": {
        const got = Vmacs.allocate(table, vm, quiescing)
        if (got === undefined && quiescing.size > 0) {
          if (!initWaiting.includes(vm)) initWaiting.push(vm)
          return
        }
        if (got === undefined) {
          toVm(vm, [{ _tag: "Rejected", command: "InitCard", reason: "no-free-vmac" }], doneAt)
          return
        }
        table = got.table
        if (pair === undefined) {
          journal.assign(vm, got.vmac, defaultRate)
          pairs.set(vm, { state: "ready", vmac: got.vmac, bssid: 0, rateIndex: defaultRate })
          deliverAt(kernel, doneAt, nic, { _tag: "StartVmac", vmac: got.vmac, iommuDomainBytes: options.iommu ? options.vms[vm]?.memoryBytes : undefined })
        }
        toVm(vm, [{ _tag: "InitDone", vmac: 0, mac: nic.macOf(got.vmac) }], doneAt)
        return
      }
      case "StartScan": {
        stats.scanRequests++
        const next = Scan.request(scan, vm, kernel.nowNs, options.scanCacheAgeNs)
        scan = next.state
        if (next.decision._tag === "FromCache") {
          stats.scanCacheHits++
          toVm(vm, [{ _tag: "ScanDone", results: next.decision.results, fromCache: true }], doneAt)
        } else if (next.decision._tag === "Start") {
          stats.physicalScans++
          deliverAt(kernel, doneAt, nic, { _tag: "Scan", channels: options.scanChannels, dwellNs: options.scanDwellNs })
        }
        return
      }
      case "Authenticate":
        if (pair === undefined) return
        pair.state = "authenticating"
        pair.bssid = cmd.bssid
        deliverAt(kernel, doneAt, nic, { _tag: "AuthRequest", vmac: pair.vmac, bssid: cmd.bssid, channel: cmd.channel })
        return
      case "Associate":
        if (pair === undefined) return
        pair.state = "associating"
        deliverAt(kernel, doneAt, nic, { _tag: "AssocRequest", vmac: pair.vmac, vm, bssid: cmd.bssid, ssid: cmd.ssid, passphrase: cmd.passphrase })
        return
      case "SetRate":
        if (pair === undefined) return
        // Only this VM's rate table changes: its own vMAC transmits at the new rate.
        pair.rateIndex = cmd.rateIndex
        journal.setRate(vm, cmd.rateIndex)
        deliverAt(kernel, doneAt, nic, { _tag: "SetVmacRate", vmac: pair.vmac, vm, phy: withRateIndex(options.phy, cmd.rateIndex) })
        return
      case "Disassociate":
        if (pair === undefined) return
        pair.state = "ready"
        deliverAt(kernel, doneAt, nic, { _tag: "Disassoc", vmac: pair.vmac })
        return
      case "TxDoorbell":
        return // the device model turns doorbells into Tx messages
    }
  }

  const transmit = (vm: number, frames: ReadonlyArray<Frame>): void => {
    const pair = pairs.get(vm)
    if (pair === undefined) {
      for (const f of frames) options.ledger.drop(f, "not-initialized")
      return
    }
    stats.txBatches++
    commandCost()
    const doneAt = cpu.charge("hostOtherPacket", frames.length)
    // TX goes straight to the VM's own vMAC.
    deliverAt(kernel, doneAt, nic, { _tag: "Transmit", vmac: pair.vmac, frames })
  }

  const interrupt = (events: ReadonlyArray<NicEvent>): void => {
    stats.interrupts++
    cpu.charge("hostIrq")
    let doneAt = cpu.charge("lock")
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
    for (const [vm, list] of perVm) {
      cpu.charge("irqForward")
      doneAt = cpu.charge("threadWakeup")
      toVm(vm, list, doneAt)
    }
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

  const keeper = housekeeping(kernel, nic, log, "driver", (events) => interrupt(events))
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
        interrupt(msg.events)
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
  options.monitor.watch({ ownerOfVmac: (vmac) => table.owner[vmac], memoryOf: (vm) => options.vms[vm]?.memoryBytes ?? 0 })
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
