/**
 * The V8 flags `vwifi` runs with (issue 14), and whether the process must start again with them.
 *
 * A run's live heap is about 30 MiB and flat in simulated time, but V8 sizes its young generation for
 * servers: each semi-space grows to 64 MiB (without pointer compression, Node's build), which with
 * what survives into the old generation made a run's peak RSS 200–400 MiB and grow with its length.
 * Semi-spaces of 8 MiB gave the lowest and flattest peaks at the same CPU time (docs/benchmark.md,
 * "Where the memory goes"). V8 reads the size only when the process starts, so `bin/vwifi.js` starts
 * Node again with it (`process.execve`: the same process, no parent left waiting).
 */

/** Largest V8 semi-space, MiB: measured on `vwifi run` 100 s with 4, 8, 16 and the default (issue 14). */
export const SEMI_SPACE_MIB = 8

export const HEAP_FLAGS: ReadonlyArray<string> = [`--max-semi-space-size=${SEMI_SPACE_MIB}`]

/** Flags that size the young generation: a process given one of them (by the user) is left as it is. */
const YOUNG_GENERATION_FLAG = /(^|\s)--(max-semi-space-size|min-semi-space-size|max-heap-size)(=|\s|$)/

/** True when neither the command line (`execArgv`) nor NODE_OPTIONS already sizes the young generation. */
export const needsHeapFlags = (execArgv: ReadonlyArray<string>, nodeOptions: string | undefined): boolean =>
  !execArgv.some((a) => YOUNG_GENERATION_FLAG.test(a)) && !YOUNG_GENERATION_FLAG.test(nodeOptions ?? "")

/** The argument vector that starts `argv` (node, script, arguments) again with the heap flags. */
export const withHeapFlags = (execPath: string, execArgv: ReadonlyArray<string>, argv: ReadonlyArray<string>): Array<string> =>
  [execPath, ...HEAP_FLAGS, ...execArgv, ...argv.slice(1)]
