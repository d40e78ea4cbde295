/**
 * The benchmark's workload, shared by both implementations so they do the same work by
 * construction: the configuration, the message, how a peer is chosen, and the ledger that every
 * handled message and timer firing is recorded in.
 *
 * The workload: `actors` actors, each with a periodic timer (period `periodNs`, per-actor phase)
 * that injects a fresh message into its own mailbox. A message is handled `chainLength` times in
 * all: each actor that handles it records it and forwards it, one hop fewer, to a peer chosen by
 * the seeded PRNG, until its hops run out. Without that bound every injection would circulate
 * forever at one virtual instant and virtual time could never advance.
 */
import type { Prng } from "../src/kernel/Prng.ts"

export interface WorkloadConfig {
  readonly seed: number
  readonly actors: number
  /** Period of every actor's timer, in virtual nanoseconds. */
  readonly periodNs: number
  /**
   * Actors are spread over this many distinct phases within a period, so several timers are due
   * at the same instant (exercising the heap's FIFO tie-break) without all being due at once.
   */
  readonly phaseGroups: number
  /** Times each injected message is handled (the injection plus `chainLength - 1` forwards). */
  readonly chainLength: number
  /** Simulated duration; a multiple of `periodNs`, so no timer is due exactly at the end. */
  readonly durationNs: number
  /** Mailbox capacity; a chain keeps at most one message in flight, so nothing should drop. */
  readonly mailboxCapacity: number
}

/** The one message kind. A plain tagged object, the shape the model's actors exchange. */
export interface Hop {
  readonly _tag: "Hop"
  /** Forwards still to make after this message is handled. */
  readonly hopsLeft: number
}

/**
 * First firing of actor `index`'s timer: strictly inside (0, period), so no firing lands on t = 0
 * (before every actor is started) or on the end of the run (a multiple of the period).
 */
export const phaseOf = (config: WorkloadConfig, index: number): number =>
  Math.floor(((index % config.phaseGroups) + 0.5) * config.periodNs / config.phaseGroups)

/** The peer `self` forwards to: uniform over the other actors (one PRNG draw, barring rejection). */
export const pickPeer = (random: Prng, self: number, actors: number): number =>
  (self + 1 + random.nextIntBelow(actors - 1)) % actors

/** Timer firings a complete run makes: every actor fires once per period. */
export const expectedTimerFirings = (config: WorkloadConfig): number =>
  config.actors * Math.round(config.durationNs / config.periodNs)

/**
 * What both implementations record. `checksum` folds in who handled which message, in order, so
 * equal checksums mean the two ran the same messages through the same actors in the same order
 * (and so drew the same PRNG sequence), not merely the same number of them.
 */
export class Ledger {
  messages = 0
  timerFirings = 0
  checksum = 0x811c9dc5

  /** Records that actor `actor` handled a message with `hopsLeft` forwards to go. */
  message(actor: number, hopsLeft: number): void {
    this.messages++
    this.checksum = Math.imul(this.checksum ^ (actor * 4096 + hopsLeft), 0x01000193)
  }

  /** Records that actor `actor`'s timer fired. */
  timerFired(actor: number): void {
    this.timerFirings++
    this.checksum = Math.imul(this.checksum ^ ~actor, 0x01000193)
  }
}

/** The figures of one measured run, in the same terms for both implementations. */
export interface RunFigures {
  readonly messages: number
  readonly timerFirings: number
  /** Kernel: `stats.eventsProcessed` (fiber steps + timer firings); plain: its dispatches. */
  readonly events: number
  readonly wallMs: number
  /** `Ledger.checksum` as an unsigned 32-bit integer. */
  readonly checksum: number
  /** 32-bit words drawn from the PRNG. */
  readonly randomDraws: number
  /** Messages refused by a full or closed mailbox (expected 0). */
  readonly drops: number
}

/** Packs a ledger and the runtime's own counts into the reported figures. */
export const figuresOf = (
  ledger: Ledger,
  counts: { readonly events: number; readonly wallMs: number; readonly randomDraws: number; readonly drops: number }
): RunFigures => ({
  messages: ledger.messages,
  timerFirings: ledger.timerFirings,
  events: counts.events,
  wallMs: counts.wallMs,
  checksum: ledger.checksum >>> 0,
  randomDraws: counts.randomDraws,
  drops: counts.drops
})
