/**
 * Minstrel rate control, after Linux mac80211's `rc80211_minstrel.c` (legacy rates: Felix Fietkau,
 * 2008, from Derek Smithies' minstrel and John Bicket's SampleRate) and `rc80211_minstrel_ht.c`
 * (802.11n; mac80211 gained it after Linux 2.6.35, later than the seed's 2.6.33). An option of the guests'
 * drivers, not what the seed's ran: iwlagn in 2.6.33 uses its own rate scaling (`iwl-agn-rs.c`).
 * The ideas it follows, each named by the function it comes from:
 *
 * - Each rate's success probability is an EWMA over stats intervals of that interval's MPDUs
 *   acknowledged / attempted (`minstrel_update_stats`), 75% weight on the old value; the first
 *   interval with attempts sets it outright (later kernels' `minstrel_calc_rate_stats`).
 * - Its throughput is probability / expected airtime of an average packet, counted 0 below 10% and
 *   with the probability capped at 90% (later kernels' `minstrel_get_tp_avg`).
 * - The retry chain is: best throughput, second best, the most robust rate (the best throughput among
 *   rates above 95%, else the most probable), then (legacy only) the lowest rate
 *   (`minstrel_update_rates`; minstrel_ht's chain has three stages, `minstrel_ht_update_rates`).
 *   Attempts per stage: as many as fit a 6 ms segment, up to 7, cut to 2 for a rate above 95% or
 *   below 10% (`minstrel_rate_init`, `minstrel_update_stats`).
 * - 10% of frames sample another rate, walking a random sample table of 10 columns
 *   (`init_sample_table`, `minstrel_get_next_sample`): a faster rate goes first in the chain, a slower
 *   one second (it is tried only if the best fails, `minstrel_get_rate`'s deferred sampling), unless
 *   it was not sampled for 20 intervals; a rate above 95% or below 10% is sampled 4 times an interval.
 *
 * What differs, and why: mac80211 picks each frame's rates as it queues it; here the card holds one
 * chain per VM (the 5300's link-quality table), so a sample is a *window*: the driver writes a sample
 * chain, keeps it for `SAMPLE_WINDOW_FRAMES` frames, then writes the normal chain back, and counts
 * those frames as sampled. Minstrel-HT's groups (stream count, width, guard interval) reduce to the one
 * group of the card's configured streams, width and GI: its per-rate statistics are the same as the
 * legacy algorithm's over that group's eight MCS. Rates above the configured one are never used.
 */
import type { PhyConfig } from "../air/PhyConfig.ts"
import { rateIndex, rateLadder } from "../air/RateTable.ts"
import { MAX_RETRY_CHAIN_ATTEMPTS } from "../vocabulary/CardCommand.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { RateController, TxReport } from "./RateControl.ts"
import { perfectTxNs, segmentTries, MAX_STAGE_TRIES } from "./RateTiming.ts"

/** Stats interval: update_interval, 100 ms (rc80211_minstrel.c, minstrel_alloc). */
export const UPDATE_INTERVAL_NS = 100_000_000
/** Weight of the old probability in the EWMA: 75% (ewma_level 75 in Linux 2.6.33's rc80211_minstrel.c; EWMA_LEVEL 96 / EWMA_DIV 128 later). */
export const EWMA_OLD_WEIGHT = 0.75
/** Frames sampling other rates, %: lookaround_rate_mrr, 10 (minstrel_alloc; with multi-rate retry, 5 without). */
export const LOOKAROUND_PERCENT = 10
/** Columns of the sample table: SAMPLE_COLUMNS, 10 (rc80211_minstrel.h). */
export const SAMPLE_COLUMNS = 10
/**
 * Below this probability a rate's throughput counts as 0: from minstrel_ht (minstrel_ht_calc_tp, in kernels
 * after 2.6.35) and later minstrel_get_tp_avg; 2.6.33's minstrel_update_stats uses the same 10% only to cut a
 * rate's retries and samples. A later kernel's rule, as `THROUGHPUT_PROBABILITY_CAP` is.
 */
export const USELESS_PROBABILITY = 0.1
/** Probability used at most in the throughput (minstrel_get_tp_avg of later kernels: 90%). */
export const THROUGHPUT_PROBABILITY_CAP = 0.9
/** Above this a rate is robust: max_prob_rate's choice, fewer retries and samples (minstrel_update_stats: 95%). */
export const ROBUST_PROBABILITY = 0.95
/** Attempts at a stage whose rate is above 95% or below 10%, at most (minstrel_update_stats: 2). */
export const EXTREME_RATE_TRIES = 2
/** Samples per interval of a rate above 95% or below 10%: sample_limit, 4 (minstrel_update_stats). */
export const EXTREME_SAMPLE_LIMIT = 4
/** A slower rate not sampled for this many intervals is sampled first in the chain (minstrel_get_rate: 20). */
export const SAMPLE_SKIPPED_DIRECT = 20
/** The frame and sample counters restart after this many frames (minstrel_get_rate: 10000). */
export const PACKET_COUNT_RESET = 10_000
/**
 * Frames a sample window covers: vwifi's choice, an estimate. A window costs two rate commands; a
 * longer one costs fewer commands and learns from more frames, but spends longer off the best chain.
 */
