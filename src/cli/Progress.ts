/** A one-line progress indicator on stderr, shown only when stderr is a terminal. */

export interface ProgressReporter {
  readonly update: (progress: { readonly virtualTimeNs: number; readonly wallTimeMs: number }) => void
  readonly done: () => void
}

export const progressReporter = (totalNs: number): ProgressReporter | undefined => {
  if (!process.stderr.isTTY) return undefined
  let shown = false
  return {
    update: ({ virtualTimeNs, wallTimeMs }) => {
      const pct = Math.min(100, (100 * virtualTimeNs) / totalNs)
      process.stderr.write(`\r  simulating… ${pct.toFixed(1)}% (${(virtualTimeNs / 1e9).toFixed(2)} s simulated in ${(wallTimeMs / 1e3).toFixed(1)} s)`)
      shown = true
    },
    done: () => {
      if (shown) process.stderr.write("\r\x1b[K")
    }
  }
}

/** A progress line for a batch of jobs ("run 17/200 done, 2 workers, 12 s"), on stderr when it is a terminal. */
export interface JobProgress {
  readonly onDone: ((done: number, total: number) => void) | undefined
  /** Clears the line. */
  readonly done: () => void
}

export const jobProgress = (what: string, workers: number, quiet = false): JobProgress => {
  if (quiet || !process.stderr.isTTY) return { onDone: undefined, done: () => {} }
  const started = performance.now()
  let shown = false
  return {
    onDone: (done, total) => {
      const seconds = (performance.now() - started) / 1e3
      process.stderr.write(`\r\x1b[K  ${what} ${done}/${total} done, ${workers} ${workers === 1 ? "worker" : "workers"}, ${seconds.toFixed(0)} s`)
      shown = true
    },
    done: () => {
      if (shown) process.stderr.write("\r\x1b[K")
      shown = false
    }
  }
}
