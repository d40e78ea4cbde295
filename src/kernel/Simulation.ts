/**
 * One simulation run: the services a model sees (virtual clock, deterministic scheduler, seeded
 * random source, trace) and `run`, which executes a program on them to completion or to a virtual
 * time limit and reports what happened.
 *
 * @example
 * ```ts
 * const result = yield* Simulation.run(
 *   Effect.gen(function*() {
 *     yield* Effect.sleep("1 hour")            // takes no real time
 *     return (yield* Simulation.Simulation).random.nextIntBelow(6)
 *   }),
 *   { seed: 42 }
 * )
 * result.stats.traceDigest // the same for the same seed, every time
 * ```
 */
import * as Cause from "effect/Cause"
import * as Context from "effect/Context"
import * as Duration from "effect/Duration"
import * as Effect from "effect/Effect"
import * as Exit from "effect/Exit"
import * as Clock from "effect/Clock"
import * as Random from "effect/Random"
import * as Scheduler from "effect/Scheduler"
import type * as Scope from "effect/Scope"
import { durationToNs, Kernel, sleepNs } from "./Kernel.ts"
import type { RunawayLimits } from "./Kernel.ts"
import { Deadlock, RunawayFiber, SimulationOptionsError } from "./KernelError.ts"
import { Prng } from "./Prng.ts"
import { TraceLog } from "./Trace.ts"
import type { TraceSink } from "./Trace.ts"

/** The per-run services of a simulation. Model code reaches the kernel only through this. */
export class Simulation extends Context.Service<Simulation, {
  readonly seed: number
  readonly kernel: Kernel
  readonly random: Prng
  /** Subsystem `name`'s own stream, derived from the run's seed: draws elsewhere never shift it. */
  readonly stream: (name: string) => Prng
  readonly trace: TraceLog
}>()("vwifi/kernel/Simulation") {}

/** Current virtual time in nanoseconds. */
export const nowNs: Effect.Effect<number, never, Simulation> = Effect.map(Effect.service(Simulation), (sim) => sim.kernel.nowNs)

/** Sleeps `ns` nanoseconds of virtual time (the allocation-light form of `Effect.sleep`); 0 or less yields, NaN is a defect. */
export const sleep = (ns: number): Effect.Effect<void, never, Simulation> =>
  Effect.flatMap(Effect.service(Simulation), (sim) => sleepNs(sim.kernel, ns))

/**
 * Sleeps `ns` nanoseconds of virtual time, or less if `signal` aborts first: the caller asked to stop
 * the run where it is (`RunScenarioOptions.signal`, Ctrl-C in `vwifi run`). The fiber then wakes at
 * the virtual time the run has reached, after what is queued at that instant already. Where that is
 * depends on the wall clock, so a run stopped this way is not one its seed replays.
 */
export const sleepUnlessStopped = (ns: number, signal: AbortSignal | undefined): Effect.Effect<void, never, Simulation> =>
  signal === undefined ? sleep(ns) : Effect.flatMap(Effect.service(Simulation), (sim) => {
    if (signal.aborted) return Effect.yieldNow
    const kernel = sim.kernel
    return Effect.callback<void>((resume) => {
      let done = false
      const forget = (): void => {
        done = true
        kernel.cancelTimer(timer)
        signal.removeEventListener("abort", onAbort)
      }
      const wake = (): void => {
        if (done) return
        forget()
        resume(Effect.void)
      }
      // An abort comes from outside the kernel (a signal handler between its slices): the wake-up
      // goes through the run queue like every other, never runs inside another fiber's step.
      const onAbort = (): void => kernel.enqueue(wake)
      const timer = kernel.setTimer(kernel.nowNs + ns, wake)
      signal.addEventListener("abort", onAbort, { once: true })
      return Effect.sync(forget)
    })
  })

/**
 * How a run ended. A run whose own fiber is interrupted (a timeout of the caller's, say) gives no
 * stats: the interruption goes on to the caller, after the program's finalizers had their grace.
 */
export type Outcome = "completed" | "time-limit" | "deadlock" | "runaway"

