/**
 * Runs a scenario for its duration in a fresh simulation and reports (`RunReport`). The library's
 * main entry point; `vwifi run` is a thin shell over it.
 */
import * as Effect from "effect/Effect"
import { categories } from "../cpu/CpuCategory.ts"
import type { CostTable } from "../cpu/CostTable.ts"
import { cpuAccountingErrorNs } from "../cpu/CpuAccounting.ts"
import { cpuSince } from "../cpu/CpuWindow.ts"
import * as Simulation from "../kernel/Simulation.ts"
import type { FaultsReport, RunReport, VmReport } from "../report/RunReport.ts"
import type { RecoveryLog } from "../vocabulary/RecoveryLog.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import { CARD_BASE_MAC, macText, macValue } from "../scenario/AddressPlan.ts"
import { HOST_NODE } from "../environment/RadioEnvironment.ts"
import { apNode } from "../world/EnvironmentOf.ts"
import { locationReport } from "./LocationReport.ts"
import { percentile } from "./Percentile.ts"
import { energyOf } from "../nic/RadioEnergy.ts"
import { isConsistent } from "../driver/VmacTable.ts"
import { actorSummary, runWorld } from "./RunWorld.ts"
import { callbackProblems, costsProblems, timelineProblems, durationProblems, RunOptionsError, scenarioProblems, seedProblems, signalProblems } from "./RunOptionsCheck.ts"
import { MAX_FRAME_LIFETIME_NS } from "../vocabulary/ModelConstants.ts"
import type { World } from "../world/World.ts"
import type { Timeline } from "../timeline/Timeline.ts"
import { apRateControlOf, phyOf } from "../world/World.ts"
import { apRatesReport, ratesReport } from "../report/RatesReport.ts"
import type { PcapSink } from "../pcap/AirCapture.ts"
import { RunStoppedInWarmup } from "./RunStopped.ts"

export { MAX_FRAME_LIFETIME_NS } from "../vocabulary/ModelConstants.ts"

export interface RunScenarioOptions {
  readonly seed: number
  /** Overrides the scenario's duration. */
  readonly durationNs?: number | undefined
  readonly trace?: ((line: string) => void) | undefined
  readonly onProgress?: ((progress: Simulation.Progress) => void) | undefined
  /** Per-operation CPU costs (default: the table calibrated to Table 1). */
  readonly costs?: CostTable | undefined
  /** Stamp TX frames' path and report the time per stage (`RunReport.txPath`). Default off. */
  readonly txPath?: boolean | undefined
  /**
   * Capture every frame on the air as pcap (radiotap + 802.11, nanosecond timestamps of simulated
   * time) into this sink, a chunk at a time, the last when the run ends; the sink may keep the chunks
   * (the capture never writes to them again). One sink takes one run's capture: given to a second
   * run it would receive a second pcap file behind the first, which no reader takes. Default off.
   */
  readonly pcap?: PcapSink | undefined
  /** A timeline of the host (`timeline/Timeline.ts`), finished at the run's end. Default none. */
  readonly timeline?: Timeline | undefined
  /**
   * Stops the run early when it aborts (checked between the kernel's slices, about every 50 ms of
   * wall time; the first slice, while the JIT warms up, may take a few hundred ms):
   * the run ends at the virtual time it has reached, its capture and timeline are completed there,
   * and the report covers the run up to there, with `outcome` "stopped". Stopped within the warm-up,
   * it fails with `RunStoppedInWarmup`. Where a run stops depends on the wall clock: its seed does not
   * replay it. Default none.
   */
  readonly signal?: AbortSignal | undefined
}


/** Reads every figure of the report off a built system, at the current virtual time. */
/** The faults section: injected, recovered, restarted (from the recovery log and the actors' metrics). */
export const faultsReport = (log: RecoveryLog, actors: ActorSummary): FaultsReport => {
  const recoveriesByWhat: Record<string, { count: number; meanMs: number; maxMs: number }> = {}
  for (const [what, r] of log.recoveriesByWhat) recoveriesByWhat[what] = { count: r.count, meanMs: r.totalNs / r.count / 1e6, maxMs: r.maxNs / 1e6 }
  const actorRestarts: Record<string, number> = {}
  for (const a of actors.metrics) if (a.restarts > 0) actorRestarts[a.name] = a.restarts
  return {
    injected: log.faults,
    injectedByKind: Object.fromEntries(log.faultsByKind),
    skipped: log.skipped,
    skippedByReason: Object.fromEntries(log.skippedByReason),
    recoveries: log.recoveries,
    recoveriesByWhat,
    recent: log.recentRecoveries.map((r) => ({ what: r.what, target: r.target, atSeconds: r.sinceNs / 1e9, tookMs: (r.doneNs - r.sinceNs) / 1e6 })),
    actorRestarts,
    deadLetters: actors.deadLetters
  }
}

