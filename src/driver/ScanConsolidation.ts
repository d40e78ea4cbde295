/**
 * Scan consolidation: the card has one radio, so scan requests from several VMs are served by one
 * physical scan. A request that arrives while a scan runs joins it; a request that arrives while
 * the last results are younger than the cache age is answered from the cache; otherwise a new
 * physical scan starts. Pure: the driver actor keeps the state and carries out the decisions.
 */
import type { ScanResult } from "../vocabulary/CardEvent.ts"

export interface ScanState {
  /** VMs waiting for the physical scan under way (undefined: none under way). */
  readonly waiting: ReadonlyArray<number> | undefined
  /** The last physical scan's results and when they came. */
  readonly cache: { readonly results: ReadonlyArray<ScanResult>; readonly atNs: number } | undefined
}

export const initial: ScanState = { waiting: undefined, cache: undefined }

export type ScanDecision =
  | { readonly _tag: "FromCache"; readonly results: ReadonlyArray<ScanResult>; readonly ageNs: number }
  | { readonly _tag: "Join" }
  | { readonly _tag: "Start" }

/** What to do about `vm`'s scan request at `nowNs`. */
export const request = (
  state: ScanState,
  vm: number,
  nowNs: number,
  cacheAgeNs: number
): { readonly state: ScanState; readonly decision: ScanDecision } => {
  if (state.waiting !== undefined) {
    const waiting = state.waiting.includes(vm) ? state.waiting : [...state.waiting, vm]
    return { state: { ...state, waiting }, decision: { _tag: "Join" } }
  }
  if (state.cache !== undefined && nowNs - state.cache.atNs < cacheAgeNs) {
    return { state, decision: { _tag: "FromCache", results: state.cache.results, ageNs: nowNs - state.cache.atNs } }
  }
  return { state: { ...state, waiting: [vm] }, decision: { _tag: "Start" } }
}

/** The physical scan finished: cache the results and answer everyone who waited. */
export const complete = (
  state: ScanState,
  results: ReadonlyArray<ScanResult>,
  nowNs: number
): { readonly state: ScanState; readonly answer: ReadonlyArray<number> } => ({
  state: { waiting: undefined, cache: { results, atNs: nowNs } },
  answer: state.waiting ?? []
})

/** A VM went away: it no longer waits for a scan. */
export const forget = (state: ScanState, vm: number): ScanState =>
  state.waiting === undefined ? state : { ...state, waiting: state.waiting.filter((w) => w !== vm) }