/** Figures of one run. */
export interface RunStats {
  readonly seed: number
  readonly outcome: Outcome
  /** Fiber steps and timer firings the kernel processed. */
  readonly eventsProcessed: number
  /** Virtual time when the run ended, in nanoseconds. */
  readonly virtualTimeNs: number
  /** Real time the run took, in milliseconds. */
  readonly wallTimeMs: number
  /** Model events recorded in the trace. */
  readonly traceEvents: number
  /** 64-bit digest of the ordered trace, 16 hex digits. */
  readonly traceDigest: string
  /** 32-bit words drawn from the seeded generator. */
  readonly randomDraws: number
  /** Timers still pending when the run ended (fibers left waiting). */
  readonly pendingTimers: number
}

export interface RunResult<A, E> {
  readonly exit: Exit.Exit<A, E | RunawayFiber | Deadlock>
  readonly stats: RunStats
}

/** Progress of a run, reported after each wall-clock slice. */
export interface Progress {
  readonly virtualTimeNs: number
  readonly eventsProcessed: number
  readonly wallTimeMs: number
}

export interface RunOptions {
  /** Seed of the run's random source. */
  readonly seed: number
  /**
   * Virtual time limit; the program is interrupted when it is reached. Default: none. A program that
   * waits with nothing left to happen (no timer, no runnable fiber) ends in a deadlock at once, even
   * before the limit: waiting would change nothing, and a model that stalls should say so.
   */
  readonly until?: Duration.Input | undefined
  /** Receives the full trace, one JSON line per event. Default: none (only the digest is kept). */
  readonly trace?: TraceSink | undefined
  /** Real milliseconds the kernel runs before giving the host a turn (for progress). Default 50. */
  readonly sliceMs?: number | undefined
  /** Called after each slice. */
  readonly onProgress?: ((progress: Progress) => void) | undefined
  /** Virtual time allowed for finalizers after an interruption. Default 1 s. */
  readonly graceNs?: number | undefined
  readonly limits?: RunawayLimits | undefined
}

/** The virtual time limit in nanoseconds (Infinity: none), or a problem with it. */
const untilOf = (until: Duration.Input | undefined): number | string => {
  if (until === undefined) return Infinity
  // Effect's Duration reads NaN as 0: the run would end at once instead of being refused.
  if (typeof until === "number" && Number.isNaN(until)) return `must be a duration of 0 or more, got NaN`
  let ns: number
  try {
    ns = durationToNs(Duration.fromInputUnsafe(until))
  } catch (error) {
    return `is not a duration: ${error instanceof Error ? error.message : String(error)}`
  }
  return Number.isNaN(ns) || ns < 0 ? `must be a duration of 0 or more, got ${String(until)}` : ns
}

/** Every problem with `options`, each named by its field. */
const optionProblems = (options: RunOptions, until: number | string): Array<{ option: string; message: string }> => {
  const problems: Array<{ option: string; message: string }> = []
  const { seed, sliceMs, graceNs } = options
  if (!(Number.isSafeInteger(seed) && seed >= 0)) problems.push({ option: "seed", message: `must be a whole number from 0 to 2^53 − 1, got ${seed}` })
  if (typeof until === "string") problems.push({ option: "until", message: until })
  if (sliceMs !== undefined && !(Number.isFinite(sliceMs) && sliceMs >= 0)) problems.push({ option: "sliceMs", message: `must be a finite number of milliseconds, 0 or more, got ${sliceMs}` })
  if (graceNs !== undefined && !(Number.isFinite(graceNs) && graceNs >= 0)) problems.push({ option: "graceNs", message: `must be a finite number of nanoseconds, 0 or more, got ${graceNs}` })
  // A limit of NaN compares false with every count: the runaway check it stands for would never fire.
  const limits = options.limits
  if (limits !== undefined) {
    for (const name of ["maxStepsPerInstant", "maxForcedYieldsPerInstant"] as const) {
      const v = limits[name]
      if (!(Number.isSafeInteger(v) && v >= 1)) problems.push({ option: `limits.${name}`, message: `must be a whole number, 1 or more, got ${v}` })
    }
  }
  return problems
}

/**
 * Runs `program` in a fresh simulation. The program gets `Simulation` and a `Scope` that closes
 * when it ends; every fiber it forks runs on the kernel, in virtual time. Options it cannot run with
 * fail with `SimulationOptionsError` before anything runs (a seed of 1.5 would otherwise run as 1).
 */
