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
