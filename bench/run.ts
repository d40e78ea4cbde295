/**
 * The kernel benchmark (`npm run bench`): the same actor-and-timer workload on the vwifi kernel
 * with the real actor runtime and on a plain discrete-event loop, in one process; prints both
 * throughputs and how far the kernel is from the plain loop.
 *
 *   node bench/run.ts [--quick] [--json]
 *
 * Exits 1 if the two sides did not do the same work (the figures would not be comparable).
 */
import { runKernelWorkload } from "./kernelWorkload.ts"
import { measure } from "./measure.ts"
import { parseOptions } from "./options.ts"
import { runPlainLoop } from "./plainLoop.ts"
import { formatJson, formatTable, summarize } from "./report.ts"
import { verifySameWork } from "./verify.ts"

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
console.log(options.json ? formatJson(summary) : formatTable(summary))
