/**
 * The soak rate: simulated hours per wall-clock minute of `vwifi soak` with 8 VMs and faults (the
 * target, issue 14: 24 simulated hours in at most 5 wall minutes, i.e. 4.8 h/min), and its memory verdict.
 */
import * as Effect from "effect/Effect"
import type { SoakReport } from "../src/report/SoakReport.ts"
import { runSoak } from "../src/soak/Soak.ts"
import { describeMemoryVerdict } from "../src/soak/MemoryVerdict.ts"

/** 24 simulated hours in 5 wall minutes. */
export const TARGET_HOURS_PER_MINUTE = 24 / 5

export const runSoakRate = (quick: boolean): Promise<SoakReport> =>
  Effect.runPromise(runSoak({ hours: quick ? 1 : 3, vms: 8, faultsPerHour: 12, seed: 1 }))

export const formatSoakRate = (r: SoakReport): string => {
  const rate = r.simulatedHoursPerWallMinute
  const heap = r.hours.map((h) => h.heapUsedMb.toFixed(1)).join(" → ")
  return [
    "",
    `soak: 8 VMs, 12 faults/h, ${r.simulatedHours} simulated h in ${r.wallSeconds.toFixed(1)} s`,
    `  ${rate.toFixed(2)} simulated h per wall minute (target ≥ ${TARGET_HOURS_PER_MINUTE.toFixed(2)}: 24 h in ≤ 5 min, issue 14): ` +
      `${rate >= TARGET_HOURS_PER_MINUTE ? "met" : "NOT met"}; 24 h would take ${(24 / rate).toFixed(1)} min`,
    `  heap after GC per hour: ${heap} MiB`,
    `  ${describeMemoryVerdict(r.memory)}`,
    `  invariant violations: ${r.hours.at(-1)?.invariantViolations ?? 0}`
  ].join("\n")
}