/** What the report needs of the actor system. */
export interface ActorSummary {
  readonly metrics: ReadonlyArray<{ readonly name: string; readonly restarts: number }>
  readonly deadLetters: number
}

/** The AP `bssid` of a VM at the end: its address, its mean signal at the host now and the SNR. */
const linkOf = (world: World, bssid: number | undefined, nowNs: number): { bssid: string | null; signalDbm: number | null; snrDb: number | null } => {
  const i = bssid === undefined ? -1 : world.scenario.aps.findIndex((a) => macValue(a.bssid) === bssid)
  const ap = world.scenario.aps[i]
  if (ap === undefined) return { bssid: null, signalDbm: null, snrDb: null }
  const signal = world.environment.meanSignalDbm(apNode(i), HOST_NODE, ap.channel ?? world.scenario.card.channel, nowNs)
  return { bssid: ap.bssid, signalDbm: signal, snrDb: signal - world.environment.noiseFloorDbm }
}

/** What a run's report holds but the world does not know: the seed, and what the run loop measured. */
type RunLoopFields = "seed" | "wallSeconds" | "outcome" | "traceDigest" | "eventsProcessed"

export const report = (world: World, nowNs: number, actors: ActorSummary = { metrics: [], deadLetters: 0 }): Omit<RunReport, RunLoopFields> => {
  const measuredS = Math.max(1e-9, (nowNs - world.warmupEndNs) / 1e9)
  const power = world.scenario.card.power
  const energy = energyOf(world.nic.energyTimes(), power)
  // The CPU, the radio's and the air's time are measured after the warm-up, as goodput is; the core's
  // accounting invariant holds over the whole run.
  const wholeCpu = world.cpu.snapshot()
  const cpu = cpuSince(world.warmup.cpu, wholeCpu)
  const measuredNs = world.warmup.cpu === undefined ? nowNs : nowNs - world.warmupEndNs
  const vms = world.vms.map((vm): VmReport => {
    const s = vm.guest.stats
    const d = vm.guest.driver()
    // A VM that moved between APs sent to more than one endpoint.
    const upBytes = world.endpoints.reduce((n, e) => n + (e.uplink.get(vm.index)?.bytes ?? 0), 0)
    const rtts = [...s.pingRttNs].sort((a, b) => a - b)
    const rejectedByReason: Record<string, number> = {}
    for (const [k, v] of Object.entries(vm.port.stats.rejectedByReason)) if (v !== undefined) rejectedByReason[k] = v
    return {
      name: vm.name,
      state: d.state,
      ssid: vm.ssid,
      mac: d.mac === undefined ? null : macText(d.mac),
      txFrames: s.txFrames,
      rxFrames: s.rxFrames,
      rejections: vm.port.rejected(),
      rejectedByReason,
      uplinkMbps: (upBytes * 8) / measuredS / 1e6,
      downlinkMbps: (s.rxBytesMeasured * 8) / measuredS / 1e6,
      ping: {
        sent: s.pingsSent,
        received: rtts.length,
        meanUs: rtts.length === 0 ? null : rtts.reduce((a, b) => a + b, 0) / rtts.length / 1e3,
        medianUs: rtts.length === 0 ? null : percentile(rtts, 50)! / 1e3,
        p99Us: rtts.length === 0 ? null : percentile(rtts, 99)! / 1e3
      },
      connectedAtSeconds: s.connectedAtNs === undefined ? null : s.connectedAtNs / 1e9,
      rateIndex: world.driver?.rateIndexOf(vm.index) ?? null,
      reconnects: s.reconnects,
      timeouts: s.timeouts,
      lastDataAtSeconds: s.lastDataNs === undefined ? null : s.lastDataNs / 1e9,
      linkProbes: s.linkProbes,
      resubscribes: s.resubscribes,
      ...linkOf(world, d.target?.bssid, nowNs),
      associations: s.associations.map((a) => ({ atSeconds: a.atNs / 1e9, bssid: macText(a.bssid), via: a.via, tookMs: a.tookNs / 1e6 })),
      associationCount: s.associationCount,
      roams: s.roams,
      backgroundScans: s.backgroundScans,
      location: locationReport(world.locators[vm.index], world.environment),
      rates: ratesReport(world.scenario.card.rateControl, phyOf(world.scenario), s, vm.guest.rateChain()),
      energyJoules: d.mac === undefined ? null : energy.vmacJoules[d.mac - CARD_BASE_MAC] ?? null
    }
  })
  const percentOf = (ns: number): number => (cpu.elapsedNs > 0 ? (100 * ns) / cpu.elapsedNs : 0)
  const breakdown: Record<string, number> = {}
  for (const c of categories) breakdown[c.id] = percentOf(cpu.breakdownNs[c.id]!)
  const vmName = (vm: number | undefined): string | null => (vm === undefined ? null : world.vms[vm]?.name ?? null)
  const vmCpu: Record<string, number> = {}
  for (const vm of world.vms) vmCpu[vm.name] = percentOf(cpu.vmBusyNs.get(vm.index) ?? 0)
  const mapping = world.driver?.mapping()
  const droppedByReason: Record<string, number> = {}
  for (const [k, v] of world.ledger.droppedByReason) droppedByReason[k] = v
  const m = world.monitor
  return {
    scenarioMode: world.scenario.mode,
    simulatedSeconds: nowNs / 1e9,
    vms,
    driver: {
      scanRequests: world.driver?.stats.scanRequests ?? 0,
      physicalScans: world.driver?.stats.physicalScans ?? world.nic.stats.scans,
      scanCacheHits: world.driver?.stats.scanCacheHits ?? 0,
      emulatedRegisterReads: world.vms.reduce((n, vm) => n + (vm.port.stats.emulatedReads ?? 0), 0),
      vmacs: mapping === undefined ? [] : mapping.owner.map((o) => (o === undefined ? null : world.vms[o]?.name ?? null))
    },
    cpu: {
      utilization: cpu.utilization,
      breakdown,
      threads: cpu.threads.map((t) => ({ name: t.name, vm: vmName(t.vm), percent: percentOf(t.busyNs) })),
      vms: vmCpu,
      contextSwitches: { count: cpu.contextSwitches, percent: percentOf(cpu.switchNs) }
    },
    air: {
      exchanges: world.air.stats.exchanges,
      collisions: world.air.stats.collisions,
      retries: world.air.stats.retries,
      answersLost: world.air.stats.answersLost,
      busyPercent: measuredNs > 0 ? (100 * (world.air.stats.busyNs - world.warmup.airBusyNs)) / measuredNs : 0,
      collisionsByStation: { ...world.air.stats.collisionsByStation },
      internalCollisions: world.air.stats.internalCollisions
    },
    aps: world.aps.map((ap, i) => {
      const spec = world.scenario.aps[i]!
      const s = ap.stats
      return {
        ssid: spec.ssid,
        bssid: spec.bssid,
        associations: s.associations,
        rejectedAssociations: s.rejectedAssociations,
        handshakes: s.handshakes,
        handshakeFailures: s.handshakeFailures,
        kickouts: s.kickouts,
        inactivityPolls: s.inactivityPolls,
        inactivityDisassociations: s.inactivityDisassociations,
        clockDriftPpm: ap.clockDriftPpm,
        rates: apRatesReport(apRateControlOf(world.scenario, spec), phyOf(world.scenario), s)
      }
    }),
    radio: radioReport(world, nowNs),
    energy: {
      cardJoules: energy.cardJoules,
      averageW: energy.averageW,
      txSeconds: energy.txSeconds,
      rxSeconds: energy.rxSeconds,
      listenSeconds: energy.listenSeconds,
      sleepSeconds: energy.sleepSeconds,
      unattributedJoules: energy.unattributedJoules,
      power: { ...power }
    },
    frames: {
      created: world.ledger.created,
      delivered: world.ledger.delivered,
      dropped: world.ledger.dropped,
      inFlight: world.ledger.inFlight,
      droppedByReason
    },
    invariants: {
      isolationViolations: m.isolationViolations,
      frameIsolation: m.frameIsolation,
      scanIsolation: m.scanIsolation,
      dmaIsolation: m.dmaIsolation,
      keyIsolation: m.keyIsolation,
      crossVmWrites: m.crossVmWrites,
      unaccountedFrames: world.ledger.unaccounted(nowNs, MAX_FRAME_LIFETIME_NS).length,
      mappingInconsistencies: world.audit.persisted + (mapping === undefined || isConsistent(mapping) ? 0 : 1),
      cpuAccountingErrorNs: cpuAccountingErrorNs(wholeCpu)
    },
    faults: faultsReport(world.log, actors)
  }
}

