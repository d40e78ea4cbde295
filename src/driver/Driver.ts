/**
 * The virtualization-augmented host WiFi driver (virtual-wifi mode). It owns the physical card and:
 * keeps the vMAC↔VM mapping table; keeps each (vMAC, VM) pair's configuration and connection state;
 * passes TX straight to the VM's vMAC; applies a rate command to that VM's rate table only; starts a
 * vMAC on init (a typed error when all K are taken); consolidates scans and serves recent results
 * from a cache; and demultiplexes received frames and events to the right VM's device model.
 *
 * Each pair's state machine is drawn in `PairState.ts`; the decisions are `DriverLogic.ts`'s, on the
 * state the actor runtime holds; this file is the actor's shell.
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
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { DeviceModelMessage as DeviceModelEvents } from "../device-model/DeviceModel.ts"
import type { Port } from "../actor/Port.ts"
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import * as ModelActor from "../actor/ModelActor.ts"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import type { CpuCore, ThreadId } from "../cpu/CpuCore.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { CardCommand } from "../vocabulary/CardCommand.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import type { NicHandle, NicMessage } from "../nic/Nic.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import { DRIVER_TICK_NS } from "../vocabulary/ModelConstants.ts"
import type { DriverJournal } from "./DriverJournal.ts"
import { DriverLogic, initialDriverState } from "./DriverLogic.ts"
import type { DriverState } from "./DriverLogic.ts"
import type { PairState } from "./PairState.ts"
import { every } from "./TxWatchdog.ts"
import type * as Vmacs from "./VmacTable.ts"

/**
 * Messages the driver's mailbox holds (a modelling choice, not a hardware figure): it held at most 4 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 14

export type { PairState } from "./PairState.ts"

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
  /** The host worker thread: the ioctls of VMs without an I/O thread of their own. */
  readonly workerThread: ThreadId
  readonly ledger: FrameLedger
  readonly nic: Pick<NicHandle, "macOf" | "registers" | "poll"> & Port<NicMessage>
  readonly vms: ReadonlyArray<VmPort>
  /** Survives crashes: who has which vMAC, at which rate. */
  readonly journal: DriverJournal
  readonly log: RecoveryLog
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
  /** The retry chain of each VM's last rate command, when it gave one. */
  readonly rateChainOf: (vm: number) => ReadonlyArray<ChainEntry> | undefined
  readonly mapping: () => Vmacs.VmacTable
  /** The MAC of the vMAC a VM holds (a device model restarting reads it back). */
  readonly macOfVm: (vm: number) => number | undefined
  /** vMACs released but not yet quiesced on the card. */
  readonly quiescing: () => ReadonlySet<number>
}

/**
 * The handle's readers look at the state the runtime holds, as of the last message. A class, so that
 * what reads it on every frame (the invariant monitor asks `mapping`) keeps one call target from one
 * world to the next.
 */
class DriverView implements DriverHandle {
  readonly ref: ModelActor.ModelRef<DriverMessage>
  readonly stats: DriverStats
  private readonly nic: DriverOptions["nic"]
  private readonly state: { current: DriverState }

  constructor(ref: ModelActor.ModelRef<DriverMessage>, stats: DriverStats, nic: DriverOptions["nic"], state: { current: DriverState }) {
    this.ref = ref
    this.stats = stats
    this.nic = nic
    this.state = state
  }

  pairState(vm: number): PairState | undefined {
    return this.state.current.pairs.get(vm)?.state
  }

  rateIndexOf(vm: number): number | undefined {
    return this.state.current.pairs.get(vm)?.rateIndex
  }

  rateChainOf(vm: number): ReadonlyArray<ChainEntry> | undefined {
    return this.state.current.pairs.get(vm)?.chain
  }

  mapping(): Vmacs.VmacTable {
    return this.state.current.table
  }

  macOfVm(vm: number): number | undefined {
    const pair = this.state.current.pairs.get(vm)
    return pair === undefined ? undefined : this.nic.macOf(pair.vmac)
  }

  quiescing(): ReadonlySet<number> {
    return this.state.current.quiescing
  }
}

export const make = Effect.fnUntraced(function*(options: DriverOptions): Effect.fn.Return<DriverHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const stats: DriverStats = {
    scanRequests: 0, physicalScans: 0, scanCacheHits: 0, commands: 0, txBatches: 0, interrupts: 0,
    spuriousInterrupts: 0, pollRecoveries: 0, watchdogResets: 0, firmwareResets: 0, restarts: 0
  }
  const logic = new DriverLogic(kernel, options, stats)
  /** The state the runtime holds, as of the last message (the handle's readers look at it). */
  const state = { current: initialDriverState(options.vmacs) }
  let crashedAtNs = 0
  const ref = yield* ModelActor.makeStateful<DriverMessage, DriverState>({
    name: "driver",
    capacity: MAILBOX_MESSAGES,
    initial: () => (state.current = initialDriverState(options.vmacs)),
    handle: (s, msg) => (state.current = logic.handle(s, msg)),
    crashed: (atNs) => {
      crashedAtNs = atNs
    },
    recover: () => (state.current = logic.recover(crashedAtNs))
  })
  every(kernel, DRIVER_TICK_NS, () => ref.tellUnsafe({ _tag: "Tick" }))
  return new DriverView(ref, stats, options.nic, state)
})
