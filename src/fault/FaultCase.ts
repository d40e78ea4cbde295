/**
 * A generated test case for fault injection: a small topology (1..4 VMs, 1..4 APs, mixed light
 * traffic, a mode) and a fault schedule, as plain numbers a property-test generator can draw and
 * shrink. `caseScenario` turns it into a scenario; `caseVerdict` says what went wrong in its run.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { RunReport } from "../report/RunReport.ts"
import { faultEndSeconds } from "../scenario/FaultSchedule.ts"
import type { Scenario, ScenarioInput } from "../scenario/Scenario.ts"
import { decodeScenario, ScenarioError } from "../scenario/ScenarioLoad.ts"
import { parseOptions, problemsFromIssue } from "../scenario/ScenarioIssues.ts"
import { DEFAULT_PASSPHRASE } from "../scenario/Scenario.ts"
import { faultFromDraw } from "./FaultPlan.ts"
import { SimulationFailed } from "../run/RunWorld.ts"

/** After the last fault has ended, every VM must be connected again within this long (simulated). */
export const RECONNECT_BOUND_SECONDS = 15

/** Every generated flow moves a frame at least every few hundred ms; silence longer than this is a stall. */
const DATA_SILENCE_SECONDS = 2

const int = (minimum: number, maximum: number) => Schema.Int.check(Schema.isBetween({ minimum, maximum }))

// A case's bounds, which the generator draws over evenly and the shrinker stays inside: small worlds
// (a case runs in about a second) with up to six faults in their first 8 s. Modelling choices.
export const MAX_CASE_SEED = 1_000_000
/** 0, 1: virtual-wifi; 2: passthrough; 3: native (Virtual WiFi is the system under test: half the cases). */
export const CASE_MODES = 4
export const MAX_CASE_VMS = 4
export const MAX_CASE_APS = 4
/** Traffic flows a case lists (one per VM, the first `vms` used). */
export const CASE_TRAFFIC_FLOWS = 4
export const MAX_CASE_FAULTS = 6
/** When a fault may happen, tenths of a second: 0.5 s .. 8 s. */
export const MIN_FAULT_AT_TENTHS = 5
export const MAX_FAULT_AT_TENTHS = 80
/** A draw's values, 0..999 (thousandths): integers spread over their range where generated floats crowd at 0. */
export const DRAW_VALUES = 1000
const unit = int(0, DRAW_VALUES - 1)

export const FaultCase = Schema.Struct({
  seed: int(1, MAX_CASE_SEED),
  mode: int(0, CASE_MODES - 1),
  vms: int(1, MAX_CASE_VMS),
  aps: int(1, MAX_CASE_APS),
  traffic: Schema.Array(Schema.Literals(["ping", "udp-tx", "udp-rx", "tcp-tx", "tcp-rx"])).check(Schema.isBetweenLength(CASE_TRAFFIC_FLOWS, CASE_TRAFFIC_FLOWS)),
  faults: Schema.Array(Schema.Struct({
    atTenths: int(MIN_FAULT_AT_TENTHS, MAX_FAULT_AT_TENTHS),
    kind: unit,
    target: unit,
    size: unit
  })).check(Schema.isBetweenLength(1, MAX_CASE_FAULTS))
})
export type FaultCase = typeof FaultCase.Type

const CHANNELS = [6, 1, 11, 6]

const checkCase = Schema.encodeUnknownEffect(FaultCase)

/** Where a case's problems come from, in a `ScenarioError`. */
export const FAULT_CASE_SOURCE = "(fault case)"

/**
 * The scenario of a case: APs `ap0..`, VMs `vm0..` spread over them, faults from the draws. A case
 * outside `FaultCase`'s bounds (built by hand: 0 VMs, mode 9) is a `ScenarioError` naming its fields.
 */