export const run = <A, E>(
  program: Effect.Effect<A, E, Simulation | Scope.Scope>,
  options: RunOptions
): Effect.Effect<RunResult<A, E>, SimulationOptionsError> =>
  Effect.suspend(() => {
    const untilChecked = untilOf(options.until)
    const problems = optionProblems(options, untilChecked)
    // (A problem with `until` is among `problems`; the type test narrows it for what follows.)
    if (problems.length > 0 || typeof untilChecked === "string") return Effect.fail(new SimulationOptionsError({ problems }))
    const kernel = new Kernel(options.limits)
    const random = Prng.forRun(options.seed)
    const streams: Array<Prng> = []
    const stream = (name: string): Prng => {
      const p = Prng.forStream(options.seed, name)
      streams.push(p)
      return p
    }
    const trace = new TraceLog(options.trace, kernel)
    const context = Context.make(Simulation, Simulation.of({ seed: options.seed, kernel, random, stream, trace })).pipe(
      Context.add(Scheduler.Scheduler, kernel.scheduler),
      Context.add(Clock.Clock, kernel.clock),
      Context.add(Random.Random, random)
    )
    const untilNs = untilChecked
    const sliceMs = options.sliceMs ?? 50
    const graceNs = options.graceNs ?? 1e9
    const wallStart = performance.now()

    const root = Effect.runForkWith(context)(Effect.scoped(program))
    root.addObserver(() => kernel.stop())

    // After an interruption, let finalizers run for a bounded stretch of virtual time.
    const settle = (): void => {
      kernel.abortReason = undefined
      kernel.runUntil(kernel.nowNs + graceNs)
    }

    const finish = (outcome: Outcome, failure?: RunawayFiber | Deadlock): RunResult<A, E> => {
      const rootExit = root.pollUnsafe()
      const exit: Exit.Exit<A, E | RunawayFiber | Deadlock> = failure !== undefined
        ? Exit.fail(failure)
        : rootExit ?? Exit.failCause(Cause.interrupt())
      return {
        exit,
        stats: {
          seed: options.seed,
          outcome,
          eventsProcessed: kernel.eventsProcessed,
          virtualTimeNs: kernel.nowNs,
          wallTimeMs: performance.now() - wallStart,
          traceEvents: trace.events,
          traceDigest: trace.digest(),
          randomDraws: streams.reduce((n, p) => n + p.draws, random.draws),
          pendingTimers: kernel.pendingTimers
        }
      }
    }

    const stopRoot = (): void => {
      if (root.pollUnsafe() === undefined) {
        root.interruptUnsafe()
        settle()
      }
    }

    /**
     * A callback of the caller's threw inside the kernel (a trace or capture sink, `onProgress`; an
     * actor's or a fiber's failure never reaches here, they are supervised): the program is
     * interrupted, its finalizers get their grace (unless the callback throws again), and the run dies
     * saying where it stopped, with the callback's error as the cause.
     */
    const callbackThrew = (thrown: unknown) => {
      const at = kernel.nowNs
      const events = kernel.eventsProcessed
      try {
        stopRoot()
      } catch {
        // The callback threw again while the finalizers ran: they are left.
      }
      const what = thrown instanceof Error ? thrown.message : String(thrown)
      return Effect.die(new Error(`the run stopped at ${at} ns after ${events} events: a callback threw: ${what}`, { cause: thrown }))
    }

    const drive = Effect.gen(function*() {
      while (true) {
        const step = kernel.runUntil(untilNs, performance.now() + sliceMs)
        if (step === "stopped") return finish("completed")
        if (step === "slice") {
          options.onProgress?.({
            virtualTimeNs: kernel.nowNs,
            eventsProcessed: kernel.eventsProcessed,
            wallTimeMs: performance.now() - wallStart
          })
          yield* Effect.yieldNow
          continue
        }
        if (step === "aborted") {
          const reason = kernel.abortReason!
          stopRoot()
          return finish("runaway", reason)
        }
        if (root.pollUnsafe() !== undefined) return finish("completed")
        if (step === "limit") {
          stopRoot()
          return finish("time-limit")
        }
        const at = kernel.nowNs
        stopRoot()
        return finish("deadlock", new Deadlock({ virtualTimeNs: at }))
      }
    })
    // Caught as a defect of the loop rather than by a try around `runUntil`: a try there made the
    // kernel's loop 6–8% slower (the kernel benchmark's workload, alternating in one process).
    return drive.pipe(Effect.catchDefect(callbackThrew), Effect.onInterrupt(() => Effect.sync(stopRoot)))
  })
