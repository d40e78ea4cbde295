/**
 * The benchmark (`npm run bench`): first the same actor-and-timer workload on the vwifi kernel
 * with the real actor runtime and on a plain discrete-event loop, in one process (both
 * throughputs and their ratio); then whole-model scenarios (delivered frames per wall-second); then
 * the peak RSS of models (a) and (b), each in a process of its own, for a short and a ten-times longer
 * run; `vwifi run --duration 100s` as a whole process, started as the executable and as `npm run vwifi`; the cost of capturing the air (`--pcap`) and of a timeline of the host (`--trace-out`) on model (a);
 * then the soak rate (simulated hours per wall minute, 8 VMs with faults) and its memory verdict;
 * last, fault campaign cases per wall-second in this thread and on a worker thread per core (64 and 200 cases).
 *
 *   node bench/run.ts [--quick] [--json]
 *
 * Exits 1 if the two sides did not do the same work (the figures would not be comparable), or if a
 * campaign's cases gave different digests with one worker and with all cores.
 */
import { runKernelWorkload } from "./kernelWorkload.ts"
import { costRunSeconds, formatModelTable, modelWorkloads, pairedCostVsA, runModelWorkload, warmUp } from "./modelWorkloads.ts"
import type { ModelFigures } from "./modelWorkloads.ts"
import { measure } from "./measure.ts"
import { parseOptions } from "./options.ts"
import { runPlainLoop } from "./plainLoop.ts"
import { formatJson, formatTable, summarize } from "./report.ts"
import { verifySameWork } from "./verify.ts"
import { formatSoakRate, runSoakRate } from "./soakRate.ts"
import { formatPcapCost, runPcapCost } from "./pcapCost.ts"
import { formatTimelineCost, runTimelineCost } from "./timelineCost.ts"
import { formatCampaignRate, runCampaignRate } from "./campaignRate.ts"
import { runModelMemory } from "./modelMemory.ts"
import { formatCliRunTime, runCliRunTime } from "./cliRunTime.ts"
import { missingHeapFlags, withFlags } from "../src/cli/HeapFlags.ts"

// Measure what `vwifi` runs as: with its heap flags (src/cli/HeapFlags.ts), as bin/vwifi.js starts it.
const missingFlags = missingHeapFlags(process.execArgv, process.env["NODE_OPTIONS"])
if (typeof process.execve === "function" && missingFlags.length > 0) {
  process.execve(process.execPath, withFlags(missingFlags, process.execPath, process.execArgv, process.argv))
}

const options = parseOptions(process.argv.slice(2))
if (typeof options === "string") {
  console.error(options)
  process.exit(1)
}

const [plain, kernel] = await measure([runPlainLoop, runKernelWorkload], options.config, options.warmUp, options.runs)

const errors = verifySameWork(options.config, [
  { name: "plain loop", runs: plain!.runs },
  { name: "kernel", runs: kernel!.runs }
])
if (errors.length > 0) {
  console.error("error: the plain loop and the kernel did not do the same work:")
  for (const error of errors) console.error(`  ${error}`)
  process.exit(1)
}

const summary = summarize(options.config, options.quick, options.runs, plain!.median, kernel!.median)

// Each model workload: warm-up runs until the JIT has settled (`warmUp`), then the median of 3.
const workloads = modelWorkloads(options.quick)
const model: Array<ModelFigures> = []
for (const workload of workloads) {
  const warmUpRuns = await warmUp(workload)
  const runs = [await runModelWorkload(workload), await runModelWorkload(workload), await runModelWorkload(workload)]
  model.push({ ...runs.sort((x, y) => x.wallSeconds - y.wallSeconds)[1]!, warmUpRuns })
}
// (c)'s cost per frame against (a)'s, from alternating pairs (its target is a ratio), of runs long
// enough for the per-frame cost to show rather than (c)'s start (`costRunSeconds`).
const pairSeconds = costRunSeconds(options.quick)
const lengthened = (w: (typeof workloads)[number]) => ({ ...w, simulatedSeconds: pairSeconds })
model[2] = { ...model[2]!, costVsA: await pairedCostVsA(lengthened(workloads[0]!), lengthened(workloads[2]!)), costRunSeconds: pairSeconds }

// Peak RSS of (a) and (b), each run in a process of its own (issue 14).
const memory = runModelMemory(options.quick)

// `vwifi run --duration 100s` as a whole process, the two ways it is started (issue 14).
const cli = runCliRunTime(options.quick)

// What a capture of the air costs on (a).
const pcap = await runPcapCost(options.quick)
// The cost of --trace-out on (a).
const timeline = await runTimelineCost(modelWorkloads(options.quick)[0]!)

// The soak rate: several simulated hours, one run (it is long enough not to need a median).
const soak = await runSoakRate(options.quick)

// Campaign cases per wall-second, one worker and all cores.
const campaign = await runCampaignRate(options.quick)

if (options.json) {
  console.log(JSON.stringify({
    kernel: JSON.parse(formatJson(summary)),
    model,
    memory,
    cli,
    pcap,
    timeline,
    soak: { simulatedHours: soak.simulatedHours, wallSeconds: soak.wallSeconds, hoursPerWallMinute: soak.simulatedHoursPerWallMinute, memory: soak.memory, heapMb: soak.hours.map((h) => h.heapUsedMb) },
    campaign
  }))
} else console.log(formatTable(summary) + "\n" + formatModelTable(model, memory) + "\n" + formatCliRunTime(cli) + "\n" + formatPcapCost(pcap) + "\n" + formatTimelineCost(timeline) + "\n" + formatSoakRate(soak) + "\n" + formatCampaignRate(campaign))

// A campaign whose cases gave other digests on the pool than in one thread is a bug, not a figure.
if (campaign.some((r) => !r.sameResults)) {
  console.error("error: a campaign's cases gave different digests with one worker and with all cores")
  process.exit(1)
}
