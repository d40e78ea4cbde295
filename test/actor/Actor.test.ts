import { assert, describe, it } from "@effect/vitest"
import { Effect, Exit, Schedule, Schema } from "effect"
import * as Actor from "../../src/actor/Actor.ts"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import { Reply, ReplySchema } from "../../src/actor/Reply.ts"
import { decide } from "../../src/actor/Supervision.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { runActors, valueOf } from "./support.ts"

class Add extends Schema.TaggedClass<Add>()("Add", { amount: Schema.Number }) {}
class Boom extends Schema.TaggedClass<Boom>()("Boom", {}) {}
class Get extends Schema.TaggedClass<Get>()("Get", { reply: ReplySchema<number>() }) {}
class Slow extends Schema.TaggedClass<Slow>()("Slow", { ns: Schema.Number }) {}
type Msg = Add | Boom | Get | Slow

type CounterSpec = Actor.ActorSpec<Msg, number, Simulation.Simulation>
const counterSpec = (overrides: Partial<CounterSpec> = {}): CounterSpec => ({
  name: "counter",
  capacity: 8,
  initial: () => 0,
  handle: (n, msg) => {
    switch (msg._tag) {
      case "Add":
        return n + msg.amount
      case "Boom":
        throw new Error("boom")
      case "Get":
        msg.reply.succeed(n)
        return n
      case "Slow":
        return Simulation.sleep(msg.ns).pipe(Effect.as(n))
    }
  },
  ...overrides
})

describe("actor: messages", () => {
  it.effect("tell then ask: messages are handled in order and the reply is typed", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const counter = yield* Actor.make(counterSpec())
        for (let i = 1; i <= 5; i++) yield* counter.tell(new Add({ amount: i }))
        const total = yield* counter.ask<number>((reply) => new Get({ reply }))
        return { total, metrics: counter.metrics() }
      }))
      const { total, metrics } = valueOf(result)
      assert.strictEqual(total, 15)
      assert.strictEqual(metrics.handled, 6)
      assert.strictEqual(metrics.restarts, 0)
    }))

  it.effect("ask times out in virtual time with a typed error", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const counter = yield* Actor.make(counterSpec())
        yield* counter.tell(new Slow({ ns: 5e9 }))
        const startNs = yield* Simulation.nowNs
        const error = yield* Effect.flip(counter.ask<number>((reply) => new Get({ reply }), { timeoutNs: 2e9 }))
        return { error, waitedNs: (yield* Simulation.nowNs) - startNs }
      }))
      const { error, waitedNs } = valueOf(result)
      assert.strictEqual(error._tag, "AskTimeout")
      assert.strictEqual(waitedNs, 2e9)
      assert.isBelow(result.stats.wallTimeMs, 10_000)
    }))
})

describe("actor: mailbox overflow", () => {
  it.effect("a spec that cannot run is a defect naming the actor, not a hang or an allocation error", () =>
    Effect.gen(function*() {
      for (const [spec, words] of [
        [counterSpec({ capacity: 0 }), "capacity must be a whole number of messages, 1 or more, got 0"],
        [counterSpec({ capacity: 1.5 }), "got 1.5"],
        [counterSpec({ capacity: 4, overflow: "bogus" as "drop" }), 'overflow must be "wait" or "drop", got bogus']
      ] as const) {
        const result = yield* runActors(Actor.make(spec))
        assert.isTrue(Exit.isFailure(result.exit))
        const text = Exit.isFailure(result.exit) ? String(result.exit.cause) : ""
        assert.include(text, words)
        assert.include(text, "counter")
      }
    }))

  it.effect("`drop` drops past capacity and records each drop with its reason", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const counter = yield* Actor.make(counterSpec({ capacity: 4, overflow: "drop" }))
        // The actor cannot run between these sends: they happen in one step.
        const queued = Array.from({ length: 10 }, () => counter.tellUnsafe(new Add({ amount: 1 })))
        const refused = yield* Effect.flip(counter.ask<number>((reply) => new Get({ reply })))
        yield* Effect.sleep(1) // let the actor drain its mailbox
        const total = yield* counter.ask<number>((reply) => new Get({ reply }))
        const system = yield* ActorSystem
        return { queued, refused, total, metrics: counter.metrics(), dead: system.deadLetters() }
      }))
      const { queued, refused, total, metrics, dead } = valueOf(result)
      assert.deepStrictEqual(queued, [true, true, true, true, false, false, false, false, false, false])
      assert.strictEqual(refused._tag, "MailboxFull")
      assert.strictEqual(total, 4)
      assert.strictEqual(metrics.mailboxHighWater, 4)
      assert.deepStrictEqual(metrics.dropsByReason, { "mailbox-full": 7 })
      assert.strictEqual(dead.total, 7)
      assert.deepStrictEqual(dead.kept.map((d) => d.messageKind), ["Add", "Add", "Add", "Add", "Add", "Add", "Get"])
      assert.isTrue(dead.kept.every((d) => d.reason === "mailbox-full"))
    }))

  it.effect("`wait` makes the sender wait for room and loses nothing", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const counter = yield* Actor.make(counterSpec({ capacity: 2, overflow: "wait" }))
        yield* counter.tell(new Slow({ ns: 1e6 })) // keeps the actor busy for 1 ms
        const sentAt: Array<number> = []
        for (let i = 0; i < 6; i++) {
          yield* counter.tell(new Add({ amount: 1 }))
          sentAt.push(yield* Simulation.nowNs)
        }
        const total = yield* counter.ask<number>((reply) => new Get({ reply }))
        return { total, sentAt, metrics: counter.metrics() }
      }))
      const { total, sentAt, metrics } = valueOf(result)
      assert.strictEqual(total, 6)
      assert.strictEqual(metrics.mailboxHighWater, 2)
      assert.deepStrictEqual(metrics.dropsByReason, {})
      // Two fit at once; the third had to wait until the slow message was done.
      assert.strictEqual(sentAt[1], 0)
      assert.strictEqual(sentAt[2], 1e6)
    }))
})

