/**
 * Worker threads started before the command line's own modules load, for a command that will run
 * its jobs on a pool (`WorkerPool.ts`): a thread takes about 0.3 s to start and load the model,
 * which it then does while the main thread loads the command line and builds the jobs, instead of
 * after (issue 13 §5: in a CPU profile of a 200-case campaign the pool's threads started 0.33 s into
 * it, and its first case 0.61 s). The pool takes them in order instead of starting its own; a thread
 * the pool never takes does not keep the process alive.
 *
 * Until the pool listens, what a thread says (the worker protocol's "ready", or its exit) is kept and
 * handed on when it does: Node drops a worker's messages that no listener hears.
 */
import { EventEmitter } from "node:events"
import { Worker } from "node:worker_threads"

/**
 * A pool thread's entry beside this module: `.ts` when running the sources (Node strips types), `.js`
 * in the compiled package and in the bundle (a `new URL` string is not rewritten by the build, so it
 * is chosen here).
 */
export const jobWorkerEntry: URL = new URL(`./JobWorkerStart${import.meta.url.endsWith(".ts") ? ".ts" : ".js"}`, import.meta.url)

/** A pool thread's name, as /proc and profilers show it. */
export const poolThreadName = (id: number): string => `vwifi-jobs-${id}`

type Buffered = { readonly event: string; readonly args: ReadonlyArray<unknown> }

/**
 * A started thread, shaped as the worker platform uses a `Worker` (`postMessage`, `terminate`, `on`):
 * its events wait here until a listener for them is added, then follow in order.
 */
export class EarlyWorker extends EventEmitter {
  private readonly worker: Worker
  /** Events heard before anyone listened, in order; undefined once handed on. */
  private held: Array<Buffered> | undefined = []
  private handOnScheduled = false

  constructor(worker: Worker) {
    super()
    this.worker = worker
    for (const event of ["message", "messageerror", "error", "exit"]) {
      worker.on(event, (...args: Array<unknown>) => {
        if (this.held !== undefined) this.held.push({ event, args })
        else this.emit(event, ...args)
      })
    }
    // Not taken yet: an idle process may exit with it (`take` refs it).
    worker.unref()
  }

  /** The pool's: it keeps the process alive again, and what it said so far follows once the pool listens for messages. */
  take(): this {
    this.worker.ref()
    return this
  }

  override on(event: string, listener: (...args: Array<any>) => void): this {
    super.on(event, listener)
    // The platform listens for messages first, then for errors and the exit, in one go: hand the
    // held events on once that is done, in the order they came.
    if (event === "message" && !this.handOnScheduled) {
      this.handOnScheduled = true
      // Events that come meanwhile join the held ones, so the order holds.
      queueMicrotask(() => {
        const held = this.held!
        this.held = undefined
        for (const { event, args } of held) this.emit(event, ...args)
      })
    }
    return this
  }

  postMessage(message: unknown, transfer?: ReadonlyArray<any>): void {
    this.worker.postMessage(message, transfer as any)
  }

  terminate(): Promise<number> {
    return this.worker.terminate()
  }
}

const started: Array<EarlyWorker> = []

/** Starts `count` pool threads now (names `vwifi-jobs-0` on), for the pool to take later. */
export const startEarlyWorkers = (count: number): void => {
  for (let i = 0; i < count; i++) started.push(new EarlyWorker(new Worker(jobWorkerEntry, { name: poolThreadName(started.length) })))
}

/** The next thread started early for `wanted` (the pool's entry), if any is left: the pool's `id`-th. */
export const takeEarlyWorker = (wanted: URL): EarlyWorker | undefined =>
  wanted.href === jobWorkerEntry.href ? started.shift()?.take() : undefined
