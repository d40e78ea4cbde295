/**
 * Actors: supervised fibers that own their state and read one bounded, typed mailbox.
 *
 * An actor is a thin shell. Its decisions live in `handle`, a function from (state, message) to the
 * next state: plain when it needs nothing from the world (the fast path: no Effect allocated), or an
 * Effect when it sends, waits or asks for CPU time. A handler that throws, dies or fails crashes the
 * actor: the message is recorded as a dead letter, the actor restarts after a backoff in virtual
 * time with state rebuilt by `recover`, and too many crashes in a window escalate to its parent.
 *
 * @example
 * ```ts
 * const counter = yield* Actor.make({
 *   name: "counter",
 *   capacity: 16,
 *   initial: () => 0,
 *   handle: (n: number, msg: Add | Get) =>
 *     msg._tag === "Add" ? n + msg.amount : (msg.reply.succeed(n), n)
 * })
 * yield* counter.tell(new Add({ amount: 2 }))
 * const total = yield* counter.ask((reply) => new Get({ reply }))
 * ```
 */
import * as Cause from "effect/Cause"
import * as Deferred from "effect/Deferred"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Schedule from "effect/Schedule"
import type * as Scope from "effect/Scope"
import { FiberLabel } from "../kernel/FiberLabel.ts"
import { Simulation } from "../kernel/Simulation.ts"
import type { TraceName } from "../kernel/Trace.ts"
import { ActorEscalated, ActorStopped, AskTimeout, MailboxFull } from "./ActorError.ts"
import { ActorSystem } from "./ActorSystem.ts"
import type { ActorMetrics, DeadLetterReason } from "./ActorSystem.ts"
import { Mailbox } from "./Mailbox.ts"
import type { Overflow } from "./Mailbox.ts"
import { Reply } from "./Reply.ts"
import { decide, defaultSupervision } from "./Supervision.ts"
import type { SupervisionPolicy } from "./Supervision.ts"
import { objectArray } from "../kernel/StableShapes.ts"

/** Who hears about an actor that escalated. */
export interface Parent {
  readonly childEscalated: (failure: ActorEscalated) => void
}

/** Everything that defines an actor. */
export interface ActorSpec<M, S, R = never> {
  /** Unique, human-readable name: used in the trace, metrics, dead letters and errors. */
  readonly name: string
  /** Mailbox capacity (messages). */
  readonly capacity: number
  /** What a full mailbox does: make `tell` wait (default) or drop with reason `mailbox-full`. */
  readonly overflow?: Overflow | undefined
  /** The state the actor starts with. */
  readonly initial: () => S
  /** Handles one message and returns the next state. */
  readonly handle: (state: S, message: M) => S | Effect.Effect<S, unknown, R>
  /** Rebuilds state after a crash (default: `initial()`); gets the state held when it crashed. */
  readonly recover?: ((crashed: S) => S | Effect.Effect<S, never, R>) | undefined
  readonly supervision?: SupervisionPolicy | undefined
  /** Told when this actor escalates; without one the escalation is only recorded in the system. */
  readonly parent?: Parent | undefined
  /** Told of every message that becomes a dead letter (after it is recorded), to account for what it carried. */
  readonly onDeadLetter?: ((message: M, reason: DeadLetterReason) => void) | undefined
}

/** A handle to a running actor. */
export interface ActorRef<M> {
  readonly name: string
  /**
   * Sends a message. Under `wait` a full mailbox suspends the sender until there is room; under
   * `drop` the message is dropped and recorded. Succeeds with whether the message was queued.
   */
  readonly tell: (message: M) => Effect.Effect<boolean>
  /** Sends without waiting: false (and a recorded drop) when the mailbox is full or stopped. */
  readonly tellUnsafe: (message: M) => boolean
  /** Sends a message carrying a reply slot and waits for the answer, up to `timeoutNs` of virtual time. */
  readonly ask: <A, E = never>(
    makeMessage: (reply: Reply<A, E>) => M,
    options?: { readonly timeoutNs?: number | undefined }
  ) => Effect.Effect<A, E | AskTimeout | ActorStopped | MailboxFull>
  /** Waits until the actor stops; fails if it escalated. */
  readonly await: Effect.Effect<void, ActorEscalated>
  readonly metrics: () => ActorMetrics
}

