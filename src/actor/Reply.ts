/**
 * The reply slot of an `ask`: the asker waits on it, the handler fills it once. A message that
 * expects an answer carries one as a field.
 */
import { Deferred, Exit, Schema } from "effect"

export class Reply<A, E = never> {
  /** @internal the asker waits on this */
  readonly deferred: Deferred.Deferred<A, E> = Deferred.makeUnsafe<A, E>()

  /** Answers the asker (later answers are ignored). */
  succeed(value: A): void {
    Deferred.doneUnsafe(this.deferred, Exit.succeed(value))
  }

  /** Answers the asker with a typed failure. */
  fail(error: E): void {
    Deferred.doneUnsafe(this.deferred, Exit.fail(error))
  }
}

/** Schema of a reply field inside a `Schema.TaggedClass` message. */
export const ReplySchema = <A, E = never>() =>
  Schema.declare((u: unknown): u is Reply<A, E> => u instanceof Reply)
