/**
 * The V8 flags `vwifi` runs with (issue 14), and which of them a process still lacks.
 *
 * A run's live heap is about 30 MiB and flat in simulated time, yet its peak RSS was 200–400 MiB and
 * grew with the run's length (docs/benchmark.md, "Where the memory goes"):
 * - V8 sizes the young generation for servers: each semi-space grows to 64 MiB in Node's build (no
 *   pointer compression). Small ones (`SEMI_SPACE_MIB`) gave the lowest, flattest peaks at the same CPU time.
 * - V8 allocates the objects of an allocation site straight in the old generation once most of
 *   them survived a collection, as many of the per-frame sites' objects do while the world starts.
 *   Dead there, they keep the young objects they point to alive until a full collection, and those
 *   are promoted in turn: the old generation filled with frames at about 6 MiB per simulated second
 *   in model (b). Without pretenuring (b)'s peak is flat, and its CPU time no higher.
 * - Maglev's compilations and Node's four background threads held 30 MiB of malloc'ed memory.
 * V8 reads them when the process starts, so `bin/vwifi.js` starts Node again with them
 * (`process.execve`: the same process, no parent left waiting).
 */

/**
 * Largest V8 semi-space, MiB. Measured on models (a), (b) and (c) with 2, 4 and 8, and on `vwifi
 * run` 100 s with 4, 8, 16 and the default (issue 14): 2 gave the lowest peaks (3–7 MiB less than 4)
 * at the same frames per wall-second, once the frame ledger no longer promoted frames
 * (`vocabulary/FrameLedger.ts`).
 */
export const SEMI_SPACE_MIB = 2

/**
 * Node's pool of V8 background threads (concurrent marking, TurboFan), 4 by default: a single
 * simulation keeps two busy at most, and each thread touches a malloc arena of its own: 3–4 MiB
 * of the peak of (a) and (b) (issue 14).
 */
export const BACKGROUND_THREADS = 2

/**
 * V8's mid-tier compiler, Maglev, off: its compilations' zone memory (malloc'ed, peaks of 30–40 MB
 * in model (a)) stayed in the process's resident set, 25–30 MiB of a 100-second run's peak.
 * Without it the hot functions go from the baseline tier straight to TurboFan; the model's
 * frames per CPU-second after warm-up were the same or higher (issue 14, docs/benchmark.md).
 */
export const NO_MID_TIER_FLAG = "--no-maglev"

export const HEAP_FLAGS: ReadonlyArray<string> = [
  `--max-semi-space-size=${SEMI_SPACE_MIB}`,
  "--no-allocation-site-pretenuring",
  NO_MID_TIER_FLAG,
  `--v8-pool-size=${BACKGROUND_THREADS}`
]

/**
 * The commands that run their simulations on a pool of worker threads (`--workers`, default one per
 * core). With every core running a simulation, V8's background threads only contend: its parallel
 * collector's helpers took 1.8 CPU-s of 8 cases' 8.7 beside one thread and 3.2 beside two (measured
 * per thread, issue 13 §5), and its concurrent compilers took about 9 CPU-s of 64 cases' 73 beside
 * two threads with `--single-threaded-gc` alone. These commands run with `--single-threaded` (every
 * collection and compilation on the JavaScript thread that needs it) unless `--workers 1` keeps them
 * in one thread: 64 cases on two threads took 33.4, 35.5 and 30.8 s against 34.7, 36.5 and 33.9 s
 * with `--single-threaded-gc`, alternating (issue 13 §5).
 */
export const POOL_FLAG = "--single-threaded"

/**
 * The pool's semi-spaces, MiB: its cases are short, and each thread's JIT warm-up is much of their
 * time. With every compilation on the thread that needs it, Maglev's cheap compilations and 8 MiB
 * semi-spaces were faster: 48 cases on two threads took 7.3–8.5 s wall against 8.8–9.5 s with
 * 4 MiB semi-spaces and no Maglev, and 7.7–9.1 s with 4 MiB alone (issue 14, alternating runs).
 */
