/**
 * What `bin/vwifi.js` starts before it loads the command line, for a command that will run its
 * simulations on a pool of worker threads: the threads themselves (`jobs/EarlyWorkers.ts`), which
 * then load the model while this thread loads the command line and builds the jobs.
 */
import { availableParallelism } from "node:os"
import { startEarlyWorkers } from "../jobs/EarlyWorkers.ts"
import { commandOf, flagValue, POOL_COMMANDS } from "./HeapFlags.ts"

/**
 * The threads to start early for a command line (`argv` without node and the script): the pool's
 * size (`--workers`, default one per core) for a pool command, from 2 up to the cores; none for any
 * other command, for help, for a replay (one case, in this thread) or a cluster (its runners run
 * the jobs), or for a count the command line will refuse or that asks for more threads than cores
 * (the pool starts those itself).
 */
export const poolThreadsFor = (args: ReadonlyArray<string>, cores: number = availableParallelism()): number => {
  const command = commandOf(args)
  if (command === undefined || !POOL_COMMANDS.includes(command)) return 0
  const elsewhere = ["--help", "-h", "--cluster", "--replay"]
  if (args.some((a) => elsewhere.includes(a) || elsewhere.some((flag) => a.startsWith(`${flag}=`)))) return 0
  const given = flagValue(args, "--workers")
  const n = given === undefined ? cores : Number(given)
  return Number.isInteger(n) && n >= 2 && n <= cores ? n : 0
}

/** Starts the threads `args` will want (see `poolThreadsFor`). */
export const startPoolThreads = (args: ReadonlyArray<string>): void => {
  const n = poolThreadsFor(args)
  if (n > 0) startEarlyWorkers(n)
}
