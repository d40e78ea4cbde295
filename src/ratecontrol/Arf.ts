/**
 * ARF, Auto Rate Fallback (A. Kamerman and L. Monteban, "WaveLAN-II: a high-performance wireless LAN
 * for the unlicensed band", Bell Labs Technical Journal 2(3), 1997), and AARF, its adaptive variant
 * (M. Lacage, M. H. Manshaei and T. Turletti, "IEEE 802.11 rate adaptation: a practical approach",
 * MSWiM 2004). The rules, as Lacage et al. §3 state them and ns-3's `ArfWifiManager` and
 * `AarfWifiManager` implement them:
 *
 * - after `ARF_FAILURE_THRESHOLD` consecutive failed transmissions, one rate down;
 * - after `successThreshold` consecutive successes, or `timerThreshold` transmissions at a rate, one
 *   rate up; that first transmission at the new rate is a probe: if it fails, straight back down;
 * - AARF: a failed probe doubles the success threshold (up to `MAX_AARF_SUCCESS_THRESHOLD`) and the
 *   timer (uncapped); a fall after two failures resets both.
 *
 * On a card with a retry chain the fall-back within one frame is the card's: the chain is the current
 * rate twice, then the next two lower rates twice each, then the lowest rate, `FIXED_RATE_ATTEMPTS` in
 * all, as ARF's firmware retried a frame one rate lower after two failures. The driver follows the
 * same transmissions from the TX status, in the chain's order (by rate, highest first), counting only
 * those at its current rate. A report of several MPDUs (an A-MPDU) counts each as a transmission.
 */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { rateIndex } from "../air/RateTable.ts"
import { FIXED_RATE_ATTEMPTS } from "../air/RetryChain.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { RateController, TxReport } from "./RateControl.ts"

/** Consecutive successes before trying the next rate up: 10 (Kamerman & Monteban 1997; Lacage et al. 2004 §3). */
export const ARF_SUCCESS_THRESHOLD = 10
/** Consecutive failures before falling one rate: 2 (Kamerman & Monteban 1997; Lacage et al. 2004 §3). */
export const ARF_FAILURE_THRESHOLD = 2
/** Transmissions at a rate before trying the next rate up anyway (the "timer"): 15, ns-3 ArfWifiManager's TimerThreshold. */
export const ARF_TIMER_TRANSMISSIONS = 15
/** AARF: the factor a failed probe multiplies the success threshold and the timer by: 2 (Lacage et al. 2004 §4; ns-3 SuccessK, TimerK). */
export const AARF_FACTOR = 2
/** AARF: the success threshold at most: 60, ns-3 AarfWifiManager's MaxSuccessThreshold. */
export const MAX_AARF_SUCCESS_THRESHOLD = 60

export class Arf implements RateController {
  /** The current rate's index; the configured rate is the top. */
  current: number
  readonly top: number
  private readonly adaptive: boolean
  successes = 0
  failures = 0
  /** Transmissions at the current rate since it was chosen. */
  timer = 0
  /** The last move was up: the next transmission at the current rate is its probe. */
  probing = false
  successThreshold = ARF_SUCCESS_THRESHOLD
  timerThreshold = ARF_TIMER_TRANSMISSIONS
  private currentChain: ReadonlyArray<ChainEntry>

  /** Starts at the configured rate (`phy`), the top of what it may use; `adaptive`: AARF. */
  constructor(phy: PhyConfig, adaptive: boolean) {
    this.top = rateIndex(phy)
    this.current = this.top
    this.adaptive = adaptive
    this.currentChain = arfChain(this.current)
  }

  chain(): ReadonlyArray<ChainEntry> {
    return this.currentChain
  }

  report(r: TxReport): void {
    // The chain's order: highest rate first. Only transmissions at the current rate count.
    for (let q = r.attempts.length - 1; q >= 0; q--) {
      const attempts = r.attempts[q] ?? 0
      const acked = r.acked[q] ?? 0
      for (let k = 0; k < attempts - acked && q === this.current; k++) this.failed()
      for (let k = 0; k < acked && q === this.current; k++) this.succeeded()
    }
    this.currentChain = arfChain(this.current)
  }

  private failed(): void {
    this.timer++
    this.successes = 0
    this.failures++
    if (this.probing) {
      this.probing = false
      if (this.adaptive) {
        // ns-3's AarfWifiManager: the timer doubles from its own value, uncapped, at least the
        // minimum success threshold (`max(timerTimeout · TimerK, MinSuccessThreshold)`): 30, 60, 120, 240…
        this.successThreshold = Math.min(AARF_FACTOR * this.successThreshold, MAX_AARF_SUCCESS_THRESHOLD)
        this.timerThreshold = Math.max(AARF_FACTOR * this.timerThreshold, ARF_SUCCESS_THRESHOLD)
      }
      this.down()
    } else if (this.failures >= ARF_FAILURE_THRESHOLD) {
      if (this.adaptive) {
        this.successThreshold = ARF_SUCCESS_THRESHOLD
        this.timerThreshold = ARF_TIMER_TRANSMISSIONS
      }
      this.down()
    }
  }

  private succeeded(): void {
    this.timer++
    this.failures = 0
    this.successes++
    this.probing = false
    if ((this.successes >= this.successThreshold || this.timer >= this.timerThreshold) && this.current < this.top) {
      this.current++
      this.reset()
      this.probing = true
    }
  }

  private down(): void {
    if (this.current > 0) this.current--
    this.reset()
  }

  private reset(): void {
    this.successes = 0
    this.failures = 0
    this.timer = 0
  }
}

/**
 * ARF's chain from rate `current`: it twice, the next two rates down twice each, the lowest rate for
 * the rest of `FIXED_RATE_ATTEMPTS` (once, from a rate of 2 or more; equal neighbours merged).
 */
export const arfChain = (current: number): ReadonlyArray<ChainEntry> => {
  const entries: Array<{ rateIndex: number; tries: number }> = []
  const add = (rate: number, tries: number): void => {
    const last = entries[entries.length - 1]
    if (last !== undefined && last.rateIndex === rate) last.tries += tries
    else entries.push({ rateIndex: rate, tries })
  }
  for (let k = 0; k < 3; k++) add(Math.max(0, current - k), ARF_FAILURE_THRESHOLD)
  add(0, FIXED_RATE_ATTEMPTS - 3 * ARF_FAILURE_THRESHOLD)
  return Object.freeze(entries.map((e) => Object.freeze(e)))
}
