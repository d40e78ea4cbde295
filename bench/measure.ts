/**
 * Warm-up and repetition. Both sides run in one process, so they are interleaved (plain, kernel,
 * plain, kernel, ...) rather than run in blocks: a slow stretch of the machine or a GC debt left by
 * one side then falls on both instead of skewing one median.
 */
import type { RunFigures, WorkloadConfig } from "./workload.ts"

export type Runner = (config: WorkloadConfig) => RunFigures | Promise<RunFigures>

export interface Measured {
  /** The run with the median wall time. */
  readonly median: RunFigures
  /** Every measured run, in the order they ran (the warm-up is not included). */
  readonly runs: ReadonlyArray<RunFigures>
}

const medianByWall = (runs: ReadonlyArray<RunFigures>): RunFigures =>
  [...runs].sort((x, y) => x.wallMs - y.wallMs)[runs.length >> 1]!

/** Warms each runner up once on `warmUp`, then runs each `runs` times on `config`, interleaved. */
export const measure = async (
  runners: ReadonlyArray<Runner>,
  config: WorkloadConfig,
  warmUp: WorkloadConfig,
  runs: number
): Promise<Array<Measured>> => {
  for (const runner of runners) await runner(warmUp)
  const results = runners.map((): Array<RunFigures> => [])
  for (let r = 0; r < runs; r++) {
    for (let i = 0; i < runners.length; i++) results[i]!.push(await runners[i]!(config))
  }
  return results.map((all) => ({ median: medianByWall(all), runs: all }))
}
