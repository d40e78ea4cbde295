/** Helpers for model tests: decode a scenario object, build it in a simulation, drive it. */
import { assert } from "@effect/vitest"
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import type { PcapSink } from "../../src/pcap/AirCapture.ts"
import type { RunReport } from "../../src/report/RunReport.ts"
import { report, withRunStats } from "../../src/run/RunScenario.ts"
import { actorSummary, runWorld } from "../../src/run/RunWorld.ts"
import type { Frame } from "../../src/vocabulary/Frame.ts"
import type { World } from "../../src/world/World.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { caseScenario, FaultCase } from "../../src/fault/FaultCase.ts"
import { Schema } from "effect"

export const scenarioOf = (input: unknown): Effect.Effect<Scenario> => Effect.orDie(decodeScenario(input))

/** Builds `scenario` in a fresh simulation, runs `drive` against it, returns its value (the one run loop, `runWorld`). */
export const withWorld = <A, E>(
  scenario: Scenario,
  drive: (world: World) => Effect.Effect<A, E, Simulation.Simulation | ActorSystem | Scope.Scope>,
  seed = 1
): Effect.Effect<A> => Effect.map(runWorld(scenario, { seed }, (world) => Effect.orDie(drive(world))), ({ value }) => value)

export const vmNamed = (world: World, name: string) => {
  const vm = world.vms.find((v) => v.name === name)
  if (vm === undefined) throw new Error(`no VM named ${name}`)
  return vm
}

/** The vMAC the driver has given VM `vm` (its index); throws when the VM holds none. */
export const vmacOfVm = (world: World, vm: number): number => {
  const vmac = world.driver!.mapping().owner.indexOf(vm)
  if (vmac < 0) throw new Error(`VM ${vm} holds no vMAC`)
  return vmac
}

/** A run as `runScenario` makes it, with the ledger's live frames at its end and what `observe` gathered. */
export interface CheckedRun<O> {
  readonly report: RunReport
  /** Frames still live in the ledger when the run ended (neither delivered nor dropped), oldest first. */
  readonly live: ReadonlyArray<Frame>
  readonly endNs: number
  readonly warmupEndNs: number
  readonly observed: O
}

/**
 * Runs `scenario` for its duration (or `durationNs`) the way `runScenario` does (the same loop and
 * report) and keeps the ledger's live frames at the end, so that a test can bound a frame's life by
 * its own scenario (`assertNoStuckFrames`) rather than by the report's 15 s (`MAX_FRAME_LIFETIME_NS`),
 * which no run shorter than 15 s can exceed. `observe` sees the built world before time starts (to
 * connect a trace) and gives what the test reads at the end.
 */
export const runChecked = <O = undefined>(
  scenario: Scenario,
  options: { readonly seed: number; readonly durationNs?: number; readonly pcap?: PcapSink },
  observe?: (world: World) => O
): Effect.Effect<CheckedRun<O>> => {
  const durationNs = options.durationNs ?? scenario.durationSeconds * 1e9
  return Effect.map(
    runWorld(scenario, { seed: options.seed, pcap: options.pcap }, (world) =>
      Effect.gen(function*() {
        const observed = observe === undefined ? (undefined as O) : observe(world)
        yield* Simulation.sleep(durationNs)
        world.capture?.flush()
        const endNs = (yield* Simulation.Simulation).kernel.nowNs
        return { partial: report(world, endNs, yield* actorSummary), live: world.ledger.unaccounted(endNs, -1) /* every live frame */, endNs, warmupEndNs: world.warmupEndNs, observed }
      })),
    ({ stats, value: { partial, ...rest } }) => ({ ...rest, report: withRunStats(partial, options.seed, stats) })
  )
}

/**
 * Asserts that no frame (of those `which` picks) was still live `lifetimeNs` after its creation when
 * the run ended: it was lost without a record. The caller bounds a frame's legitimate life from its
 * scenario and says why. A bound as long as the measured part of the run could never be exceeded by a
 * frame made after the warm-up, and is refused.
 */
export const assertNoStuckFrames = <O>(run: CheckedRun<O>, lifetimeNs: number, which: (f: Frame) => boolean = () => true, label = ""): void => {
  if (!(lifetimeNs < run.endNs - run.warmupEndNs)) {
    throw new RangeError(`a ${lifetimeNs / 1e9} s lifetime is not shorter than the run after its warm-up (${(run.endNs - run.warmupEndNs) / 1e9} s): the check could not fail`)
  }
  const stuck = run.live.filter((f) => run.endNs - f.createdNs > lifetimeNs && which(f))
  const shown = stuck.slice(0, 3).map((f) => `#${f.id} kind ${f.kind} payload ${f.payload} owner ${f.owner} from ${f.src.toString(16)} to ${f.dst.toString(16)}, ${((run.endNs - f.createdNs) / 1e9).toFixed(3)} s old`)
  assert.strictEqual(stuck.length, 0, `${label}${stuck.length} frame(s) live longer than ${lifetimeNs / 1e9} s: ${shown.join("; ")}`)
}

/**
 * The phase, in µs, an AP had until 2026-12-04, when every AP's first beacon went in the run's first
 * millisecond, spread by BSSID in 97 steps: what a case found then needs to replay its sequence
 * (`apsInStep`; a case found since draws its APs' phases from its seed, as the campaign does).
 */
const phaseInStepUs = (bssid: string): number => Math.round((parseInt(bssid.replaceAll(":", ""), 16) % 97) * 1_000 / 97)

/**
 * A campaign's fault case (its JSON as a failure prints it) run as `runChecked` runs a scenario, at
 * the case's own seed: the scenario it stands for and the run (`pcap`: a capture of the air).
 */
export const runFaultCase = (raw: unknown, options: { readonly pcap?: PcapSink; readonly apsInStep?: boolean } = {}) =>
  Effect.gen(function*() {
    const { pcap, apsInStep = false } = options
    const faultCase = Schema.decodeUnknownSync(FaultCase)(raw)
    const drawn = yield* Effect.orDie(caseScenario(faultCase))
    const scenario = apsInStep ? { ...drawn, aps: drawn.aps.map((ap) => ({ ...ap, tbttOffsetUs: phaseInStepUs(ap.bssid) })) } : drawn
    const run = yield* runChecked(scenario, { seed: faultCase.seed, ...(pcap === undefined ? {} : { pcap }) })
    return { scenario, ...run }
  })