export const POOL_SEMI_SPACE_MIB = 8

export const POOL_HEAP_FLAGS: ReadonlyArray<string> = [`--max-semi-space-size=${POOL_SEMI_SPACE_MIB}`, "--no-allocation-site-pretenuring", POOL_FLAG]

export const POOL_COMMANDS: ReadonlyArray<string> = ["campaign", "compare", "sweep-rate"]

/** A command line's command (`argv` without node and the script): its first word that is not a flag. */
export const commandOf = (args: ReadonlyArray<string>): string | undefined => args.find((a) => !a.startsWith("-"))

/** The value of `--name N` or `--name=N` in a command line, if given. */
export const flagValue = (args: ReadonlyArray<string>, name: string): string | undefined => {
  const joined = args.find((a) => a.startsWith(`${name}=`))
  if (joined !== undefined) return joined.slice(name.length + 1)
  const i = args.indexOf(name)
  return i >= 0 ? args[i + 1] : undefined
}

/** The V8 flags for a command line (`argv` without node and the script). */
export const heapFlagsFor = (args: ReadonlyArray<string>): ReadonlyArray<string> => {
  const command = commandOf(args)
  if (command === undefined || !POOL_COMMANDS.includes(command)) return HEAP_FLAGS
  return flagValue(args, "--workers") === "1" ? HEAP_FLAGS : POOL_HEAP_FLAGS
}

/** A V8 flag's name, without its dashes, a `no-` and a value; V8 takes `_` for `-`. */
const flagName = (flag: string): string => flag.replace(/^--/, "").replace(/=.*$/, "").replaceAll("_", "-").replace(/^no-/, "")

/**
 * The heap flags neither the command line (`execArgv`) nor NODE_OPTIONS names: a flag the user set,
 * either way, is left as the user set it.
 */
export const missingHeapFlags = (execArgv: ReadonlyArray<string>, nodeOptions: string | undefined, wanted: ReadonlyArray<string> = HEAP_FLAGS): Array<string> => {
  const given = new Set([...execArgv, ...(nodeOptions ?? "").split(/\s+/)].filter((a) => a.startsWith("--")).map(flagName))
  return wanted.filter((flag) => !given.has(flagName(flag)))
}

/**
 * How Node must start again for a command that wants `wanted` (undefined: it need not). A start whose
 * flags begin with one of vwifi's own sets counts those as vwifi's, not the user's: the `vwifi` npm
 * script passes `HEAP_FLAGS`, so that `npm run vwifi` starts Node once (a start again cost about
 * 70 ms of a 0.6 s run, issue 14), and a command that wants the other set gets it instead.
 */
export const restartWith = (
  execArgv: ReadonlyArray<string>,
  nodeOptions: string | undefined,
  wanted: ReadonlyArray<string>
): { readonly flags: ReadonlyArray<string>; readonly execArgv: ReadonlyArray<string> } | undefined => {
  const own = [HEAP_FLAGS, POOL_HEAP_FLAGS].find((set) => set.every((flag, i) => execArgv[i] === flag))
  if (own !== undefined && sameFlags(own, wanted)) return undefined
  const rest = own === undefined ? execArgv : execArgv.slice(own.length)
  const flags = missingHeapFlags(rest, nodeOptions, wanted)
  return flags.length === 0 && own === undefined ? undefined : { flags, execArgv: rest }
}

const sameFlags = (a: ReadonlyArray<string>, b: ReadonlyArray<string>): boolean => a.length === b.length && a.every((flag, i) => b[i] === flag)

/** The argument vector that starts `argv` (node, script, arguments) again with `flags` first. */
export const withFlags = (flags: ReadonlyArray<string>, execPath: string, execArgv: ReadonlyArray<string>, argv: ReadonlyArray<string>): Array<string> =>
  [execPath, ...flags, ...execArgv, ...argv.slice(1)]
