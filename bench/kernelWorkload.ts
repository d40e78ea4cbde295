/**
 * The workload on the vwifi kernel, built the way model code is: actors from the real actor
 * runtime (`Actor.make`, forwarding with `tellUnsafe`) and one forked fiber per actor whose
 * periodic timer is `Effect.sleep` on the virtual clock. What is timed is therefore the kernel's
 * run queue and timer heap, Effect fiber steps, the mailbox and the actor loop with its tracing.
 */
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Actor from "../src/actor/Actor.ts"
import { ActorSystem } from "../src/actor/ActorSystem.ts"
import * as Simulation from "../src/kernel/Simulation.ts"
import { figuresOf, Ledger, phaseOf, pickPeer } from "./workload.ts"
import type { Hop, RunFigures, WorkloadConfig } from "./workload.ts"

const program = (config: WorkloadConfig, ledger: Ledger) =>
  Effect.gen(function*() {
    const { random } = yield* Simulation.Simulation
    const system = yield* ActorSystem
    const n = config.actors
    // Durations are built once: the timer loop should cost what a model's timer loop costs.
    const period = Duration.nanos(BigInt(config.periodNs))
    const peers: Array<Actor.ActorRef<Hop>> = []
    for (let i = 0; i < n; i++) {
      const ref = yield* Actor.make<Hop, undefined>({
        name: `actor-${i}`,
        capacity: config.mailboxCapacity,
        overflow: "drop",
        initial: () => undefined,
        // A plain (non-Effect) handler: the actor runtime's fast path, as model handlers use it.
        handle: (state, message) => {
          ledger.message(i, message.hopsLeft)
          if (message.hopsLeft > 0) {
            peers[pickPeer(random, i, n)]!.tellUnsafe({ _tag: "Hop", hopsLeft: message.hopsLeft - 1 })
          }
          return state
        }
      })
      peers.push(ref)
      const phase = Duration.nanos(BigInt(phaseOf(config, i)))
      yield* Effect.forkScoped(Effect.gen(function*() {
        yield* Effect.sleep(phase)
        while (true) {
          ledger.timerFired(i)
          ref.tellUnsafe({ _tag: "Hop", hopsLeft: config.chainLength - 1 })
          yield* Effect.sleep(period)
        }
      }))
    }
    // The run ends when this sleep does; no timer is due at that instant (see `phaseOf`).
    yield* Effect.sleep(Duration.nanos(BigInt(config.durationNs)))
    return system.deadLetters().total
  }).pipe(Effect.provide(ActorSystem.layer))

/** Runs the workload once in a fresh simulation and returns its figures. */
export const runKernelWorkload = async (config: WorkloadConfig): Promise<RunFigures> => {
  const ledger = new Ledger()
  const { exit, stats } = await Effect.runPromise(Simulation.run(program(config, ledger), { seed: config.seed }))
  if (exit._tag !== "Success") {
    throw new Error(`kernel run did not complete (outcome ${stats.outcome}): ${String(exit.cause)}`)
  }
  return figuresOf(ledger, {
    events: stats.eventsProcessed,
    wallMs: stats.wallTimeMs,
    randomDraws: stats.randomDraws,
    drops: exit.value
  })
}
