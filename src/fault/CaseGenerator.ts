/**
 * Fresh fault cases for a campaign (`vwifi campaign`), drawn from a seed: case `i` has its own
 * stream (`Prng.forStream(seed, "campaign/i")`), so it is the same case whether the campaign runs 10
 * cases or 10,000, and a case is named by (seed, i) alone. Its setup (`CaseSetup`) comes from a
 * stream of its own, "campaign/i/setup", so adding it left each case's topology and faults as they were.
 */
import { Prng } from "../kernel/Prng.ts"
import type { CaseSetup, FaultCase } from "./FaultCase.ts"
import {
  CASE_MODES, CASE_SETUP_SETTINGS, SETUP_FEATURES, CASE_TRAFFIC_FLOWS, DRAW_VALUES, MAX_CASE_APS, MAX_CASE_FAULTS, MAX_CASE_SEED, MAX_CASE_VMS, MAX_FAULT_AT_TENTHS, MIN_FAULT_AT_TENTHS
} from "./FaultCase.ts"
import { MAX_CAMPAIGN_CASES, seedProblems, throwProblems, wholeNumberProblem } from "../run/RunOptionsCheck.ts"
import type { OptionProblem } from "../run/RunOptionsCheck.ts"

const indexProblems = (option: string, n: number): Array<OptionProblem> => {
  const message = wholeNumberProblem(n, 0, MAX_CAMPAIGN_CASES)
  return message === undefined ? [] : [{ option, message }]
}

type Traffic = FaultCase["traffic"][number]
const TRAFFIC: ReadonlyArray<Traffic> = ["ping", "udp-tx", "udp-rx", "tcp-tx", "tcp-rx"]

// The generator draws over all of the `FaultCase` Schema's bounds, evenly.

/** Case `index` of the campaign of seed `seed`; throws `RunOptionsError` for a seed or an index that is not one. */
export const generateCase = (seed: number, index: number): FaultCase => {
  // A seed of 1.5 drew seed 1's cases.
  throwProblems([...seedProblems(seed), ...indexProblems("index", index)])
  return drawCase(seed, index)
}

const drawCase = (seed: number, index: number): FaultCase => {
  const random = Prng.forStream(seed, `campaign/${index}`)
  const below = (n: number) => random.nextIntBelow(n)
  return {
    seed: 1 + below(MAX_CASE_SEED),
    mode: below(CASE_MODES),
    vms: 1 + below(MAX_CASE_VMS),
    aps: 1 + below(MAX_CASE_APS),
    traffic: Array.from({ length: CASE_TRAFFIC_FLOWS }, () => TRAFFIC[below(TRAFFIC.length)]!),
    faults: Array.from({ length: 1 + below(MAX_CASE_FAULTS) }, () => ({
      atTenths: MIN_FAULT_AT_TENTHS + below(MAX_FAULT_AT_TENTHS - MIN_FAULT_AT_TENTHS + 1),
      kind: below(DRAW_VALUES),
      target: below(DRAW_VALUES),
      size: below(DRAW_VALUES)
    })),
    setup: drawSetup(Prng.forStream(seed, `campaign/${index}/setup`))
  }
}

/** A setup drawn evenly over each feature's settings, in `CASE_SETUP_SETTINGS`' order. */
const drawSetup = (random: Prng): CaseSetup =>
  Object.fromEntries(SETUP_FEATURES.map((k) => [k, random.nextIntBelow(CASE_SETUP_SETTINGS[k])])) as CaseSetup

/** Cases 0 … count − 1 of the campaign of `seed`; throws `RunOptionsError` for a seed or a count that is not one. */
export const generateCases = (seed: number, count: number): Array<FaultCase> => {
  throwProblems([...seedProblems(seed), ...indexProblems("count", count)])
  return Array.from({ length: count }, (_, i) => drawCase(seed, i))
}
