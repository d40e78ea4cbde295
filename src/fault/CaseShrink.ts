/**
 * Shrinking a failing fault case to a smaller one that fails the same way, greedily, in the manner
 * of delta debugging (Zeller & Hildebrandt, "Simplifying and Isolating Failure-Inducing Input",
 * IEEE TSE 2002): propose smaller cases, biggest cuts first; keep the first that still fails; repeat
 * until none does. The proposals are pure (`shrinkCandidates`); the judge that runs them is given,
 * so the loop runs on a JobRunner in the CLI and on a plain predicate in tests.
 */
import * as Effect from "effect/Effect"
import type { CaseSetup, FaultCase } from "./FaultCase.ts"
import { DEFAULT_VMACS } from "../scenario/Scenario.ts"
import { LISTEN_SHORT_SERVICE_PERIODS, MIN_FAULT_AT_TENTHS, PLAIN_SETUP, SETUP_FEATURES, settingOf, usesUapsd, usesWmm } from "./FaultCase.ts"
import { refuseProblems, RunOptionsError, wholeNumberProblem } from "../run/RunOptionsCheck.ts"
import type { OptionProblem } from "../run/RunOptionsCheck.ts"

type Fault = FaultCase["faults"][number]


/** Judging stops after this many candidate runs, whatever is left (a case runs in about a second). */
export const MAX_SHRINK_TRIES = 300

/**
 * The same scenario in its plainest spelling: mode 1 is mode 0 (both virtual-wifi); outside
 * virtual-wifi only one VM exists; traffic past the VMs is unused; and of the setup, settings that
 * change nothing (`plainSetup`), the whole of it when it is the plain one. No run can tell them apart.
 */
export const normalizeCase = (c: FaultCase): FaultCase => {
  const mode = c.mode === 1 ? 0 : c.mode
  const vms = mode === 0 ? c.vms : 1
  const { setup: given, ...rest } = c
  const setup = given === undefined ? undefined : plainSetup(given, { ...rest, mode, vms })
  return { ...rest, mode, vms, traffic: c.traffic.map((t, i) => (i < vms ? t : "ping")), ...(setup === undefined ? {} : { setup }) }
}

/**
 * A setup without what its case cannot use: WMM off on 802.11n (which needs it), U-APSD without WMM
 * (legacy then), Virtual WiFi's switches outside its mode (`caseScenario` sets none there), fading
 * and a location service without placed APs, a channel dwell without two VMs and two APs in
 * Virtual WiFi (one channel in use: the radio never leaves it), a UDP load without UDP flows, a
 * vMAC per VM outside Virtual WiFi or with as many VMs as the default's vMACs, power save's timing
 * without power save (and a service period's length without U-APSD), short beacon intervals for
 * APs 1 and 3 with one AP, a BlockAck window on 802.11g (which does not aggregate).
 * Undefined when nothing is left but the plain setup.
 */
const plainSetup = (s: CaseSetup, c: Pick<FaultCase, "mode" | "vms" | "aps" | "traffic">): CaseSetup | undefined => {
  const virtualWifi = c.mode === 0
  const udp = c.traffic.slice(0, c.vms).some((t) => t === "udp-tx" || t === "udp-rx")
  const wmm = usesWmm(s)
  const plain: CaseSetup = {
    ...s,
    wmm: wmm ? 0 : 1,
    powerSave: !wmm && s.powerSave === 2 ? 1 : s.powerSave,
    switches: virtualWifi ? s.switches : 0,
    ...(s.fading !== undefined ? { fading: s.radio >= 2 ? s.fading : 0 } : {}),
    ...(s.locate !== undefined ? { locate: s.radio >= 2 ? s.locate : 0 } : {}),
    ...(s.load !== undefined ? { load: udp ? s.load : 0 } : {}),
    ...(s.vmacs !== undefined ? { vmacs: virtualWifi && c.vms < DEFAULT_VMACS ? s.vmacs : 0 } : {}),
    ...(s.interval !== undefined ? { interval: c.aps > 1 ? s.interval : 0 } : {}),
    ...(s.aggregation !== undefined ? { aggregation: s.phy > 0 ? s.aggregation : 0 } : {}),
    ...(s.listen !== undefined ? { listen: s.powerSave > 0 && (s.listen !== LISTEN_SHORT_SERVICE_PERIODS || usesUapsd(s)) ? s.listen : 0 } : {}),
    ...(s.dwell !== undefined ? { dwell: virtualWifi && c.aps > 1 && c.vms > 1 ? s.dwell : 0 } : {})
  }
  return SETUP_FEATURES.every((k) => settingOf(plain, k) === PLAIN_SETUP[k]) ? undefined : plain
}

