/**
 * The fair-share policy of the CPU core's threads (pure): Linux 2.6.33's Completely Fair Scheduler
 * (`kernel/sched_fair.c`) reduced to one CPU and one run queue, no group scheduling and no buddies.
 *
 * Each thread has a virtual runtime that grows with the time it runs, scaled by its weight; the
 * runnable thread with the smallest one runs. A running thread keeps the core for its ideal slice of
 * the scheduling period, unless a thread wakes whose virtual runtime is more than the wake-up
 * granularity below its own. A thread that wakes after sleeping is placed at most half a latency
 * below the queue's minimum virtual runtime (GENTLE_FAIR_SLEEPERS), so sleeping earns a little
 * credit, never a lot.
 *
 * Slices end exactly when they are used up (as with HRTICK), not at the next 1/HZ tick.
 */

/**
 * `sched_init_granularity` (sched_fair.c, 2.6.33) multiplies latency and granularities by
 * 1 + ilog2(online CPUs): 1 here, the seed's host having one core.
 */
export const SCHED_CPU_FACTOR = 1
/** `sysctl_sched_latency` (sched_fair.c, 2.6.33: 5 ms): the period in which every runnable thread runs once, while there are at most `SCHED_NR_LATENCY`. */
export const SCHED_LATENCY_NS = 5_000_000 * SCHED_CPU_FACTOR
/** `sysctl_sched_min_granularity` (sched_fair.c, 2.6.33: 1 ms): the shortest slice; past `SCHED_NR_LATENCY` threads the period stretches to keep it. */
export const SCHED_MIN_GRANULARITY_NS = 1_000_000 * SCHED_CPU_FACTOR
/** `sched_nr_latency` (sched_fair.c, 2.6.33) = latency / min granularity = 5. */
export const SCHED_NR_LATENCY = 5
/** `sysctl_sched_wakeup_granularity` (sched_fair.c, 2.6.33: 1 ms): how far below the running thread's virtual runtime a woken one must be to preempt it. */
export const SCHED_WAKEUP_GRANULARITY_NS = 1_000_000 * SCHED_CPU_FACTOR
/** `NICE_0_LOAD` (`prio_to_weight[20]`, kernel/sched.c): the weight of a nice-0 thread. Every thread here is nice 0, as QEMU's and the kernel's threads are by default. */
export const NICE_0_WEIGHT = 1024
/** GENTLE_FAIR_SLEEPERS (kernel/sched_features.h, on in 2.6.33): a woken thread's credit is half a latency, not a whole one. */
export const SLEEPER_CREDIT_NS = SCHED_LATENCY_NS / 2

/** `__sched_period`: the latency, stretched to `nrRunning × min granularity` past `SCHED_NR_LATENCY` threads. */
export const schedPeriodNs = (nrRunning: number): number =>
  nrRunning > SCHED_NR_LATENCY ? nrRunning * SCHED_MIN_GRANULARITY_NS : SCHED_LATENCY_NS

/** `sched_slice`: a thread's share of the period, in proportion to its weight among the runnable threads (itself included). */
export const idealSliceNs = (nrRunning: number, weight: number, totalWeight: number): number =>
  (schedPeriodNs(nrRunning) * weight) / totalWeight

/** `calc_delta_fair`: how much virtual runtime `execNs` of real running adds for a thread of `weight`. */
export const vruntimeDeltaNs = (execNs: number, weight: number): number =>
  weight === NICE_0_WEIGHT ? execNs : (execNs * NICE_0_WEIGHT) / weight

/** `place_entity` for a wake-up: never backwards, and at most the sleeper credit below the queue's minimum. */
export const placeOnWakeupNs = (vruntimeNs: number, minVruntimeNs: number): number =>
  Math.max(vruntimeNs, minVruntimeNs - SLEEPER_CREDIT_NS)

/** `wakeup_gran`: the wake-up granularity in the woken thread's virtual time. */
export const wakeupGranularityNs = (wokenWeight: number): number =>
  vruntimeDeltaNs(SCHED_WAKEUP_GRANULARITY_NS, wokenWeight)

/** `wakeup_preempt_entity` > 0: the woken thread preempts the running one. */
export const wakeupPreempts = (currVruntimeNs: number, wokenVruntimeNs: number, wokenWeight: number): boolean =>
  currVruntimeNs - wokenVruntimeNs > wakeupGranularityNs(wokenWeight)

/**
 * `entity_before`, with the red-black tree's tie-break: (vruntime, when queued) of `a` comes before
 * that of `b`. The core's pick (`CoreState.choose`) keeps the thread for which no other runs before.
 * (`check_preempt_tick`'s slice rule is the core's own arithmetic: it needs the time left, not a yes/no.)
 */
export const runsBefore = (aVruntimeNs: number, aQueuedSeq: number, bVruntimeNs: number, bQueuedSeq: number): boolean =>
  aVruntimeNs < bVruntimeNs || (aVruntimeNs === bVruntimeNs && aQueuedSeq < bQueuedSeq)

/**
 * `update_min_vruntime`: the queue's minimum virtual runtime only moves forward. `smallestRunnableNs`
 * is `Infinity` when no thread is runnable (a number either way: a value that may be `undefined`
 * makes V8 box every double the core's scan assigns to it).
 */
export const nextMinVruntimeNs = (minVruntimeNs: number, smallestRunnableNs: number): number =>
  smallestRunnableNs === Infinity ? minVruntimeNs : Math.max(minVruntimeNs, smallestRunnableNs)