/** The radio's time after the warm-up (the whole run before the warm-up ends), in percent. */
const radioReport = (world: World, nowNs: number): RunReport["radio"] => {
  const t = world.nic.radioTime()
  const w = world.warmup.radio
  const measuredNs = w === undefined ? nowNs : nowNs - world.warmupEndNs
  const pct = (ns: number, before = 0): number => (measuredNs > 0 ? (100 * (ns - before)) / measuredNs : 0)
  const channelPercent: Record<string, number> = {}
  for (const [c, ns] of Object.entries(t.byChannelNs)) channelPercent[c] = pct(ns, w?.byChannelNs[c] ?? 0)
  return {
    channelPercent,
    switchingPercent: pct(t.switchingNs, w?.switchingNs),
    scanningPercent: pct(t.scanningNs, w?.scanningNs),
    channelSwitches: world.nic.stats.channelSwitches,
    powerSaveNulls: world.nic.stats.powerSaveNulls,
    sleepingPercent: pct(t.sleepingNs, w?.sleepingNs),
    wakingPercent: pct(t.wakingNs, w?.wakingNs),
    sleeps: world.nic.stats.sleeps
  }
}

/**
 * Runs `scenario` for its duration (or `durationNs`) with `seed`. Before anything runs, the scenario
 * gets the checks a decoded one passed (it may have been built or changed by hand), and a seed that is
 * not a whole number from 0 to 2^53 − 1, a `durationNs` that the scenario's checks refuse as
 * `durationSeconds`, a cost table with a missing, negative or non-finite cost, or a `timeline` that
 * recorded another run already fails with
 * `RunOptionsError`, every problem at once.
 */