export const caseScenario = (c: FaultCase): Effect.Effect<Scenario, ScenarioError> =>
  Effect.gen(function*() {
    yield* Effect.suspend(() => checkCase(c, parseOptions)).pipe(
      Effect.mapError((error) => new ScenarioError({ source: FAULT_CASE_SOURCE, problems: problemsFromIssue(error.issue) }))
    )
    const mode = c.mode <= 1 ? "virtual-wifi" : c.mode === 2 ? "passthrough" : "native"
    const vmCount = mode === "virtual-wifi" ? c.vms : 1
    const input: ScenarioInput = {
      mode,
      durationSeconds: 10,
      aps: Array.from({ length: c.aps }, (_, i) => ({ ssid: `ap${i}`, bssid: `02:00:00:00:01:0${i}`, channel: CHANNELS[i]! })),
      vms: Array.from({ length: vmCount }, (_, i) => ({
        name: `vm${i}`,
        ssid: `ap${i % c.aps}`,
        passphrase: DEFAULT_PASSPHRASE,
        traffic: [trafficOf(c.traffic[i]!)]
      }))
    }
    const base = yield* decodeScenario(input)
    const faults = c.faults.map((d) => faultFromDraw(base, { atSeconds: d.atTenths / 10, kind: d.kind / DRAW_VALUES, target: d.target / DRAW_VALUES, size: d.size / DRAW_VALUES }))
    const lastEnd = faults.reduce((t, f) => Math.max(t, faultEndSeconds(f)), 0)
    return yield* decodeScenario({ ...input, durationSeconds: Math.ceil(Math.max(MAX_FAULT_AT_TENTHS / 10, lastEnd) + RECONNECT_BOUND_SECONDS), faults })
  })

const trafficOf = (kind: FaultCase["traffic"][number]): NonNullable<ScenarioInput["vms"]>[number]["traffic"] extends ReadonlyArray<infer T> | undefined ? T : never => {
  switch (kind) {
    case "ping":
      return { kind, intervalMs: 100 }
    case "udp-tx":
    case "udp-rx":
      return { kind, offeredMbps: 1 }
    case "tcp-tx":
    case "tcp-rx":
      return { kind }
  }
}

/** Everything wrong with a case's run: invariants broken, VMs not connected at the end. Empty: it passed. */
export const caseVerdict = (report: RunReport): Array<string> => {
  const problems: Array<string> = []
  const inv = report.invariants
  // `isolationViolations` is the sum of the four kinds of isolation, each named on its own.
  for (const [name, value] of Object.entries(inv)) if (value !== 0 && name !== "isolationViolations") problems.push(`invariant ${name} = ${value}`)
  if (report.outcome !== "completed") problems.push(`the run ended ${report.outcome}`)
  for (const vm of report.vms) {
    if (vm.state !== "connected") problems.push(`${vm.name} is ${vm.state} ${RECONNECT_BOUND_SECONDS} s after the last fault`)
    // Connected is not enough: its traffic must be moving again (a hung vMAC stays associated).
    else if (vm.lastDataAtSeconds === null || report.simulatedSeconds - vm.lastDataAtSeconds > DATA_SILENCE_SECONDS) {
      problems.push(`${vm.name} has moved no data since ${vm.lastDataAtSeconds ?? "the start"} s (the run ends at ${report.simulatedSeconds} s)`)
    }
  }
  return problems
}

/** What a case's run that did not complete (a deadlock, a runaway fiber, an error in the model) gives as its verdict. */
export interface FailedRunVerdict {
  readonly problems: ReadonlyArray<string>
  readonly traceDigest: string
  readonly simulatedSeconds: number
  /** How it died: the failure's stack, for whoever replays the case. */
  readonly detail: string
}

/**
 * The verdict of a case whose run died (`runWorld`'s defect): one problem, "the run ended …", which a
 * campaign reports and shrinks like any other instead of losing every other case's verdict to it.
 */
export const failedRunVerdict = (defect: unknown): FailedRunVerdict => {
  if (defect instanceof SimulationFailed) {
    const { stats } = defect
    // Ended by the kernel (a deadlock, a runaway fiber), or by an error of the program: named by its kind.
    const how = stats.outcome === "completed" ? `with ${errorName(defect.cause)}` : stats.outcome
    return {
      problems: [`the run ended ${how} at ${stats.virtualTimeNs / 1e9} s: ${defect.what}`],
      traceDigest: stats.traceDigest,
      simulatedSeconds: stats.virtualTimeNs / 1e9,
      detail: stackOf(defect.cause) ?? stackOf(defect) ?? defect.message
    }
  }
  const what = defect instanceof Error ? defect.message : String(defect)
  return { problems: [`the run ended with ${errorName(defect)}: ${what}`], traceDigest: "", simulatedSeconds: 0, detail: stackOf(defect) ?? what }
}

/** An error's kind, as its name says (`TypeError`), "an error" when it has none. */
const errorName = (e: unknown): string => (e instanceof Error && /^\w+$/.test(e.name) ? e.name : "an error")

const stackOf = (e: unknown): string | undefined => (e instanceof Error && typeof e.stack === "string" ? e.stack : undefined)
