/**
 * The registry of one simulation's actors: their metrics and the system-wide dead-letter log
 * (messages that were never handled, each with the reason).
 */
import * as Context from "effect/Context"
import * as Layer from "effect/Layer"

/** Why a message was not handled. */
export type DeadLetterReason =
  /** the handler crashed on this message */
  | "crashed"
  /** the mailbox was full and its overflow policy is `drop` */
  | "mailbox-full"
  /** the actor had stopped (scope closed or escalated) */
  | "actor-stopped"

export interface DeadLetter {
  readonly actor: string
  readonly reason: DeadLetterReason
  readonly atNs: number
  /** The message's `_tag`, or its type when it has none. */
  readonly messageKind: string
  /** A short description of the failure, for `crashed`. */
  readonly failure?: string
}

/** Counters of one actor. */
export interface ActorMetrics {
  readonly name: string
  readonly handled: number
  readonly mailboxHighWater: number
  readonly mailboxCapacity: number
  readonly dropsByReason: Readonly<Partial<Record<DeadLetterReason, number>>>
  readonly restarts: number
  readonly deadLetters: number
  readonly running: boolean
}

/** Dead letters kept in full; past this only the counts grow. */
const DEAD_LETTERS_KEPT = 10_000

export class ActorSystem extends Context.Service<ActorSystem, {
  /** Adds an actor's metrics source to the registry. */
  readonly register: (metrics: () => ActorMetrics) => void
  readonly recordDeadLetter: (letter: DeadLetter) => void
  /** Every registered actor's metrics, in registration order. */
  readonly metrics: () => ReadonlyArray<ActorMetrics>
  /** The dead letters kept (the first `DEAD_LETTERS_KEPT`) and the total count. */
  readonly deadLetters: () => { readonly kept: ReadonlyArray<DeadLetter>; readonly total: number }
}>()("vwifi/actor/ActorSystem") {
  /** A fresh registry; provide one per simulation run. */
  static readonly layer: Layer.Layer<ActorSystem> = Layer.sync(ActorSystem, () => {
    const sources: Array<() => ActorMetrics> = []
    const kept: Array<DeadLetter> = []
    let total = 0
    return ActorSystem.of({
      register: (metrics) => {
        sources.push(metrics)
      },
      recordDeadLetter: (letter) => {
        total++
        if (kept.length < DEAD_LETTERS_KEPT) kept.push(letter)
      },
      metrics: () => sources.map((m) => m()),
      deadLetters: () => ({ kept, total })
    })
  })
}