/** Message kinds an actor keeps interned itself (more kinds than this fall back to the trace's table). */
const MAX_KNOWN_KINDS = 16

/** Default `ask` timeout: one simulated second. */
export const defaultAskTimeoutNs = 1e9

const kindOf = (message: unknown): string => {
  if (typeof message === "object" && message !== null) {
    // A plain property read first: `in` and `String` on every handled message showed in profiles.
    const tag = (message as { readonly _tag?: unknown })._tag
    if (typeof tag === "string") return tag
    if ("_tag" in message) return String(tag)
  }
  return typeof message
}

const describe = (cause: Cause.Cause<unknown>): string => {
  const text = Cause.pretty(cause)
  const firstLine = text.split("\n", 1)[0] ?? text
  return firstLine.length > 200 ? firstLine.slice(0, 200) + "…" : firstLine
}

/**
 * Starts an actor in the current scope; closing the scope stops it (queued messages become dead
 * letters with reason `actor-stopped`). A spec that cannot run (a capacity that is not a whole number
 * of messages, 1 or more; an overflow other than "wait" or "drop") is a defect naming the actor: an
 * error in the actor's definition, found when it starts rather than as a hang.
 */
export const make = Effect.fnUntraced(function*<M, S, R = never>(
  spec: ActorSpec<M, S, R>
): Effect.fn.Return<ActorRef<M>, never, R | Simulation | ActorSystem | Scope.Scope> {
  const sim = yield* Simulation
  const system = yield* ActorSystem
  const { kernel, trace } = sim
  const mailbox = new Mailbox<M>(kernel, spec.capacity, spec.name)
  const overflow = spec.overflow ?? "wait"
  if (overflow !== "wait" && overflow !== "drop") throw new RangeError(`actor ${spec.name}: overflow must be "wait" or "drop", got ${String(overflow)}`)
  const policy = spec.supervision ?? defaultSupervision
  const done = Deferred.makeUnsafe<void, ActorEscalated>()
  const actorName = trace.name(spec.name)

  let handled = 0
  let restarts = 0
  let deadLetters = 0
  let running = true
  const drops: Partial<Record<DeadLetterReason, number>> = {}

  const deadLetter = (message: M, reason: DeadLetterReason, failure?: string): void => {
    deadLetters++
    if (reason !== "crashed") drops[reason] = (drops[reason] ?? 0) + 1
    system.recordDeadLetter({
      actor: spec.name,
      reason,
      atNs: kernel.nowNs,
      messageKind: kindOf(message),
      ...(failure === undefined ? {} : { failure })
    })
    spec.onDeadLetter?.(message, reason)
  }

  const metrics = (): ActorMetrics => ({
    name: spec.name,
    handled,
    mailboxHighWater: mailbox.highWater,
    mailboxCapacity: mailbox.capacity,
    dropsByReason: { ...drops },
    restarts,
    deadLetters,
    running
  })
  system.register(metrics)

  const refused = (message: M): void => deadLetter(message, mailbox.closed ? "actor-stopped" : "mailbox-full")

  const tell = (message: M): Effect.Effect<boolean> =>
    Effect.suspend(() => {
      if (overflow === "drop" || mailbox.closed) return Effect.succeed(offerOrRefuse(mailbox, refused, message))
      return Effect.map(mailbox.offerWaiting(message), (queued) => {
        if (!queued) deadLetter(message, "actor-stopped")
        return queued
      })
    })

  const ask = <A, E = never>(
    makeMessage: (reply: Reply<A, E>) => M,
    options?: { readonly timeoutNs?: number | undefined }
  ): Effect.Effect<A, E | AskTimeout | ActorStopped | MailboxFull> =>
    Effect.suspend(() => {
      const reply = new Reply<A, E>(kernel)
      const timeoutNs = options?.timeoutNs ?? defaultAskTimeoutNs
      return Effect.flatMap(tell(makeMessage(reply)), (queued): Effect.Effect<A, E | AskTimeout | ActorStopped | MailboxFull> =>
        queued
          ? Effect.timeoutOrElse(Deferred.await(reply.deferred), {
            duration: Math.max(timeoutNs, 0) / 1e6,
            orElse: () => Effect.fail(new AskTimeout({ actor: spec.name, timeoutNs }))
          })
          : Effect.fail(mailbox.closed ? new ActorStopped({ actor: spec.name }) : new MailboxFull({ actor: spec.name })))
    })

  // Message kinds are interned once per kind, not once per message: the kinds this actor has seen
  // are kept here (an actor handles a few kinds, and a short scan comparing the tags' strings beat
  // the trace's name table in profiles, where kinds alternate from one message to the next). A kind
  // found moves one place forward, so the kinds of the steady state pass those of the start.
  const kindTexts: Array<string> = objectArray()
  const kindNames: Array<TraceName> = objectArray()
  const kindName = (text: string): TraceName => {
    for (let i = 0; i < kindTexts.length; i++) {
      if (kindTexts[i] !== text) continue
      const found = kindNames[i]!
      if (i > 0) {
        kindTexts[i] = kindTexts[i - 1]!
        kindNames[i] = kindNames[i - 1]!
        kindTexts[i - 1] = text
        kindNames[i - 1] = found
      }
      return found
    }
    const name = trace.name(text)
    if (kindTexts.length < MAX_KNOWN_KINDS) {
      kindTexts.push(text)
      kindNames.push(name)
    }
    return name
  }
  const recordHandled = (message: M): void => {
    trace.recordNow(actorName, kindName(kindOf(message)), ++handled, mailbox.size)
  }

  const stop = (): void => {
    running = false
    for (const message of mailbox.close()) deadLetter(message, "actor-stopped")
  }

  // The actor's state lives here, shared by its fiber and the synchronous fast path below.
  let state: S = undefined as S
  /** A message the fast path started but the fiber must finish (an Effect handler, or a crash). */
  let handoff: { readonly message: M; readonly next: Effect.Effect<S, unknown, R> | undefined; readonly thrown: unknown } | undefined

  // Fast path: while the fiber waits for mail, arriving messages are handled in a kernel task as
  // long as the handler answers with a plain value; no fiber is resumed for them. The first Effect
  // or throw is handed to the fiber, which runs it (or supervises the crash) and goes on.
  mailbox.drainer = () => {
    mailbox.drainStarted()
    if (!running) return
    while (mailbox.size > 0) {
      const message = mailbox.take()
      let next: S | Effect.Effect<S, unknown, R>
      try {
        next = spec.handle(state, message)
      } catch (thrown) {
        handoff = { message, next: undefined, thrown }
        return mailbox.resumeReader()
      }
      // A handler that hands back the state it was given (model actors keep mutable state) answered
      // plainly: the Effect check, a prototype-chain lookup, is skipped for it.
      if (next !== state && Effect.isEffect(next)) {
        handoff = { message, next, thrown: undefined }
        return mailbox.resumeReader()
      }
      state = next as S
      recordHandled(message)
    }
  }

  const body = Effect.gen(function*() {
    let backoff = yield* Schedule.toStepWithSleep(policy.backoff)
    let restartTimes: ReadonlyArray<number> = []
    state = spec.initial()
    while (true) {
      while (mailbox.size === 0 && handoff === undefined) yield* mailbox.awaitMessage
      let message: M
      let failure: Cause.Cause<unknown> | undefined
      try {
        let next: S | Effect.Effect<S, unknown, R>
        if (handoff !== undefined) {
          message = handoff.message
          const handed = handoff
          handoff = undefined
          if (handed.next === undefined) throw handed.thrown
          next = handed.next
        } else {
          message = mailbox.take()
          next = spec.handle(state, message)
        }
        if (Effect.isEffect(next)) {
          const exit = yield* Effect.exit(next)
          if (Exit.isSuccess(exit)) state = exit.value
          else if (Cause.hasInterruptsOnly(exit.cause)) return yield* Effect.interrupt
          else failure = exit.cause
        } else {
          state = next
        }
      } catch (thrown) {
        failure = Cause.die(thrown)
      }
      if (failure === undefined) {
        recordHandled(message!)
        continue
      }
      // Crash: the message becomes a dead letter; restart after backoff or escalate.
      const text = describe(failure)
      deadLetter(message!, "crashed", text)
      trace.record(kernel.nowNs, actorName, trace.name("crash"), restarts, 0)
      const verdict = decide(restartTimes, kernel.nowNs, policy)
      restartTimes = verdict.restartTimesNs
      // A restart that opens a fresh window starts the backoff schedule over.
      if (verdict.decision === "restart" && restartTimes.length === 1) {
        backoff = yield* Schedule.toStepWithSleep(policy.backoff)
      }
      const scheduled = verdict.decision === "restart"
        ? yield* backoff(undefined).pipe(Effect.as(true), Effect.catchCause(() => Effect.succeed(false)))
        : false
      if (!scheduled) {
        const escalated = new ActorEscalated({ actor: spec.name, restarts, lastFailure: text })
        stop()
        spec.parent?.childEscalated(escalated)
        kernel.enqueue(() => Deferred.doneUnsafe(done, Exit.fail(escalated)))
        return
      }
      restarts++
      const recovered = spec.recover === undefined ? spec.initial() : spec.recover(state)
      state = Effect.isEffect(recovered) ? yield* recovered : recovered
      trace.record(kernel.nowNs, actorName, trace.name("restart"), restarts, 0)
    }
  })

  const stopped = Effect.sync(() => {
    if (running) stop()
    kernel.enqueue(() => Deferred.doneUnsafe(done, Exit.void))
  })
  // Also when the scope closes: a fiber interrupted before its first step runs no `onExit`, and its
  // mailbox stayed open, taking messages that were neither handled nor dead letters. (Added before
  // the fork, this finalizer runs after the fiber's interruption.)
  yield* Effect.addFinalizer(() => stopped)
  yield* body.pipe(
    Effect.onExit(() => stopped),
    Effect.provideService(FiberLabel, spec.name),
    Effect.forkScoped
  )

  return new Address(spec.name, mailbox, refused, tell, ask, Deferred.await(done), metrics)
})