/** Setups with less than `s`: each setting that is not plain put back to plain (0), or the next one down, or a switch off. */
const plainerSetups = (s: CaseSetup): Array<CaseSetup> => {
  const out: Array<CaseSetup> = []
  for (const k of SETUP_FEATURES) {
    const v = settingOf(s, k)
    if (v === 0) continue
    out.push({ ...s, [k]: 0 })
    // The switches are bits: each one off alone too; another setting, the next one down.
    if (k === "switches") for (const bit of [1, 2, 4]) if ((s.switches & bit) !== 0 && s.switches !== bit) out.push({ ...s, switches: s.switches & ~bit })
    if (k !== "switches" && v > 1) out.push({ ...s, [k]: v - 1 })
  }
  return out
}

const withFault = (c: FaultCase, i: number, change: Partial<Fault>): FaultCase =>
  ({ ...c, faults: c.faults.map((f, j) => (j === i ? { ...f, ...change } : f)) })

/** Toward `floor`: the floor itself, then halfway (each strictly below `value`). */
const smaller = (value: number, floor: number): Array<number> =>
  value <= floor ? [] : [...new Set([floor, Math.floor((value + floor) / 2)])].filter((v) => v < value)

/**
 * Cases smaller than `c` (normalized), biggest cuts first: one fault alone, a fault fewer, fewer VMs,
 * fewer APs, each fault earlier, smaller, aimed at the first target, each VM's traffic a ping, the
 * setup plain, then one feature of it fewer. Every one is smaller on one axis and no bigger on any,
 * so repeated shrinking ends.
 */
export const shrinkCandidates = (failing: FaultCase): Array<FaultCase> => {
  const c = normalizeCase(failing)
  const out: Array<FaultCase> = []
  if (c.faults.length > 1) {
    for (const f of c.faults) out.push({ ...c, faults: [f] })
    for (let i = 0; i < c.faults.length; i++) out.push({ ...c, faults: c.faults.filter((_, j) => j !== i) })
  }
  for (let vms = 1; vms < c.vms; vms++) out.push(normalizeCase({ ...c, vms }))
  for (let aps = 1; aps < c.aps; aps++) out.push({ ...c, aps })
  c.faults.forEach((f, i) => {
    for (const atTenths of smaller(f.atTenths, MIN_FAULT_AT_TENTHS)) out.push(withFault(c, i, { atTenths }))
    for (const size of smaller(f.size, 0)) out.push(withFault(c, i, { size }))
    for (const target of smaller(f.target, 0)) out.push(withFault(c, i, { target }))
  })
  for (let i = 0; i < c.vms; i++) {
    if (c.traffic[i] !== "ping") out.push({ ...c, traffic: c.traffic.map((t, j) => (j === i ? "ping" : t)) })
  }
  if (c.setup !== undefined) {
    const { setup, ...plain } = c
    out.push(plain)
    for (const s of plainerSetups(setup)) out.push(normalizeCase({ ...c, setup: s }))
  }
  const seen = new Set<string>()
  return out.filter((x) => {
    const key = JSON.stringify(x)
    return !seen.has(key) && seen.add(key) !== undefined
  })
}

