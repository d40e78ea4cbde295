/**
 * A small workload that exercises the kernel and the actor runtime until the WiFi model exists:
 * `nodes` actors pass tokens to random peers after random delays, and each also wakes on a
 * periodic timer. Everything random comes from the run's seed, so the digest is reproducible.
 */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import * as Actor from "../actor/Actor.ts"
import { ActorSystem } from "../actor/ActorSystem.ts"
import * as Simulation from "../kernel/Simulation.ts"
import { SimulationOptionsError } from "../kernel/KernelError.ts"
import { wholeNumberProblem } from "../run/RunOptionsCheck.ts"

class Token extends Schema.TaggedClass<Token>()("Token", { hops: Schema.Number }) {}
class Tick extends Schema.TaggedClass<Tick>()("Tick", {}) {}
type NodeMessage = Token | Tick

/** The demo's largest ring of actors: a million messages a simulated second already, at its default rates. */
export const MAX_DEMO_NODES = 100_000

export interface KernelDemoOptions {
  readonly seed: number
  readonly nodes: number
  readonly durationNs: number
  readonly trace?: ((line: string) => void) | undefined
  readonly onProgress?: ((progress: Simulation.Progress) => void) | undefined
}

/** The demo's results (the JSON form printed by `vwifi kernel-demo --json`). */
export const KernelDemoResult = Schema.Struct({
  seed: Schema.Number,
  nodes: Schema.Number,
  outcome: Schema.String,
  simulatedSeconds: Schema.Number,
  traceDigest: Schema.String,
  traceEvents: Schema.Number,
  eventsProcessed: Schema.Number,
  wallSeconds: Schema.Number,
  eventsPerWallSecond: Schema.Number,
  messagesHandled: Schema.Number,
  deadLetters: Schema.Number,
  busiestActor: Schema.Struct({ name: Schema.String, handled: Schema.Number, mailboxHighWater: Schema.Number })
})
export type KernelDemoResult = typeof KernelDemoResult.Type

/** Mean token delay (virtual ns) and the tick period. */
const MEAN_DELAY_NS = 200_000
const TICK_PERIOD_NS = 1_000_000

const program = (options: KernelDemoOptions) =>
  Effect.gen(function*() {
    const sim = yield* Simulation.Simulation
    const system = yield* ActorSystem
    const nodes: Array<Actor.ActorRef<NodeMessage>> = []
    for (let i = 0; i < options.nodes; i++) {
      nodes.push(yield* Actor.make<NodeMessage, number, Simulation.Simulation>({
        name: `node-${i}`,
        capacity: 256,
        overflow: "drop",
        initial: () => 0,
        handle: (tokensSeen, message) => {
          if (message._tag === "Tick") return tokensSeen
          const delayNs = Math.ceil(sim.random.nextExponential(MEAN_DELAY_NS))
          const peer = nodes[sim.random.nextIntBelow(nodes.length)]!
          return Simulation.sleep(delayNs).pipe(
            Effect.map(() => {
              peer.tellUnsafe(new Token({ hops: message.hops + 1 }))
              return tokensSeen + 1
            })
          )
        }
      }))
      const node = nodes[i]!
      yield* Effect.forkScoped(Effect.gen(function*() {
        yield* Simulation.sleep(1 + sim.random.nextIntBelow(TICK_PERIOD_NS))
        while (true) {
          node.tellUnsafe(new Tick())
          yield* Simulation.sleep(TICK_PERIOD_NS)
        }
      }))
    }
    for (const node of nodes) node.tellUnsafe(new Token({ hops: 0 }))
    yield* Simulation.sleep(options.durationNs)
    return { metrics: system.metrics(), deadLetters: system.deadLetters().total }
  }).pipe(Effect.provide(ActorSystem.layer))

/** Runs the demo and summarizes it; options it cannot run with fail with `SimulationOptionsError`, every problem named. */
export const runKernelDemo = (options: KernelDemoOptions): Effect.Effect<KernelDemoResult, SimulationOptionsError> => {
  const problems: Array<{ option: string; message: string }> = []
  const nodes = wholeNumberProblem(options.nodes, 1, MAX_DEMO_NODES)
  if (nodes !== undefined) problems.push({ option: "nodes", message: nodes })
  if (!(Number.isSafeInteger(options.durationNs) && options.durationNs >= 0)) {
    problems.push({ option: "durationNs", message: `must be a whole number of nanoseconds, 0 or more, got ${options.durationNs}` })
  }
  if (problems.length > 0) return Effect.fail(new SimulationOptionsError({ problems }))
  return Effect.map(
    Simulation.run(program(options), { seed: options.seed, trace: options.trace, onProgress: options.onProgress }),
    ({ exit, stats }): KernelDemoResult => {
      const summary = exit._tag === "Success" ? exit.value : { metrics: [], deadLetters: 0 }
      const busiest = summary.metrics.reduce(
        (best, m) => (m.handled > best.handled ? { name: m.name, handled: m.handled, mailboxHighWater: m.mailboxHighWater } : best),
        { name: "(none)", handled: 0, mailboxHighWater: 0 }
      )
      return {
        seed: options.seed,
        nodes: options.nodes,
        outcome: stats.outcome,
        simulatedSeconds: stats.virtualTimeNs / 1e9,
        traceDigest: stats.traceDigest,
        traceEvents: stats.traceEvents,
        eventsProcessed: stats.eventsProcessed,
        wallSeconds: stats.wallTimeMs / 1e3,
        eventsPerWallSecond: Math.round(stats.eventsProcessed / (stats.wallTimeMs / 1e3)),
        messagesHandled: summary.metrics.reduce((sum, m) => sum + m.handled, 0),
        deadLetters: summary.deadLetters,
        busiestActor: busiest
      }
    }
  )
}