describe("actor: supervision", () => {
  it.effect("a crash restarts the actor after backoff; later messages are handled; the message is a dead letter", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const counter = yield* Actor.make(counterSpec({
          recover: (crashed) => crashed * 10, // rebuild from what survived
          supervision: { maxRestarts: 3, windowNs: 1e9, backoff: Schedule.spaced("5 millis") }
        }))
        yield* counter.tell(new Add({ amount: 2 }))
        yield* counter.tell(new Boom())
        yield* counter.tell(new Add({ amount: 1 }))
        const total = yield* counter.ask<number>((reply) => new Get({ reply }))
        const system = yield* ActorSystem
        return { total, at: yield* Simulation.nowNs, metrics: counter.metrics(), dead: system.deadLetters() }
      }))
      const { total, at, metrics, dead } = valueOf(result)
      assert.strictEqual(total, 21)
      assert.strictEqual(at, 5e6, "the restart waited for the backoff in virtual time")
      assert.strictEqual(metrics.restarts, 1)
      assert.strictEqual(dead.total, 1)
      assert.strictEqual(dead.kept[0]?.reason, "crashed")
      assert.strictEqual(dead.kept[0]?.messageKind, "Boom")
      assert.include(dead.kept[0]?.failure ?? "", "boom")
    }))

  it.effect("more than N crashes within the window escalate to the parent as a typed failure", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const heard: Array<string> = []
        const counter = yield* Actor.make(counterSpec({
          supervision: { maxRestarts: 2, windowNs: 1e9, backoff: Schedule.spaced("1 millis") },
          parent: { childEscalated: (failure) => heard.push(failure._tag) }
        }))
        for (let i = 0; i < 4; i++) yield* counter.tell(new Boom())
        yield* counter.tell(new Add({ amount: 1 }))
        const awaited = yield* Effect.flip(counter.await)
        const afterStop = yield* counter.tell(new Add({ amount: 1 }))
        const system = yield* ActorSystem
        return { heard, awaited, afterStop, metrics: counter.metrics(), dead: system.deadLetters() }
      }))
      const { heard, awaited, afterStop, metrics, dead } = valueOf(result)
      assert.deepStrictEqual(heard, ["ActorEscalated"])
      assert.strictEqual(awaited._tag, "ActorEscalated")
      assert.strictEqual(awaited.restarts, 2)
      assert.isFalse(afterStop)
      assert.isFalse(metrics.running)
      // 3 crashed messages; the 4th Boom and both Adds were never handled: stopped, not lost.
      const reasons = dead.kept.map((d) => d.reason)
      assert.deepStrictEqual(reasons, ["crashed", "crashed", "crashed", "actor-stopped", "actor-stopped", "actor-stopped"])
    }))

  it.effect("crashes spread beyond the window do not escalate", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const counter = yield* Actor.make(counterSpec({
          supervision: { maxRestarts: 1, windowNs: 1e9, backoff: Schedule.spaced("1 millis") }
        }))
        for (let i = 0; i < 3; i++) {
          yield* counter.tell(new Boom())
          yield* Effect.sleep("2 seconds")
        }
        return counter.metrics()
      }))
      const metrics = valueOf(result)
      assert.strictEqual(metrics.restarts, 3)
      assert.isTrue(metrics.running)
    }))

  it("decide: restart until the window holds maxRestarts, then escalate", () => {
    const policy = { maxRestarts: 2, windowNs: 100 }
    let times: ReadonlyArray<number> = []
    const decisions: Array<string> = []
    for (const now of [0, 10, 20, 150, 160, 170]) {
      const v = decide(times, now, policy)
      decisions.push(v.decision)
      times = v.restartTimesNs
    }
    assert.deepStrictEqual(decisions, ["restart", "restart", "escalate", "restart", "restart", "escalate"])
  })
})