/** What kind of failure a problem line (`caseVerdict`) is, so a shrink does not wander to another bug. */
export const problemClass = (problem: string): string => {
  const invariant = /^invariant (\S+)/.exec(problem)
  if (invariant !== null) return `invariant ${invariant[1]}`
  // By how: a deadlock, a runaway fiber, an error of one kind (a shrink of a deadlock must not end on a TypeError).
  const ended = /^the run ended (with \S+|\S+)/.exec(problem)
  if (ended !== null) return `the run ended ${ended[1]!.replace(/:$/, "")}`
  if (/ is \S+ \d+ s after the last fault$/.test(problem)) return "a VM not connected again"
  if (problem.includes(" has moved no data since ")) return "a VM's traffic stalled"
  return problem
}

/** Does a candidate with `problems` fail as the original did (one class of problem in common)? */
export const failsAlike = (original: ReadonlyArray<string>, problems: ReadonlyArray<string>): boolean => {
  const classes = new Set(original.map(problemClass))
  return problems.some((p) => classes.has(problemClass(p)))
}

export interface ShrinkResult {
  readonly shrunk: FaultCase
  readonly problems: ReadonlyArray<string>
  /** Candidates kept (each a smaller failing case). */
  readonly steps: number
  /** Candidates judged, counted as if one at a time (a batch runs the rest of its candidates too). */
  readonly tried: number
}

export interface ShrinkOptions {
  /** How many candidates the judge gets at once (its parallelism): the first failing one is kept. */
  readonly batch: number
  readonly triesMax?: number | undefined
}

/**
 * Candidates judged at once at most (a modelling choice, a bound on input, not a measured figure):
 * a batch is a pool's parallelism (`MAX_WORKERS`, 256) or a cluster's, and a campaign holds at most
 * `MAX_CAMPAIGN_CASES` (100,000) cases.
 */
export const MAX_SHRINK_BATCH = 100_000

/** What is wrong with shrink options: a batch or a bound that is not a whole number in its range. */
const shrinkProblems = (options: ShrinkOptions): Array<OptionProblem> => {
  const problems: Array<OptionProblem> = []
  const batch = wholeNumberProblem(options.batch, 1, MAX_SHRINK_BATCH)
  if (batch !== undefined) problems.push({ option: "batch", message: batch })
  const tries = options.triesMax === undefined ? undefined : wholeNumberProblem(options.triesMax, 0, Number.MAX_SAFE_INTEGER, "2^53 − 1")
  if (tries !== undefined) problems.push({ option: "triesMax", message: tries })
  return problems
}

/**
 * Shrinks `failing` (whose run had `problems`) with `judge`, which gives each case's problems
 * (empty: it passed). Candidates are judged in batches, in order, and the first that fails alike is
 * kept, so the result does not depend on the batch size. Options out of range (a batch of 0 or NaN,
 * which would judge nothing) are a `RunOptionsError`.
 */
export const shrinkCase = <E, R>(
  failing: FaultCase,
  problems: ReadonlyArray<string>,
  judge: (cases: ReadonlyArray<FaultCase>) => Effect.Effect<ReadonlyArray<ReadonlyArray<string>>, E, R>,
  options: ShrinkOptions
): Effect.Effect<ShrinkResult, E | RunOptionsError, R> =>
  Effect.gen(function*() {
    yield* refuseProblems(shrinkProblems(options))
    const triesMax = options.triesMax ?? MAX_SHRINK_TRIES
    const batch = options.batch
    let current = { shrunk: normalizeCase(failing), problems, steps: 0, tried: 0 }
    let improved = true
    while (improved && current.tried < triesMax) {
      improved = false
      const candidates = shrinkCandidates(current.shrunk)
      for (let from = 0; from < candidates.length && !improved && current.tried < triesMax; from += batch) {
        const chunk = candidates.slice(from, Math.min(from + batch, from + triesMax - current.tried))
        const verdicts = yield* judge(chunk)
        const first = verdicts.findIndex((v) => failsAlike(problems, v))
        // Counted as a one-at-a-time search would have: what follows the kept one in its batch is not,
        // so neither the count nor where the bound stops depends on the batch size.
        if (first >= 0) {
          current = { shrunk: chunk[first]!, problems: verdicts[first]!, steps: current.steps + 1, tried: current.tried + first + 1 }
          improved = true
        } else current = { ...current, tried: current.tried + chunk.length }
      }
    }
    return current
  })
