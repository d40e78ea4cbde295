/**
 * One model workload in a process of its own, for its peak RSS (`modelMemory.ts` starts it):
 *
 *   node bench/modelMemoryRun.ts <workload index> <simulated seconds>
 *
 * Prints one JSON line: the run's figures and the process's peak resident set size, which only a
 * process of its own measures cleanly (a run in the benchmark's process would inherit its heap).
 */
import { modelWorkloads, runModelWorkload } from "./modelWorkloads.ts"
import type { ModelMemoryLine } from "./modelMemoryLine.ts"

const main = async (args: ReadonlyArray<string>): Promise<void> => {
  const [index, seconds] = args.map(Number)
  const w = modelWorkloads(false)[index!]
  if (w === undefined || !(seconds! > 0)) {
    console.error("usage: node bench/modelMemoryRun.ts <workload index> <simulated seconds>")
    process.exit(2)
  }
  const r = await runModelWorkload({ ...w, simulatedSeconds: seconds! })
  const line: ModelMemoryLine = {
    workload: w.name,
    simulatedSeconds: r.simulatedSeconds,
    framesDelivered: r.framesDelivered,
    wallSeconds: r.wallSeconds,
    maxRssKiB: process.resourceUsage().maxRSS
  }
  console.log(JSON.stringify(line))
}

if (import.meta.main) await main(process.argv.slice(2))