/**
 * An actor's address. A class, so that `tellUnsafe` is one function for every actor of every world:
 * a call site that sends to one actor keeps its call target when a process's next world starts (with
 * a closure per actor, each such site deoptimised in the second world, and some again in the third).
 */
class Address<M> implements ActorRef<M> {
  readonly name: string
  readonly tell: ActorRef<M>["tell"]
  readonly ask: ActorRef<M>["ask"]
  readonly await: ActorRef<M>["await"]
  readonly metrics: ActorRef<M>["metrics"]
  private readonly mailbox: Mailbox<M>
  private readonly refused: (message: M) => void

  constructor(
    name: string,
    mailbox: Mailbox<M>,
    refused: (message: M) => void,
    tell: ActorRef<M>["tell"],
    ask: ActorRef<M>["ask"],
    awaitStop: ActorRef<M>["await"],
    metrics: ActorRef<M>["metrics"]
  ) {
    this.name = name
    this.mailbox = mailbox
    this.refused = refused
    this.tell = tell
    this.ask = ask
    this.await = awaitStop
    this.metrics = metrics
  }

  tellUnsafe(message: M): boolean {
    return offerOrRefuse(this.mailbox, this.refused, message)
  }
}

/** Queues `message`, or hands it to `refused` (a dead letter with its reason); whether it was queued. */
const offerOrRefuse = <M>(mailbox: Mailbox<M>, refused: (message: M) => void, message: M): boolean => {
  if (mailbox.offer(message)) return true
  refused(message)
  return false
}
