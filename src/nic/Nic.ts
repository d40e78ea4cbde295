/**
 * The physical WiFi card: K vMAC actors (`Vmac.ts`: each its own MAC address, association, key, rate
 * and TX queue) over ONE radio (`Radio.ts`: one transmitter that contends on the air as one station,
 * on one channel at a time), DMA (through an IOMMU when one is configured, checked by each vMAC), and
 * an interrupt line to the driver (`CardStatus.ts`). This actor is the card's firmware core: it runs
 * the radio and routes the driver's commands to the vMACs.
 *
 * A crash of it is a firmware restart: the radio's tuning, its air queue, the TX rings (held by the
 * card, not this actor), the receive ring, the interrupt status and the vMACs survive, so no frame is
 * lost; a scan ends early.
 */
import * as Data from "effect/Data"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import type { ActorSystem } from "../actor/ActorSystem.ts"
import * as Air from "../air/Air.ts"
import { initialCw } from "../air/Backoff.ts"
import type { SignalMonitor } from "./BeaconSignal.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { fixedChain } from "../air/RetryChain.ts"
import type { RetryChain } from "../air/RetryChain.ts"
import { Station } from "../air/Station.ts"
import type { StationOwner } from "../air/Station.ts"
import { after, forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import { timingsFor } from "../air/Timing.ts"
import { Simulation } from "../kernel/Simulation.ts"
import { shareNumbers } from "../kernel/StableShapes.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import type { FrameLedger } from "../vocabulary/FrameLedger.ts"
import * as ModelActor from "../actor/ModelActor.ts"
import { SCANNER_MAC_OFFSET } from "../scenario/AddressPlan.ts"
import { RX_RING_BUFFERS, RxBuffers } from "../vocabulary/RxBuffers.ts"
import { CardStatus } from "./CardStatus.ts"
import type { IrqFaultAction, IrqStats } from "./CardStatus.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import { initialRadio, Radio } from "./Radio.ts"
import type { RadioState, RadioStats, RadioTime, RadioTimer } from "./Radio.ts"
import type { TxSchedulerKind } from "./TxScheduler.ts"
import { TxRings } from "./TxRings.ts"
import * as Vmac from "./Vmac.ts"
import { NicLogic } from "./NicLogic.ts"
import { psOff } from "./PowerSave.ts"
import type { PsConfig } from "./PowerSave.ts"
import { CardEnergyMeter } from "./RadioEnergy.ts"
import type { EnergyTimes } from "./RadioEnergy.ts"

/**
 * Messages the card's mailbox holds (a modelling choice, not a hardware figure): it held at most 16 in the model
 * workloads, the examples and native runs (measured 2026-12-03), so a full one means a flood or a bug.
 */
const MAILBOX_MESSAGES = 1 << 16

export type { AssocState, VmacRegisters } from "./Vmac.ts"
export type { IrqFaultAction } from "./CardStatus.ts"
export type { RadioTime } from "./Radio.ts"
export { CHANNEL_SWITCH_NS } from "./Radio.ts"

/**
 * The BlockAck buffer the card offers its APs: 64, mac80211's IEEE80211_MAX_AMPDU_BUF of the era
 * (net/mac80211 agg-rx.c answers an ADDBA request with at most that).
 */
export const CARD_BLOCK_ACK_WINDOW_MPDUS = 64

export type NicMessage = Data.TaggedEnum<{
  StartVmac: { readonly vmac: number; readonly iommuDomainBytes: number | undefined }
  StopVmac: { readonly vmac: number; readonly reason: string }
  Transmit: { readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  /** A VM's rate table entry: the retry chain its vMAC's data goes by. */
  SetVmacRate: { readonly vmac: number; readonly vm: number; readonly chain: RetryChain }
  /** The vMAC's driver turns its power save on (a config) or off (undefined). */
  SetVmacPowerSave: { readonly vmac: number; readonly config: PsConfig | undefined }
  Scan: { readonly channels: ReadonlyArray<number>; readonly dwellNs: number }
  AuthRequest: { readonly vmac: number; readonly bssid: number; readonly channel: number }
  AssocRequest: {
    readonly vmac: number
    readonly vm: number
    readonly bssid: number
    readonly ssid: string
    readonly passphrase: string | undefined
    /** Ask for U-APSD with this Max SP Length (undefined: do not). */
    readonly uapsdMaxSpLength: number | undefined
    /** The Listen Interval to announce (undefined: 1). */
    readonly listenInterval: number | undefined
    /** The driver knows this AP's beacon: the join's protection ends with the association (`ChannelPlan.joining`). */
    readonly beaconKnown: boolean
  }
  Disassoc: { readonly vmac: number }
  /** The driver's signal monitor for `vmac` (`BeaconSignal.ts`). */
  MonitorSignal: { readonly vmac: number; readonly monitor: SignalMonitor }
  /** The driver resets one vMAC (after a firmware error or a TX hang): queued TX is dropped, the association ends. */
  ResetVmac: { readonly vmac: number; readonly reason: string }
  /** Injected faults: a vMAC's firmware crashes (its actor crashes) or hangs (silently); interrupts misbehave. */
  FirmwareFault: { readonly vmac: number; readonly silent: boolean }
  IrqFault: { readonly action: IrqFaultAction; readonly count: number; readonly delayNs: number }
  // The radio's own traffic: from the air, from its vMACs, and its timers.
  /** Frames the radio received in one PPDU, at `signalDbm`. */
  Heard: { readonly frames: ReadonlyArray<Frame>; readonly signalDbm: number }
  Sent: { readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame> }
  RaiseIrq: {}
  BeaconCheck: {}
  /** A vMAC actor escalated (its supervisor gave up on it). */
  VmacFailed: { readonly vmac: number }
  /**
   * The driver handled `frames` received frames and posted their buffers again (its write to the
   * card's receive write pointer): the receive ring has them free.
   */
  RxRestock: { readonly frames: number }
}> | Vmac.FromVmac | Vmac.AssociationEnded | RadioTimer

export interface NicOptions {
  readonly vmacs: number
  /** MAC of vMAC 0; vMAC i is base + i (locally administered addresses). */
  readonly baseMac: number
  /** The radio's channel at power-on. */
  readonly homeChannel: number
  readonly phy: PhyConfig
  /** Its links use WMM: QoS data frames and EDCA's best-effort access category. */
  readonly qos: boolean
  /** 802.11n: MPDUs per A-MPDU at most, and an A-MPDU's airtime at most. */
  readonly ampduFramesMax: number
  readonly ampduTimeLimitNs: number
  /** The card's node in the radio environment (the host's). */
  readonly node?: number | undefined
  /** How the radio picks the next vMAC to serve. */
  readonly txScheduler: TxSchedulerKind
  /** How long the radio stays on a channel when vMACs need several. */
  readonly channelDwellNs: number
  readonly air: Air.AirHandle
  readonly ledger: FrameLedger
  /** Where interrupts go: the driver that owns the card. */
  readonly interrupt: (events: ReadonlyArray<NicEvent>) => void
}

export interface NicStats extends IrqStats, RadioStats {
  dmaFaults: number
  vmacResets: number
  /** vMAC actors whose supervisor gave up on them (escalated): stopped for good. */
  vmacsFailed: number
}

export interface NicHandle {
  readonly ref: ModelActor.ModelRef<NicMessage>
  readonly macOf: (vmac: number) => number
  readonly stats: NicStats
  /** A register read of one vMAC's state and TX counters. */
  readonly registers: (vmac: number) => Readonly<Vmac.VmacRegisters>
  /** What the vMACs report as it happens (DMA reads, writes to their rate or key), for checkers. */
  readonly traces: Vmac.CardTraces
  /** The vMAC actors, by index (what fault injection and tests reach). */
  readonly vmacs: ReadonlyArray<Vmac.VmacHandle>
  /** The radio's time split so far. */
  readonly radioTime: () => RadioTime
  /** The radio's time by power state (TX, RX, awake, asleep), whole and per vMAC, for the energy model. */
  readonly energyTimes: () => EnergyTimes
  /**
   * Reads and clears the card's event status: events no interrupt has delivered yet (one was lost, or
   * is held back). A driver's periodic poll calls it; `sinceNs` is when the oldest was raised.
   */
  readonly poll: () => { readonly events: ReadonlyArray<NicEvent>; readonly sinceNs: number }
}

/**
 * What the air tells the card's radio, as messages to the card. A class, so that the air's calls to a
 * station's owner keep their targets from one world to the next (closures per world deoptimised them).
 */
class RadioOwner implements StationOwner {
  private readonly nic: Port<NicMessage>

  constructor(nic: Port<NicMessage>) {
    this.nic = nic
  }

  received(_station: Station, frames: ReadonlyArray<Frame>, signalDbm: number): void {
    this.nic.tellUnsafe({ _tag: "Heard", frames, signalDbm })
  }

  sent(_station: Station, delivered: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>): void {
    this.nic.tellUnsafe({ _tag: "Sent", delivered, dropped })
  }
}

/** A vMAC's registers at power-on: stopped, no BSSID, no key, no power save. */
const registers = (channel: number, phy: PhyConfig, chain: RetryChain): Vmac.VmacRegisters => ({
  state: "stopped", bssid: 0, channel, iommuDomainBytes: undefined, phy, chain, keyId: 0, rsn: false, txQueued: 0, txCompleted: 0, ownInFlight: 0, signalMonitor: undefined, aid: 0, ps: psOff, wakeAtNs: 0, uapsd: false, joinStartedNs: 0
})
// Its BSSID and key identity go into every data frame it sends: shared, not boxed anew (`shareNumbers`).
shareNumbers(registers(0, undefined as unknown as PhyConfig, undefined as unknown as RetryChain), ["bssid", "keyId"])

export const make = Effect.fnUntraced(function*(options: NicOptions): Effect.fn.Return<NicHandle, never, Simulation | ActorSystem | Scope.Scope> {
  const { kernel } = yield* Simulation
  const { air, ledger } = options
  const self = forward<NicMessage>()
  const scannerMac = options.baseMac + SCANNER_MAC_OFFSET
  const burstFramesMax = options.phy.standard === "802.11n" ? options.ampduFramesMax : 1
  const traces = new Vmac.CardTraces()
  const vmacs: Array<Vmac.VmacHandle> = []
  // Until a rate command says otherwise, every attempt at the configured rate (what a fixed rate always does).
  const fixedRate = fixedChain(options.phy)
  for (let i = 0; i < options.vmacs; i++) {
    const regs = registers(options.homeChannel, options.phy, fixedRate)
    // A vMAC that crashes past its restart budget is dead firmware: the card reports it stopped for good.
    const parent = { childEscalated: () => void self.tellUnsafe({ _tag: "VmacFailed", vmac: i }) }
    vmacs.push(yield* Vmac.make({ index: i, mac: options.baseMac + i, regs, ledger, traces, nic: self, parent, qos: options.qos }))
  }
  // The radio: one station on the air, answering to the card's own address and every started vMAC's.
  const station = new Station({
    name: "card-radio", mac: scannerMac, channel: options.homeChannel, phy: options.phy, node: options.node, receivesBroadcast: true,
    maxAggregate: burstFramesMax, qos: options.qos, ampduTimeLimitNs: options.ampduTimeLimitNs, blockAckWindow: CARD_BLOCK_ACK_WINDOW_MPDUS,
    cwMin: initialCw(timingsFor(options.phy)),
    owner: new RadioOwner(self)
  })
  air.ref.tellUnsafe(Air.AirMessage.Attach({ station, attached: true }))
  const stats: NicStats = {
    interrupts: 0, irqsDropped: 0, irqsDuplicated: 0, irqsDelayed: 0, scans: 0, channelSwitches: 0, powerSaveNulls: 0, sleeps: 0, dmaFaults: 0, vmacResets: 0, vmacsFailed: 0
  }
  const status = new CardStatus(kernel, stats, self, options.interrupt)
  const rings = new TxRings(options.vmacs, options.phy, fixedRate, options.qos, options.ampduTimeLimitNs)
  // The radio meters its airtime and its time awake and asleep (the energy model).
  const energy = new CardEnergyMeter(options.baseMac, options.vmacs, kernel.nowNs)
  station.airtime = energy
  // The receive ring is the driver's buffers in host memory: like the status registers, it outlives a
  // restart of the card's firmware.
  const rxRing = new RxBuffers(RX_RING_BUFFERS)
  const radio = new Radio(kernel, { ...options, scannerMac, burstFramesMax }, { station, air: air.ref, ledger, vmacs, status, self, rings, stats, energy, rxRing })
  const logic = new NicLogic(kernel, { vmacs, station, radio, status, stats, ledger, self })
  let current: RadioState | undefined
  const ref = yield* ModelActor.makeStateful<NicMessage, RadioState>({
    name: "nic",
    capacity: MAILBOX_MESSAGES,
    initial: () => (current = initialRadio(options.homeChannel, kernel.nowNs)),
    handle: (r, msg) => logic.handle(r, msg),
    recover: (crashed) => (current = radio.restart(crashed))
  })
  self.set(ref)
  after(kernel, 0, self, { _tag: "BeaconCheck" })

  return {
    ref,
    macOf: (vmac) => options.baseMac + vmac,
    stats,
    traces,
    vmacs,
    registers: (vmac) => vmacs[vmac]!.regs,
    radioTime: () => radio.time(current!),
    energyTimes: () => radio.energyTimes(current!),
    poll: () => status.poll()
  }
})
