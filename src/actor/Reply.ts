/**
 * The reply slot of an `ask`: the asker waits on it, the handler fills it once. A message that
 * expects an answer carries one as a field.
 *
 * The answer reaches the asker through the kernel's run queue, after the handler's step, so the
 * asker never runs inside the replying actor's step (flat stacks, FIFO order, and the actor's
 * bookkeeping for the message is complete before anyone sees the answer).
 */
import * as Deferred from "effect/Deferred"
import * as Exit from "effect/Exit"
import * as Schema from "effect/Schema"
import type { Kernel } from "../kernel/Kernel.ts"

export class Reply<A, E = never> {
  /** The asker waits on this. */
  readonly deferred: Deferred.Deferred<A, E> = Deferred.makeUnsafe<A, E>()
  private readonly kernel: Kernel
  private answered = false

  constructor(kernel: Kernel) {
    this.kernel = kernel
  }

  /** Answers the asker (later answers are ignored). */
  succeed(value: A): void {
    this.complete(Exit.succeed(value))
  }

  /** Answers the asker with a typed failure. */
  fail(error: E): void {
    this.complete(Exit.fail(error))
  }

  private complete(exit: Exit.Exit<A, E>): void {
    if (this.answered) return
    this.answered = true
    this.kernel.enqueue(() => Deferred.doneUnsafe(this.deferred, exit))
  }
}

/** Schema of a reply field inside a `Schema.TaggedClass` message. */
export const ReplySchema = <A, E = never>() =>
  Schema.declare((u: unknown): u is Reply<A, E> => u instanceof Reply)