export const SAMPLE_WINDOW_FRAMES = 8

/** The random draws Minstrel needs (a seeded `kernel/Prng.ts` stream). */
export interface SampleRandom {
  readonly nextIntBelow: (n: number) => number
}

/** One rate's statistics (`struct minstrel_rate`). */
export interface RateStats {
  /** This interval's MPDU attempts and acknowledgements. */
  attempts: number
  success: number
  /** EWMA of the success probability, 0..1. */
  probability: number
  /** Attempts over every interval (0: never measured). */
  attemptsEver: number
  /** Throughput estimate, MPDUs per ns (0 below 10%). */
  throughput: number
  /** Intervals since it was last attempted. */
  sampleSkipped: number
  /** Samples left this interval (-1: no limit). */
  sampleLimit: number
  /** Attempts it is given in a chain stage. */
  tries: number
}

export class Minstrel implements RateController {
  /** Rate indices in use: 0..rates−1 (the configured rate is the top). */
  readonly rates: number
  readonly stats: ReadonlyArray<RateStats>
  /** Best and second-best throughput rates, and the most robust rate. */
  readonly maxTp: [number, number] = [0, 0]
  maxProb = 0
  /** Each rate's expected airtime per MPDU and its segment-bound tries. */
  private readonly perfectNs: ReadonlyArray<number>
  private readonly fullTries: ReadonlyArray<number>
  /** Chains: legacy has the lowest rate as its last stage; HT does not. */
  private readonly withLowest: boolean
  /** sample_table[row][column] (rate indices), walked row by row, then column by column. */
  private readonly sampleTable: ReadonlyArray<ReadonlyArray<number>>
  private sampleRow = 0
  private sampleColumn = 0
  private packetCount = 0
  private sampleCount = 0
  private lastUpdateNs: number
  private sample: { readonly chain: ReadonlyArray<ChainEntry>; framesLeft: number } | undefined = undefined
  private normal: ReadonlyArray<ChainEntry>
  /** Stats updates so far, and sample windows opened (for reports and tests). */
  updates = 0
  samples = 0

  constructor(phy: PhyConfig, random: SampleRandom, nowNs: number) {
    const ladder = rateLadder(phy)
    this.rates = rateIndex(phy) + 1
    this.withLowest = phy.standard === "802.11g"
    this.perfectNs = ladder.slice(0, this.rates).map(perfectTxNs)
    this.fullTries = ladder.slice(0, this.rates).map(segmentTries)
    this.stats = this.fullTries.map((tries): RateStats => ({
      attempts: 0, success: 0, probability: 0, attemptsEver: 0, throughput: 0, sampleSkipped: 0, sampleLimit: -1, tries
    }))
    this.sampleTable = sampleTable(this.rates, random)
    this.lastUpdateNs = nowNs
    this.normal = this.chainOf([this.maxTp[0], this.maxTp[1], this.maxProb])
  }

  chain(): ReadonlyArray<ChainEntry> {
    return this.sample?.chain ?? this.normal
  }

  report(r: TxReport, nowNs: number): void {
    for (let i = 0; i < this.rates; i++) {
      this.stats[i]!.attempts += r.attempts[i] ?? 0
      this.stats[i]!.success += r.acked[i] ?? 0
    }
    this.packetCount += r.frames
    if (this.sample !== undefined) {
      this.sampleCount += r.frames
      this.sample.framesLeft -= r.frames
      if (this.sample.framesLeft <= 0) this.sample = undefined
    }
    if (nowNs - this.lastUpdateNs >= UPDATE_INTERVAL_NS) this.update(nowNs)
    this.maybeSample()
  }

  /** The end of a stats interval: probabilities, throughputs, the best rates and the normal chain. */
  private update(nowNs: number): void {
    this.updates++
    this.lastUpdateNs = nowNs
    const best: Array<number> = [0, 0]
    let robust = 0
    for (let i = 0; i < this.rates; i++) {
      const s = this.stats[i]!
      if (s.attempts > 0) {
        const current = s.success / s.attempts
        s.probability = s.attemptsEver === 0 ? current : EWMA_OLD_WEIGHT * s.probability + (1 - EWMA_OLD_WEIGHT) * current
        s.attemptsEver += s.attempts
        s.sampleSkipped = 0
      } else {
        s.sampleSkipped++
      }
      s.attempts = 0
      s.success = 0
      s.throughput = throughputOf(s.probability, this.perfectNs[i]!)
      const extreme = s.probability > ROBUST_PROBABILITY || s.probability < USELESS_PROBABILITY
      s.sampleLimit = extreme ? EXTREME_SAMPLE_LIMIT : -1
      s.tries = extreme ? Math.min(EXTREME_RATE_TRIES, this.fullTries[i]!) : this.fullTries[i]!
      // The two best by throughput, from the lowest rate up: only a strictly better rate moves in.
      let j = 2
      while (j > 0 && s.throughput > this.stats[best[j - 1]!]!.throughput) j--
      if (j < 2) {
        best.splice(j, 0, i)
        best.length = 2
      }
      const r = this.stats[robust]!
      if (s.probability >= ROBUST_PROBABILITY ? s.throughput >= r.throughput : s.probability >= r.probability) robust = i
    }
    this.maxTp[0] = best[0]!
    this.maxTp[1] = best[1]!
    this.maxProb = robust
    this.normal = this.chainOf([this.maxTp[0], this.maxTp[1], this.maxProb])
  }

