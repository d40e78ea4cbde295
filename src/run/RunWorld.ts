/**
 * The one run loop: build a scenario's world in a fresh simulation, drive it, and return what the
 * driver returned with the run's figures. `runScenario`, the soak, the calibration and the tests all
 * run worlds through it. A run that does not complete (a runaway, a deadlock, a model defect) is a
 * bug of vwifi's, not the user's: it dies with the run's context.
 */
import * as Cause from "effect/Cause"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../actor/ActorSystem.ts"
import type { CostTable } from "../cpu/CostTable.ts"
import * as Simulation from "../kernel/Simulation.ts"
import { startFaults } from "../fault/FaultInjector.ts"
import { build } from "../world/World.ts"
import type { World } from "../world/World.ts"
import type { Scenario } from "../scenario/Scenario.ts"
import type { PcapSink } from "../pcap/AirCapture.ts"
import type { Timeline } from "../timeline/Timeline.ts"

export interface RunWorldOptions {
  readonly seed: number
  /** Receives the full trace, one JSON line per event (default: only the digest is kept). */
  readonly trace?: ((line: string) => void) | undefined
  readonly onProgress?: ((progress: Simulation.Progress) => void) | undefined
  /** Per-operation CPU costs (default: the table calibrated to Table 1). */
  readonly costs?: CostTable | undefined
  /** Stamp TX frames' path (`BuildOptions.txPath`). */
  readonly txPath?: boolean | undefined
  /** Capture the air as pcap into this sink (`BuildOptions.pcap`); the caller's `drive` flushes it. */
  readonly pcap?: PcapSink | undefined
  /** A timeline of the host to connect (`BuildOptions.timeline`); the caller finishes it. */
  readonly timeline?: Timeline | undefined
}

/** Builds `scenario` with `options.seed`, runs `drive` on the world, and returns its value with the run's stats. */
export const runWorld = <A>(
  scenario: Scenario,
  options: RunWorldOptions,
  drive: (world: World) => Effect.Effect<A, never, Simulation.Simulation | ActorSystem | Scope.Scope>
): Effect.Effect<{ readonly value: A; readonly stats: Simulation.RunStats }> =>
  Effect.flatMap(
    Simulation.run(
      Effect.gen(function*() {
        const world = yield* build(scenario, { costs: options.costs, txPath: options.txPath, pcap: options.pcap, timeline: options.timeline })
        // The fault schedule starts with the run (the world, a layer below the faults, knows nothing of them).
        yield* startFaults(world)
        return yield* drive(world)
      }).pipe(Effect.provide(ActorSystem.layer)),
      { seed: options.seed, trace: options.trace, onProgress: options.onProgress }
    ).pipe(Effect.orDie), // every caller checked its seed (`RunOptionsCheck.ts`) before
    ({ exit, stats }) =>
      Exit.isSuccess(exit)
        ? Effect.succeed({ value: exit.value, stats })
        : Effect.die(simulationFailure(stats, exit.cause))
  )

/** Why a run did not give its value, as one error (`SimulationFailed`), with what failed as its `cause`. */
const simulationFailure = (stats: Simulation.RunStats, cause: Cause.Cause<unknown>): SimulationFailed => {
  const first = Cause.squash(cause)
  const what = first instanceof Error && first.message !== "" ? first.message : Cause.pretty(cause)
  return new SimulationFailed(stats, what, first)
}

/**
 * A run that did not give its value (a deadlock, a runaway fiber, a failure of its program), as the
 * defect `runWorld` dies with (a callback of the caller's that threw is not one: the kernel dies with
 * the callback's error itself): its message says how it ended and when, `stats` what it had done,
 * `cause` what failed. A caller that judges runs (a fault campaign) reads it as a verdict.
 */
export class SimulationFailed extends Error {
  readonly stats: Simulation.RunStats
  /** What failed, in one line. */
  readonly what: string

  constructor(stats: Simulation.RunStats, what: string, cause: unknown) {
    // "Completed" with a failure is a failure: the message says so rather than "ended completed".
    super(`the simulation ${stats.outcome === "completed" ? "failed" : `ended ${stats.outcome}`} at ${stats.virtualTimeNs} ns: ${what}`, { cause })
    this.name = "SimulationFailed"
    this.stats = stats
    this.what = what
  }
}

/** The actor runtime's view of a run so far: every actor's metrics and the dead letters (for reports). */
export const actorSummary = Effect.map(Effect.service(ActorSystem), (system) => ({ metrics: system.metrics(), deadLetters: system.deadLetters().total }))
