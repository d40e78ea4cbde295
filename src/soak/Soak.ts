/**
 * `vwifi soak`: hours of virtual time with VMs booting, shutting down and moving between APs, light
 * mixed traffic and scheduled faults; a summary per simulated hour and one at the end. Memory must
 * stay flat (`MemoryVerdict.ts`).
 */
import * as Effect from "effect/Effect"
import { ActorSystem } from "../actor/ActorSystem.ts"
import * as Simulation from "../kernel/Simulation.ts"
import { runWorld } from "../run/RunWorld.ts"
import type { World } from "../world/World.ts"
import { faultsReport, report, STOPPED_OUTCOME } from "../run/RunScenario.ts"
import { invariantViolations } from "../report/RunReport.ts"
import type { SoakHour, SoakReport } from "../report/SoakReport.ts"
import { heapUsedAfterGc } from "./Heap.ts"
import { memoryVerdict } from "./MemoryVerdict.ts"
import { refuseProblems, signalProblems, soakProblems } from "../run/RunOptionsCheck.ts"
import type { RunOptionsError } from "../run/RunOptionsCheck.ts"
import { soakScenario } from "./SoakPlan.ts"
import type { SoakOptions } from "./SoakPlan.ts"

export type { SoakOptions } from "./SoakPlan.ts"

export interface SoakCallbacks {
  readonly onHour?: ((hour: SoakHour) => void) | undefined
  readonly onProgress?: ((progress: Simulation.Progress) => void) | undefined
  /**
   * Stops the soak early when it aborts (as `RunScenarioOptions.signal` stops a run): the hours
   * completed keep their lines, the hour under way gets none, and the end's summary covers the time
   * reached, with `outcome` "stopped".
   */
  readonly signal?: AbortSignal | undefined
}

/** Cumulative counters read at each hour's end; an hour's figures are differences. */
interface Totals {
  readonly bytes: number
  readonly busyNs: number
  /** Faults injected, the VMs' lifecycle events apart. */
  readonly faults: number
  readonly lifecycleEvents: number
  readonly recoveries: number
  readonly restarts: number
}

const totals = (world: World, restarts: number): Totals => ({
  bytes: world.endpoints.reduce((n, e) => n + [...e.uplink.values()].reduce((m, c) => m + c.bytes, 0), 0) +
    world.vms.reduce((n, vm) => n + vm.guest.stats.rxBytes, 0),
  busyNs: world.cpu.snapshot().busyNs,
  faults: world.log.faults - world.log.lifecycleEvents,
  lifecycleEvents: world.log.lifecycleEvents,
  recoveries: world.log.recoveries,
  restarts
})

export const runSoak = (options: SoakOptions, callbacks: SoakCallbacks = {}): Effect.Effect<SoakReport, RunOptionsError> =>
  Effect.gen(function*() {
    // Whole hours, VMs a card holds, a seed as it is: checked here, not found deep in the scenario.
    yield* refuseProblems([...soakProblems(options), ...signalProblems(callbacks.signal)])
    // The soak's scenario is generated, so a problem with it is a bug of vwifi's, not the user's; a
    // fault schedule drawn past its cap is the options' (`RunOptionsError`).
    const scenario = yield* soakScenario(options).pipe(Effect.catchTag("ScenarioError", Effect.die))
    const wallStart = performance.now()
    const { value, stats } = yield* runWorld(scenario, { seed: options.seed, onProgress: callbacks.onProgress }, (world) => Effect.gen(function*() {
      const system = yield* ActorSystem
      const restarts = () => system.metrics().reduce((n, a) => n + a.restarts, 0)
      const hours: Array<SoakHour> = []
      let before = totals(world, 0)
      const sim = yield* Simulation.Simulation
      for (let h = 1; h <= options.hours; h++) {
        yield* Simulation.sleepUnlessStopped(3600e9, callbacks.signal)
        if (sim.kernel.nowNs < h * 3600e9) break // stopped within hour h
        const now = totals(world, restarts())
        const inv = report(world, h * 3600e9).invariants
        // Ping samples are summarized per hour and dropped, so a day-long soak keeps flat memory.
        const rtts = world.vms.flatMap((vm) => vm.guest.stats.pingRttNs.splice(0))
        const hour: SoakHour = {
          hour: h,
          throughputMbps: ((now.bytes - before.bytes) * 8) / 3600 / 1e6,
          cpuPercent: (100 * (now.busyNs - before.busyNs)) / 3600e9,
          pingMeanUs: rtts.length === 0 ? null : rtts.reduce((a, b) => a + b, 0) / rtts.length / 1e3,
          faultsInjected: now.faults - before.faults,
          lifecycleEvents: now.lifecycleEvents - before.lifecycleEvents,
          recoveries: now.recoveries - before.recoveries,
          restarts: now.restarts - before.restarts,
          vmsConnected: world.vms.filter((vm) => vm.guest.driver().state === "connected").length,
          vmsPoweredOn: world.vms.filter((vm) => vm.guest.poweredOn()).length,
          invariantViolations: invariantViolations(inv),
          heapUsedMb: heapUsedAfterGc() / 2 ** 20,
          liveFibers: system.metrics().filter((a) => a.running).length,
          wallSeconds: (performance.now() - wallStart) / 1e3
        }
        hours.push(hour)
        callbacks.onHour?.(hour)
        before = now
      }
      const final = report(world, sim.kernel.nowNs, { metrics: system.metrics(), deadLetters: system.deadLetters().total })
      return { hours, final, reachedNs: sim.kernel.nowNs, faults: faultsReport(world.log, { metrics: system.metrics(), deadLetters: system.deadLetters().total }) }
    }))
    const { hours, final, reachedNs, faults } = value
    const memory = memoryVerdict(hours)
    const simulatedHours = reachedNs / 3600e9
    return {
      options,
      simulatedHours,
      wallSeconds: stats.wallTimeMs / 1e3,
      simulatedHoursPerWallMinute: simulatedHours / (stats.wallTimeMs / 60e3),
      outcome: simulatedHours < options.hours ? STOPPED_OUTCOME : stats.outcome,
      traceDigest: stats.traceDigest,
      hours,
      invariants: final.invariants,
      faults,
      vms: final.vms.map((vm) => ({ name: vm.name, state: vm.state, reconnects: vm.reconnects, timeouts: vm.timeouts })),
      memory
    }
  })