  /** Opens a sample window when sampling is due (`minstrel_get_rate`'s accounting, in frames). */
  private maybeSample(): void {
    if (this.sample !== undefined) return
    if (this.packetCount >= PACKET_COUNT_RESET) {
      this.packetCount = 0
      this.sampleCount = 0
      return
    }
    const delta = Math.floor((this.packetCount * LOOKAROUND_PERCENT) / 100) - this.sampleCount
    if (delta < SAMPLE_WINDOW_FRAMES) return
    // A backlog is forgiven beyond two frames per rate, so a worsening link is not flooded with samples.
    if (delta > 2 * this.rates) this.sampleCount += delta - 2 * this.rates
    const ndx = this.nextSample()
    const best = this.maxTp[0]
    if (ndx === best) {
      this.sampleCount += SAMPLE_WINDOW_FRAMES // the normal chain measures it already
      return
    }
    const s = this.stats[ndx]!
    const deferred = this.perfectNs[ndx]! > this.perfectNs[best]! && s.sampleSkipped < SAMPLE_SKIPPED_DIRECT
    if (!deferred) {
      if (s.sampleLimit === 0) return
      if (s.sampleLimit > 0) s.sampleLimit--
    }
    this.samples++
    const stages = deferred ? [best, ndx, this.maxProb] : [ndx, best, this.maxProb]
    this.sample = { chain: this.chainOf(stages), framesLeft: SAMPLE_WINDOW_FRAMES }
  }

  private nextSample(): number {
    const ndx = this.sampleTable[this.sampleRow]![this.sampleColumn]!
    this.sampleRow++
    if (this.sampleRow >= this.rates) {
      this.sampleRow = 0
      this.sampleColumn = (this.sampleColumn + 1) % SAMPLE_COLUMNS
    }
    return ndx
  }

  /** A chain of these stages (plus the lowest rate, legacy), each with its tries, cut to the card's 16 attempts. */
  private chainOf(stages: ReadonlyArray<number>): ReadonlyArray<ChainEntry> {
    const entries = stages.map((i) => ({ rateIndex: i, tries: this.stats[i]!.tries }))
    if (this.withLowest) entries.push({ rateIndex: 0, tries: MAX_STAGE_TRIES })
    return fitAttempts(entries, MAX_RETRY_CHAIN_ATTEMPTS)
  }
}

/** Throughput of a rate, MPDUs per ns: 0 below 10%, the probability capped at 90%. */
export const throughputOf = (probability: number, perfectNs: number): number =>
  probability < USELESS_PROBABILITY ? 0 : Math.min(probability, THROUGHPUT_PROBABILITY_CAP) / perfectNs

/** Cuts tries (from the stage with the most, the first on a tie; never below 1) until the chain has `max` attempts at most. */
export const fitAttempts = (entries: ReadonlyArray<ChainEntry>, max: number): ReadonlyArray<ChainEntry> => {
  const tries = entries.map((e) => e.tries)
  let total = tries.reduce((a, b) => a + b, 0)
  while (total > max) {
    let k = 0
    for (let i = 1; i < tries.length; i++) if (tries[i]! > tries[k]!) k = i
    if (tries[k]! <= 1) break
    tries[k]!--
    total--
  }
  return Object.freeze(entries.map((e, i) => Object.freeze({ rateIndex: e.rateIndex, tries: tries[i]! })))
}

/**
 * The sample table: each column a random permutation of the rates, built as `init_sample_table` does
 * (each rate goes to a random slot, or the next free one after it).
 */
export const sampleTable = (rates: number, random: SampleRandom): ReadonlyArray<ReadonlyArray<number>> => {
  const table = Array.from({ length: rates }, () => new Array<number>(SAMPLE_COLUMNS).fill(-1))
  for (let col = 0; col < SAMPLE_COLUMNS; col++) {
    for (let i = 0; i < rates; i++) {
      let slot = (i + random.nextIntBelow(256)) % rates
      while (table[slot]![col] !== -1) slot = (slot + 1) % rates
      table[slot]![col] = i
    }
  }
  return table
}