describe("actor: lifetimes and determinism", () => {
  it.effect("closing the scope stops every actor; queued messages become dead letters", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const system = yield* ActorSystem
        const refs = yield* Effect.scoped(Effect.gen(function*() {
          const a = yield* Actor.make(counterSpec({ name: "a" }))
          const b = yield* Actor.make(counterSpec({ name: "b" }))
          yield* a.tell(new Slow({ ns: 1e9 }))
          yield* a.tell(new Add({ amount: 1 }))
          yield* Effect.sleep("1 milli")
          return [a, b] as const
        }))
        return { running: refs.map((r) => r.metrics().running), dead: system.deadLetters() }
      }))
      const { running, dead } = valueOf(result)
      assert.deepStrictEqual(running, [false, false])
      assert.deepStrictEqual(dead.kept.map((d) => [d.actor, d.reason, d.messageKind]), [["a", "actor-stopped", "Add"]])
    }))

  it.effect("an actor whose scope closes before its first step is stopped too: it takes no message, an ask fails at once, await returns", () =>
    Effect.gen(function*() {
      // Its fiber, interrupted before it ran, ran no `onExit`: the mailbox stayed open, `tell` said
      // queued, the message was neither handled nor a dead letter, and `await` never returned.
      const result = yield* runActors(Effect.gen(function*() {
        const system = yield* ActorSystem
        const a = yield* Effect.scoped(Actor.make(counterSpec({ name: "a" })))
        yield* Effect.sleep("1 milli")
        const queued = yield* a.tell(new Add({ amount: 1 }))
        const asked = yield* Effect.flip(a.ask((reply: Reply<number>) => new Get({ reply })))
        yield* a.await
        return { queued, asked: asked._tag, running: a.metrics().running, dead: system.deadLetters().kept.map((d) => [d.actor, d.reason, d.messageKind]) }
      }))
      const { queued, asked, running, dead } = valueOf(result)
      assert.isFalse(queued)
      assert.strictEqual(asked, "ActorStopped")
      assert.isFalse(running)
      assert.deepStrictEqual(dead, [["a", "actor-stopped", "Add"], ["a", "actor-stopped", "Get"]])
    }))

  // A random topology of actors forwarding tokens with random delays: same seed, same digest.
  const ring = (actors: number, tokens: number) =>
    Effect.gen(function*() {
      const sim = yield* Simulation.Simulation
      const refs: Array<Actor.ActorRef<Add>> = []
      for (let i = 0; i < actors; i++) {
        refs.push(yield* Actor.make<Add, number, Simulation.Simulation>({
          name: `node-${i}`,
          capacity: 64,
          initial: () => 0,
          handle: (hops, msg) =>
            Effect.gen(function*() {
              if (msg.amount <= 0) return hops + 1
              yield* Simulation.sleep(1 + sim.random.nextIntBelow(10_000))
              refs[sim.random.nextIntBelow(refs.length)]!.tellUnsafe(new Add({ amount: msg.amount - 1 }))
              return hops + 1
            })
        }))
      }
      for (let t = 0; t < tokens; t++) yield* refs[t % actors]!.tell(new Add({ amount: 20 }))
      yield* Effect.sleep("1 second")
      return refs.reduce((sum, r) => sum + r.metrics().handled, 0)
    })

  it.effect.prop(
    "same seed and topology give the same digest; the digest depends on the seed",
    [Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 1_000_000 })), Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 12 })), Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 6 }))],
    ([seed, actors, tokens]) =>
      Effect.gen(function*() {
        const a = yield* runActors(ring(actors, tokens), { seed })
        const b = yield* runActors(ring(actors, tokens), { seed })
        const c = yield* runActors(ring(actors, tokens), { seed: seed + 1 })
        assert.strictEqual(valueOf(a), tokens * 21)
        assert.strictEqual(a.stats.traceDigest, b.stats.traceDigest)
        assert.notStrictEqual(a.stats.traceDigest, c.stats.traceDigest)
      }),
    { arbitrary: { runs: 40 } }
  )
})

// Keep the Reply import referenced for readers: asks are built from it.
void Reply

describe("actor: runaway", () => {
  it.effect("an actor that keeps re-arming a timer at the same instant is named in the runaway error", () =>
    Effect.gen(function*() {
      const result = yield* runActors(Effect.gen(function*() {
        const sim = yield* Simulation.Simulation
        let self: Actor.ActorRef<Msg> | undefined
        // Its plain handler runs on the fast path, woken from a timer callback: no actor's fiber is current.
        self = yield* Actor.make(counterSpec({
          name: "looper",
          handle: (n, msg) => {
            sim.kernel.setTimer(sim.kernel.nowNs, () => void self!.tellUnsafe(msg))
            return n + 1
          }
        }))
        self.tellUnsafe(new Add({ amount: 1 }))
        yield* Effect.sleep("1 second")
      }), { limits: { maxStepsPerInstant: 20_000, maxForcedYieldsPerInstant: 5_000 } })
      assert.strictEqual(result.stats.outcome, "runaway")
      const reason = Exit.isFailure(result.exit) ? result.exit.cause.reasons[0] : undefined
      const failure = reason?._tag === "Fail" ? (reason.error as { _tag: string; actors: ReadonlyArray<string> }) : undefined
      assert.strictEqual(failure?._tag, "RunawayFiber")
      assert.strictEqual(failure?.actors[0], "looper")
    }))
})
