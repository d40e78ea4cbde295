/** Typed failures of the actor runtime. */
import * as Schema from "effect/Schema"

/** An `ask` got no reply within its timeout (virtual time). */
export class AskTimeout extends Schema.TaggedError<AskTimeout>()("AskTimeout", {
  actor: Schema.String,
  timeoutNs: Schema.Number
}) {
  override get message(): string {
    return `${this.actor} did not reply within ${this.timeoutNs} ns of virtual time`
  }
}

/** The actor has stopped (its scope closed or it escalated) and takes no more messages. */
export class ActorStopped extends Schema.TaggedError<ActorStopped>()("ActorStopped", {
  actor: Schema.String
}) {
  override get message(): string {
    return `${this.actor} has stopped`
  }
}

/** An actor crashed more often than its supervision policy allows; its parent must act. */
export class ActorEscalated extends Schema.TaggedError<ActorEscalated>()("ActorEscalated", {
  actor: Schema.String,
  restarts: Schema.Number,
  lastFailure: Schema.String
}) {
  override get message(): string {
    return `${this.actor} escalated after ${this.restarts} restarts; last failure: ${this.lastFailure}`
  }
}

/** An `ask` to an actor whose mailbox is full under the `drop` policy: the question was dropped. */
export class MailboxFull extends Schema.TaggedError<MailboxFull>()("MailboxFull", {
  actor: Schema.String
}) {
  override get message(): string {
    return `${this.actor}'s mailbox is full; the message was dropped`
  }
}