export const runScenario = (scenario: Scenario, given: RunScenarioOptions): Effect.Effect<RunReport, RunOptionsError | RunStoppedInWarmup> =>
  Effect.flatMap(scenarioProblems(scenario), (scenarioProblemList): Effect.Effect<RunReport, RunOptionsError | RunStoppedInWarmup> => {
    // Called from JavaScript without options, the seed is missing: a problem to name, not a TypeError.
    const options: RunScenarioOptions = given ?? ({ seed: undefined } as unknown as RunScenarioOptions)
    const problems = [
      ...scenarioProblemList,
      ...seedProblems(options.seed),
      ...(options.durationNs === undefined || scenarioProblemList.length > 0 ? [] : durationProblems(scenario, options.durationNs)),
      ...(options.costs === undefined ? [] : costsProblems(options.costs)),
      ...signalProblems(options.signal),
      ...callbackProblems(options),
      // A scenario that failed its checks (null, say) has no duration to read: the window waits for a good one.
      ...(scenarioProblemList.length > 0 ? [] : timelineProblems(options.timeline, options.durationNs ?? scenario.durationSeconds * 1e9))
    ]
    return problems.length > 0 ? Effect.fail(new RunOptionsError({ problems })) : runChecked(scenario, options)
  })

/** `RunReport.outcome` of a run its caller stopped early (`RunScenarioOptions.signal`); a whole run's is "completed". */
export const STOPPED_OUTCOME = "stopped"

const runChecked = (scenario: Scenario, options: RunScenarioOptions): Effect.Effect<RunReport, RunStoppedInWarmup> => {
  const durationNs = options.durationNs ?? scenario.durationSeconds * 1e9
  return Effect.flatMap(
    runWorld(scenario, options, (world) =>
      Effect.gen(function*() {
        yield* Simulation.sleepUnlessStopped(durationNs, options.signal)
        // Whether stopped or not, the capture and the timeline end whole where the run ended.
        world.capture?.flush()
        options.timeline?.finish()
        const nowNs = (yield* Simulation.Simulation).kernel.nowNs
        if (nowNs < durationNs && nowNs <= world.warmupEndNs) return new RunStoppedInWarmup({ atSeconds: nowNs / 1e9, warmupSeconds: scenario.warmupSeconds })
        const r = report(world, nowNs, yield* actorSummary)
        const means = world.txPath?.meansUs()
        return { stopped: nowNs < durationNs, report: means === undefined || means === null ? r : { ...r, txPath: { frames: world.txPath!.frames, meanUs: means } } }
      })),
    ({ value, stats }) =>
      value instanceof RunStoppedInWarmup
        ? Effect.fail(value)
        : Effect.succeed(withRunStats(value.report, options.seed, stats, value.stopped ? STOPPED_OUTCOME : stats.outcome))
  )
}

/** A report of the world (`report`) completed with the run's seed and what the run loop measured. */
export const withRunStats = (
  partial: Omit<RunReport, RunLoopFields>,
  seed: number,
  stats: Simulation.RunStats,
  outcome: string = stats.outcome
): RunReport => ({
  ...partial,
  seed,
  wallSeconds: stats.wallTimeMs / 1e3,
  outcome,
  traceDigest: stats.traceDigest,
  eventsProcessed: stats.eventsProcessed
})
