/**
 * Builds the Virtual WiFi system of a scenario out of actors, runs it, and reports. Helpers build
 * topologies; the actors never read the scenario.
 *
 * ```
 * guest ─▶ device model ─▶ augmented driver ─▶ NIC (vMACs) ─▶ air ─▶ AP ─▶ endpoint     virtual-wifi
 * guest ─▶ assigned card (direct) ────────────▶ NIC ─────────▶ air ─▶ AP ─▶ endpoint     passthrough / native
 * ```
 */
import { TU_NS } from "../air/Timing.ts"
import { apClockDriftsPpm, firstTbttNs } from "../ap/BeaconPhase.ts"
import { TxPathCollector } from "../vocabulary/TxPath.ts"
import { forward } from "../actor/Port.ts"
import type { Port } from "../actor/Port.ts"
import * as Effect from "effect/Effect"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../actor/ActorSystem.ts"
import type { ActorMetrics } from "../actor/ActorSystem.ts"
import * as Air from "../air/Air.ts"
import type { PhyConfig } from "../air/PhyConfig.ts"
import { rateLadder } from "../air/RateTable.ts"
import * as AccessPoint from "../ap/AccessPoint.ts"
import * as Endpoint from "../ap/Endpoint.ts"
import { WiredLink } from "../ap/WiredLink.ts"
import { calibratedCosts } from "../cpu/CalibratedCosts.ts"
import type { CostTable } from "../cpu/CostTable.ts"
import { CpuCore } from "../cpu/CpuCore.ts"
import type { CoreSlice, CpuSnapshot, ThreadId } from "../cpu/CpuCore.ts"
import type { RadioTime } from "../nic/Radio.ts"
import * as DeviceModel from "../device-model/DeviceModel.ts"
import * as DirectPort from "../host/DirectPort.ts"
import * as Driver from "../driver/Driver.ts"
import * as GuestVm from "../guest/GuestVm.ts"
import * as Simulation from "../kernel/Simulation.ts"
import type { Prng } from "../kernel/Prng.ts"
import type { RateControlKind } from "../ratecontrol/Controllers.ts"
import type { NicEvent } from "../vocabulary/NicEvent.ts"
import * as Nic from "../nic/Nic.ts"
import { DriverOwnership, SingleOwner } from "./MonitorOwnership.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { apChannel } from "../scenario/Scenario.ts"
import { FrameLedger } from "../vocabulary/FrameLedger.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { CARD_BASE_MAC, ENDPOINT_BASE_MAC, macValue } from "../scenario/AddressPlan.ts"
import { GuestMemory } from "../vocabulary/GuestMemory.ts"
import type * as ModelActor from "../actor/ModelActor.ts"
import { InvariantMonitor } from "../check/InvariantMonitor.ts"
import type { Timeline } from "../timeline/Timeline.ts"
import { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import { DriverJournal } from "../driver/DriverJournal.ts"
import { every } from "../driver/TxWatchdog.ts"
import { MappingAudit, mappingProblems } from "../check/MappingAudit.ts"
import { MAPPING_AUDIT_PERIOD_NS } from "../vocabulary/ModelConstants.ts"
import { HOST_NODE } from "../environment/RadioEnvironment.ts"
import type { RadioEnvironment } from "../environment/RadioEnvironment.ts"
import type { LocationService } from "../location/LocationService.ts"
import { apNode, locationServiceOf, radioEnvironmentOf, roamingPolicyOf } from "./EnvironmentOf.ts"
import { AirCapture } from "../pcap/AirCapture.ts"
import type { PcapSink } from "../pcap/AirCapture.ts"


/** Endpoint i's address. */
const endpointMac = (i: number): number => ENDPOINT_BASE_MAC + i

export const phyOf = (scenario: Scenario): PhyConfig => scenario.card.phy as PhyConfig

/** The rate control an AP runs for its stations: its own, else the card's. */
export const apRateControlOf = (scenario: Scenario, ap: Scenario["aps"][number]): RateControlKind => ap.rateControl ?? scenario.card.rateControl

/** One VM of a built system, as the library API exposes it. */
export interface VmHandle {
  readonly index: number
  readonly name: string
  readonly ssid: string
  readonly guest: GuestVm.GuestHandle
  readonly port: {
    /** The device model (virtual-wifi) or the assigned card's host side (passthrough, native). */
    readonly ref: Port<{ readonly _tag: "VmReset" } | ModelActor.Control> & {
      readonly name: string
      readonly metrics: () => ActorMetrics
    }
    readonly rejected: () => number
    readonly stats: {
      readonly rejectedByReason: Partial<Record<string, number>>
      /** Register reads the device model answered itself (virtual-wifi). */
      readonly emulatedReads?: number
      /** Interrupts injected into the VM (virtual-wifi). */
      readonly virtualIrqs?: number
      /** The card's interrupts its host side handled (passthrough, native). */
      readonly interrupts?: number
    }
  }
}

/** Totals taken when the warm-up ended. */
export interface WarmupMark {
  cpu: CpuSnapshot | undefined
  radio: RadioTime | undefined
  airBusyNs: number
}

/** A built system: every actor's handle, for driving guests and reading results. */

export interface World {
  readonly scenario: Scenario
  readonly cpu: CpuCore
  readonly ledger: FrameLedger
  readonly air: Air.AirHandle
  readonly nic: Nic.NicHandle
  readonly driver: Driver.DriverHandle | undefined
  readonly aps: ReadonlyArray<AccessPoint.ApHandle>
  readonly endpoints: ReadonlyArray<Endpoint.EndpointHandle>
  readonly vms: ReadonlyArray<VmHandle>
  readonly warmupEndNs: number
  /** The core's, the radio's and the air's totals when the warm-up ended (unset before): a report measures from there. */
  readonly warmup: WarmupMark
  readonly monitor: InvariantMonitor
  readonly log: RecoveryLog
  /** The augmented driver's journal (virtual-wifi), kept across its crashes. */
  readonly journal: DriverJournal | undefined
  readonly audit: MappingAudit
  /** With `BuildOptions.txPath`: where TX frames' time went, stage by stage. */
  readonly txPath: TxPathCollector | undefined
  /** Positions, the host's walk and the propagation model. */
  readonly environment: RadioEnvironment
  /** Each VM's location service (by VM index), when it runs one. */
  readonly locators: ReadonlyArray<LocationService | undefined>
  /** With `BuildOptions.pcap`: the capture of the air (flush it when the run ends). */
  readonly capture: AirCapture | undefined
}

export interface BuildOptions {
  /** Per-operation CPU costs (default: the table calibrated to Table 1, `cpu/CalibratedCosts.ts`). */
  readonly costs?: CostTable | undefined
  /** Stamp every TX frame's path and collect the time per stage (`vocabulary/TxPath.ts`). Default off. */
  readonly txPath?: boolean | undefined
  /**
   * Capture every frame on the air as pcap with radiotap headers, into this sink (`pcap/AirCapture.ts`),
   * a chunk at a time: flush `World.capture` when the run ends, or the last chunk never reaches the
   * sink (`runScenario` does it). Default off.
   */
  readonly pcap?: PcapSink | undefined
  /**
   * Connect this timeline of the host (`timeline/Timeline.ts`) to the core, the actors and the TX path:
   * call its `finish()` when the run ends, or its file is not whole JSON (`runScenario` does it). Default none.
   */
  readonly timeline?: Timeline | undefined
}

/** Builds every actor of `scenario` in the current simulation and boots the guests. */
export const build = Effect.fnUntraced(function*(scenario: Scenario, options: BuildOptions = {}): Effect.fn.Return<World, never, Simulation.Simulation | ActorSystem | Scope.Scope> {
  const sim = yield* Simulation.Simulation
  const kernel = sim.kernel
  const phy = phyOf(scenario)
  const cpu = yield* CpuCore.make({ ghz: scenario.host.cpuGhz, costs: options.costs ?? calibratedCosts })
  const ledger = new FrameLedger()
  const monitor = new InvariantMonitor()
  const log = new RecoveryLog()
  const journal = scenario.mode === "virtual-wifi" ? new DriverJournal() : undefined
  const warmupEndNs = kernel.nowNs + scenario.warmupSeconds * 1e9
  const environment = radioEnvironmentOf(scenario, sim.stream)
  const air = yield* Air.make(ledger, environment)
  // The TX path's stamps, collected after the warm-up, when asked for.
  const txPath = options.txPath === true ? new TxPathCollector() : undefined
  if (txPath !== undefined) {
    air.traces.txPathDone.connect((f, nowNs) => {
      if (nowNs >= warmupEndNs) txPath.done(f, nowNs)
    })
  }
  const capture = options.pcap === undefined ? undefined : new AirCapture(options.pcap, phy)
  if (capture !== undefined) air.traces.ppdu.connect((p, nowNs) => capture.ppdu(p, nowNs))
  const timeline = options.timeline
  if (timeline !== undefined) {
    timeline.attachCore({ threadNames: () => cpu.snapshot().threads.map((t) => t.name), reportRunning: () => cpu.reportRunning() })
    const ran = (s: CoreSlice) => timeline.ran(s)
    const acked = (f: Frame, nowNs: number) => timeline.acked(f, nowNs)
    cpu.traces.ran.connect(ran)
    sim.trace.observe(timeline)
    air.traces.txPathDone.connect(acked)
    timeline.detachWith({
      core: () => cpu.traces.ran.disconnect(ran),
      actors: () => sim.trace.unobserve(timeline),
      frames: () => air.traces.txPathDone.disconnect(acked)
    })
  }
  // Frames carry TX path stamps for the collector or the timeline.
  const stampTxPath = txPath !== undefined || timeline !== undefined


  // APs and the wired endpoints behind them.
  const aps: Array<AccessPoint.ApHandle> = []
  const endpoints: Array<Endpoint.EndpointHandle> = []
  const clockDriftsPpm = apClockDriftsPpm(
    scenario.aps.map((spec) => ({ bssid: spec.bssid, channel: apChannel(scenario, spec), clockDriftPpm: spec.clockDriftPpm })),
    (name) => sim.stream(name).nextDoubleUnsafe()
  )
  for (const [i, spec] of scenario.aps.entries()) {
    const apRef = forward<AccessPoint.ApMessage>()
    const epRef = forward<Endpoint.EndpointMessage>()
    const bssid = macValue(spec.bssid)
    const wiredLatencyNs = spec.endpoint.wiredLatencyUs * 1e3
    const ap = yield* AccessPoint.make({
      name: `ap-${spec.ssid}`,
      ssid: spec.ssid,
      bssid,
      channel: apChannel(scenario, spec),
      signalDbm: spec.signalDbm,
      node: spec.position === undefined ? undefined : apNode(i),
      beaconIntervalNs: spec.beaconIntervalTu * TU_NS,
      // Each AP's own stream: the phases of the others, and every other draw, stay as they are.
      firstTbttNs: firstTbttNs(spec.tbttOffsetUs, spec.beaconIntervalTu * TU_NS, () => sim.stream(`beacon-phase/${spec.bssid}`).nextDoubleUnsafe()),
      clockDriftPpm: clockDriftsPpm[i]!,
      dtimPeriod: spec.dtimPeriod,
      maxInactivityNs: spec.maxInactivitySeconds * 1e9,
      passphrase: spec.security.kind === "wpa2-psk" ? spec.security.passphrase : undefined,
      phy,
      rateControl: apRateControlOf(scenario, spec),
      qos: scenario.card.qos,
      blockAckWindow: spec.blockAckWindow,
      uplink: new WiredLink(spec.endpoint.wiredRateMbps, wiredLatencyNs, ledger),
      air,
      ledger,
      endpoint: epRef
    })
    const ep = yield* Endpoint.make({
      name: `endpoint-${spec.ssid}`,
      mac: endpointMac(i),
      bssid,
      downlink: new WiredLink(spec.endpoint.wiredRateMbps, wiredLatencyNs, ledger),
      warmupEndNs,
      ledger,
      ap: () => apRef
    })
    apRef.set(ap.ref)
    epRef.set(ep.ref)
    aps.push(ap)
    endpoints.push(ep)
  }

  const irq = forward<{ readonly _tag: "Irq"; readonly events: ReadonlyArray<NicEvent> }>()
  const nic = yield* Nic.make({
    vmacs: scenario.card.vmacs,
    baseMac: CARD_BASE_MAC,
    homeChannel: scenario.card.channel,
    phy,
    txScheduler: scenario.card.txScheduler,
    channelDwellNs: scenario.card.channelDwellMs * 1e6,
    qos: scenario.card.qos,
    ampduFramesMax: scenario.card.ampduFramesMax,
    ampduTimeLimitNs: scenario.card.ampduTimeLimitUs * 1e3,
    node: HOST_NODE,
    air,
    ledger,
    interrupt: (events) => irq.tellUnsafe({ _tag: "Irq", events })
  })
  // The invariant monitor observes the card; the card does not know it.
  nic.traces.dmaRead.connect((vmac, frames) => monitor.transmitted(vmac, frames))
  nic.traces.vmacWritten.connect((vm, vmac) => monitor.wrote(vm, vmac))
  nic.traces.keyInstalled.connect((vm, keyId) => monitor.keyInstalled(vm, keyId))
  nic.traces.sentUnderKey.connect((vmac, frames) => monitor.sentUnderKey(vmac, frames))
  nic.traces.acceptedUnderKey.connect((vmac, f) => monitor.acceptedUnderKey(vmac, f))
  for (const ap of aps) ap.traces.acceptedUnderKey.connect((_station, f) => monitor.acceptedUnderKey(undefined, f))
  // A `Forward` to the card's address, not a copy of its `tellUnsafe` (a method now): one call target in every world.
  const nicPort = Object.assign(forward<Nic.NicMessage>(), { macOf: nic.macOf, registers: nic.registers, poll: nic.poll })
  nicPort.set(nic.ref)

  const memories = scenario.vms.map((vm) => new GuestMemory(vm.memoryMb * 1024 * 1024))
  const guestRefs = scenario.vms.map(() => forward<GuestVm.GuestMessage>())
  const endpointMacOf = (bssid: number): number => {
    const i = scenario.aps.findIndex((a) => macValue(a.bssid) === bssid)
    return endpointMac(i < 0 ? 0 : i)
  }
  const rateCount = rateLadder(phy).length
  const vms: Array<VmHandle> = []
  let driver: Driver.DriverHandle | undefined

  const flowsOf = (vm: Scenario["vms"][number]): Array<GuestVm.Flow> =>
    vm.traffic.flatMap((t): Array<GuestVm.Flow> => {
      switch (t.kind) {
        case "udp-tx":
        case "udp-rx":
          return [{ kind: t.kind, offeredMbps: t.offeredMbps, payloadBytes: t.payloadBytes }]
        case "ping":
          return [{ kind: "ping", intervalNs: t.intervalMs * 1e6, payloadBytes: t.payloadBytes }]
        case "tcp-tx":
        case "tcp-rx":
          return [{ kind: t.kind, offeredMbps: t.offeredMbps, mssBytes: t.payloadBytes }]
        case "locate":
          return [{ kind: "locate", intervalNs: t.intervalMs * 1e6 }]
      }
    })

  // Each VM with a "locate" flow runs a location service whose database is the placed APs.
  const locators = scenario.vms.map((vm) => (vm.traffic.some((t) => t.kind === "locate") ? locationServiceOf(scenario) : undefined))

  const makeGuest = (index: number, thread: ThreadId, port: Port<GuestVm.RegisterWrite>) => {
    const vm = scenario.vms[index]!
    return GuestVm.make({
      vm: index,
      name: scenario.mode === "native" ? "host" : vm.name,
      ssid: vm.ssid,
      passphrase: vm.passphrase,
      scanChannels: scenario.driver.scanChannels,
      roaming: roamingPolicyOf(vm),
      locator: locators[index],
      powerSave: vm.powerSave,
      flows: flowsOf(vm),
      memory: memories[index]!,
      cpu,
      thread,
      packetCost: scenario.mode === "native" ? "hostStackPacket" : "guestPacket",
      // Natively the stack's receive work runs in the NET_RX softirq (DirectPort.ts), not the application's thread.
      rxPacketCost: scenario.mode === "native" ? undefined : "guestRxPacket",
      socketCosts: scenario.mode === "native" ? undefined : GuestVm.GUEST_SOCKET_COSTS,
      // Natively the host's handler ran on the card's side (DirectPort.ts); an assigned card's register
      // read reaches the card, a Virtual WiFi VM's traps (the device model counts it).
      irqCosts: scenario.mode === "native" ? [] : scenario.mode === "passthrough" ? ["guestIrq", "guestIrqRegisterRead"] : ["guestIrq"],
      commandCost: scenario.mode === "native" ? "driverCommand" : "guestCommand",
      ledger,
      port,
      endpointMacOf,
      warmupEndNs,
      log,
      rates: {
        rateControl: scenario.card.rateControl,
        phy,
        // One stream per VM for all its associations: Minstrel's sample tables replay with the seed.
        rateRandom: () => (rateStreams[index] ??= sim.stream(`rate-control/${vm.name}`))
      }
    })
  }
  const rateStreams: Array<Prng | undefined> = []

  if (scenario.mode === "virtual-wifi") {
    const dmRefs = scenario.vms.map(() => forward<DeviceModel.DeviceModelMessage>())
    // Per VM a vCPU thread (qemu-kvm runs one per vCPU; the seed's VMs have one) and its device model's I/O thread.
    const vcpuThreads = scenario.vms.map((vm, i) => cpu.thread(`vcpu-${vm.name}`, i))
    const ioThreads = scenario.vms.map((vm, i) => cpu.thread(`io-${vm.name}`, i))
    driver = yield* Driver.make({
      vmacs: scenario.card.vmacs,
      phy,
      iommu: scenario.switches.addressTranslation === "iommu",
      scanChannels: scenario.driver.scanChannels,
      scanDwellNs: scenario.driver.scanDwellMs * 1e6,
      scanCacheAgeNs: scenario.driver.scanCacheAgeMs * 1e6,
      cpu,
      workerThread: cpu.thread("host-driver-worker"),
      ledger,
      nic: nicPort,
      vms: scenario.vms.map((_, i) => ({ memoryBytes: memories[i]!.sizeBytes, ioThread: ioThreads[i]!, events: dmRefs[i]! })),
      journal: journal!,
      log
    })
    const theDriver = driver
    irq.set(driver.ref)
    monitor.watch(new DriverOwnership(theDriver, memories.map((m) => m.sizeBytes)))
    for (const [i, vm] of scenario.vms.entries()) {
      const dm = yield* DeviceModel.make({
        vm: i,
        name: `dm-${vm.name}`,
        memory: memories[i]!,
        rateCount,
        softwareTranslation: scenario.switches.addressTranslation === "software",
        coalescing: {
          enabled: scenario.switches.interruptCoalescing.enabled,
          frames: scenario.switches.interruptCoalescing.frames,
          delayNs: scenario.switches.interruptCoalescing.delayUs * 1e3,
          adaptive: scenario.switches.interruptCoalescing.adaptive
        },
        fastDataPath: scenario.switches.fastDataPath,
        nic: nic.ref,
        baseMac: CARD_BASE_MAC,
        cpu,
        vcpuThread: vcpuThreads[i]!,
        ioThread: ioThreads[i]!,
        ledger,
        driver: driver.ref,
        guest: guestRefs[i]!,
        macFromDriver: () => theDriver.macOfVm(i),
        log,
        stampTxPath
      })
      dm.traces.unaskedScanAnswer.connect(() => void monitor.scanIsolation++)
      dmRefs[i]!.set(dm.ref)
      const guest = yield* makeGuest(i, vcpuThreads[i]!, dm.ref)
      guestRefs[i]!.set(guest.ref)
      vms.push({ index: i, name: vm.name, ssid: vm.ssid, guest, port: dm })
    }
  } else {
    // passthrough: the one VM owns the card; native: the host runs the driver and the traffic.
    const vm = scenario.vms[0]
    if (vm !== undefined) {
      // Passthrough: the VM's vCPU thread; natively the application's thread and a kernel worker for the driver's tick.
      const guestThread = scenario.mode === "native" ? cpu.thread("host-application", 0) : cpu.thread(`vcpu-${vm.name}`, 0)
      const port = yield* DirectPort.make({
        mode: scenario.mode,
        memory: memories[0]!,
        phy,
        scanDwellNs: scenario.driver.scanDwellMs * 1e6,
        cpu,
        guestThread,
        ledger,
        nic: nicPort,
        guest: guestRefs[0]!,
        log,
        stampTxPath
      })
      // Natively the host owns all memory; an assigned card may reach only its VM's.
      monitor.watch(new SingleOwner(scenario.mode === "native" ? Infinity : memories[0]!.sizeBytes))
      irq.set(port.ref)
      const guest = yield* makeGuest(0, guestThread, port.ref)
      guestRefs[0]!.set(guest.ref)
      vms.push({ index: 0, name: scenario.mode === "native" ? "host" : vm.name, ssid: vm.ssid, guest, port })
    } else {
      irq.set({ tellUnsafe: () => true })
    }
  }

  // The invariant monitor observes what the guests receive; the guests do not know it.
  for (const vm of vms) vm.guest.traces.frameReceived.connect((at, owner) => monitor.delivered(at, owner))
  for (const vm of vms) vm.guest.ref.tellUnsafe({ _tag: "Boot" })

  // The mapping invariant is audited once a simulated second; the fault schedule starts now.
  const audit = new MappingAudit()
  if (driver !== undefined && journal !== undefined) {
    const d = driver
    every(kernel, MAPPING_AUDIT_PERIOD_NS, () =>
      audit.audit(mappingProblems(d.mapping(), d.quiescing(), (v) => nic.registers(v).state !== "stopped", journal.entries())))
  }
  // What a report measures after the warm-up starts from the totals here, as goodput does.
  const warmup: WarmupMark = { cpu: undefined, radio: undefined, airBusyNs: 0 }
  kernel.setTimer(warmupEndNs, () => {
    warmup.cpu = cpu.snapshot()
    warmup.radio = nic.radioTime()
    warmup.airBusyNs = air.stats.busyNs
  })
  return { scenario, cpu, ledger, air, nic, driver, aps, endpoints, vms, warmupEndNs, warmup, monitor, log, journal, audit, txPath, environment, locators, capture }
})
