/** Ways a simulation run can end other than by its program finishing. */
import * as Schema from "effect/Schema"

/**
 * A fiber kept running without ever letting virtual time advance (a busy loop, or two actors
 * bouncing messages forever at one instant). Reported with the actor(s) seen spinning.
 */
export class RunawayFiber extends Schema.TaggedError<RunawayFiber>()("RunawayFiber", {
  actors: Schema.Array(Schema.String),
  virtualTimeNs: Schema.Number,
  steps: Schema.Number
}) {
  override get message(): string {
    return `virtual time stopped advancing at ${this.virtualTimeNs} ns: ${this.actors.join(", ")} ran ${this.steps} steps without waiting`
  }
}

/** Every fiber of the run is waiting and no timer is pending: the program can never finish. */
export class Deadlock extends Schema.TaggedError<Deadlock>()("Deadlock", {
  virtualTimeNs: Schema.Number
}) {
  override get message(): string {
    return `deadlock at ${this.virtualTimeNs} ns: every fiber is waiting and no timer is pending`
  }
}

/** Options `Simulation.run` cannot run with (a seed that is not one, a negative time limit …), every problem named. */
export class SimulationOptionsError extends Schema.TaggedError<SimulationOptionsError>()("SimulationOptionsError", {
  problems: Schema.Array(Schema.Struct({ option: Schema.String, message: Schema.String }))
}) {
  override get message(): string {
    return this.problems.map((p) => `${p.option}: ${p.message}`).join("\n")
  }
}
