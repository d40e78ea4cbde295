/**
 * Command-line options of the benchmark and the workload sizes they select. The full size is
 * chosen so the kernel side runs for one to two wall-seconds per measured run (the plain loop,
 * doing the same work, finishes several times sooner); `--quick` shrinks everything for a smoke
 * check whose figures are not meant to be quoted.
 */
import type { WorkloadConfig } from "./workload.ts"

export interface BenchOptions {
  /** Print one JSON object instead of the table. */
  readonly json: boolean
  readonly quick: boolean
  /** The measured workload. */
  readonly config: WorkloadConfig
  /** A shorter run of the same workload, run first on each side so the JIT has compiled it. */
  readonly warmUp: WorkloadConfig
  /** Measured runs per side; the median (by wall time) is reported. */
  readonly runs: number
}

export const usage = "usage: node bench/run.ts [--quick] [--json]"

const base: Omit<WorkloadConfig, "durationNs"> = {
  seed: 1,
  actors: 64,
  periodNs: 1_000_000,
  phaseGroups: 16,
  chainLength: 8,
  mailboxCapacity: 16
}

/** Parses the arguments; an unknown one is an error (returned as text, for the caller to print). */
export const parseOptions = (args: ReadonlyArray<string>): BenchOptions | string => {
  let json = false
  let quick = false
  for (const arg of args) {
    if (arg === "--json") json = true
    else if (arg === "--quick") quick = true
    else return `unknown argument ${JSON.stringify(arg)}\n${usage}`
  }
  return {
    json,
    quick,
    config: { ...base, durationNs: quick ? 100_000_000 : 4_000_000_000 },
    warmUp: { ...base, durationNs: quick ? 20_000_000 : 250_000_000 },
    runs: 3
  }
}
