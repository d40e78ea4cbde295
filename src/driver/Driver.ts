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
 */
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import type * as Actor from "../actor/Actor.ts"
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
import type { NicMessage } from "../nic/Nic.ts"
import { Status } from "../model/Frame.ts"
import * as Scan from "./ScanConsolidation.ts"
import * as Vmacs from "./VmacTable.ts"

export type PairState = "unbound" | "ready" | "authenticating" | "authenticated" | "associating" | "connected"

export type DriverMessage =
  | { readonly _tag: "Command"; readonly vm: number; readonly command: CardCommand }
  | { readonly _tag: "Tx"; readonly vm: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "Irq"; readonly events: ReadonlyArray<NicEvent> }
  | { readonly _tag: "VmGone"; readonly vm: number }

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
  readonly nic: { readonly tellUnsafe: (m: NicMessage) => boolean; readonly macOf: (vmac: number) => number }
  readonly vms: ReadonlyArray<VmPort>
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
}

export interface DriverHandle {
  readonly ref: Actor.ActorRef<DriverMessage>
  readonly stats: DriverStats
  /** Each VM's pair state (undefined when it has no vMAC). */
  readonly pairState: (vm: number) => PairState | undefined
  /** Each VM's rate table entry: the rate index it transmits at. */
  readonly rateIndexOf: (vm: number) => number | undefined
  readonly mapping: () => Vmacs.VmacTable
}

export const make = Effect.fnUntraced(function*(options: DriverOptions): Effect.fn.Return<DriverHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { cpu, nic } = options
  const stats: DriverStats = { scanRequests: 0, physicalScans: 0, scanCacheHits: 0, commands: 0, txBatches: 0, interrupts: 0 }
  let table = Vmacs.empty(options.vmacs)
  let scan = Scan.initial
  const pairs = new Map<number, Pair>()
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
        const got = Vmacs.allocate(table, vm)
        if (got === undefined) {
          toVm(vm, [{ _tag: "Rejected", command: "InitCard", reason: "no-free-vmac" }], doneAt)
          return
        }
        table = got.table
        if (pair === undefined) {
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
        deliverAt(kernel, doneAt, nic, { _tag: "AssocRequest", vmac: pair.vmac, bssid: cmd.bssid, ssid: cmd.ssid, passphrase: cmd.passphrase })
        return
      case "SetRate":
        if (pair === undefined) return
        // Only this VM's rate table changes: its own vMAC transmits at the new rate.
        pair.rateIndex = cmd.rateIndex
        deliverAt(kernel, doneAt, nic, { _tag: "SetVmacRate", vmac: pair.vmac, phy: withRateIndex(options.phy, cmd.rateIndex) })
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
      }
      push(vm, guestEventOf(e))
    }
    for (const [vm, list] of perVm) {
      cpu.charge("irqForward")
      doneAt = cpu.charge("threadWakeup")
      toVm(vm, list, doneAt)
    }
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
      case "VmGone": {
        const pair = pairs.get(msg.vm)
        if (pair !== undefined) nic.tellUnsafe({ _tag: "StopVmac", vmac: pair.vmac, reason: "vm-gone" })
        pairs.delete(msg.vm)
        table = Vmacs.release(table, msg.vm)
        scan = Scan.forget(scan, msg.vm)
        break
      }
    }
  })
  return {
    ref,
    stats,
    pairState: (vm) => pairs.get(vm)?.state,
    rateIndexOf: (vm) => pairs.get(vm)?.rateIndex,
    mapping: () => table
  }
})
