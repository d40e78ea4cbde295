/** `vwifi kernel-demo`: runs the kernel demo workload and prints its figures. */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { MAX_DEMO_NODES, runKernelDemo } from "../demo/KernelDemo.ts"
import type { KernelDemoResult } from "../demo/KernelDemo.ts"
import * as flags from "./flags.ts"
import { withTraceFile } from "./TraceFile.ts"
import { OutputFiles } from "./OutputFile.ts"
import { refuseSharedPaths } from "./OutputPaths.ts"
import { progressReporter } from "./Progress.ts"

const nodes = Flag.Int("nodes").pipe(
  Flag.withDescription(`Number of actors passing tokens, 1 to ${MAX_DEMO_NODES} (default 16)`),
  flags.wholeFrom("nodes", 1, MAX_DEMO_NODES),
  Flag.withDefault(16)
)

const table = (r: KernelDemoResult): string =>
  [
    `kernel demo: ${r.nodes} actors, seed ${r.seed}`,
    `  outcome               ${r.outcome}`,
    `  simulated time        ${r.simulatedSeconds} s`,
    `  wall time             ${r.wallSeconds.toFixed(3)} s`,
    `  kernel events         ${r.eventsProcessed} (${r.eventsPerWallSecond.toLocaleString("en-US")} per wall-second)`,
    `  messages handled      ${r.messagesHandled}`,
    `  dead letters          ${r.deadLetters}`,
    `  busiest actor         ${r.busiestActor.name} (${r.busiestActor.handled} messages, mailbox high-water ${r.busiestActor.mailboxHighWater})`,
    `  trace                 ${r.traceEvents} events, digest ${r.traceDigest}`
  ].join("\n")

export const kernelDemoCommand = Command.make(
  "kernel-demo",
  {
    seed: flags.seed,
    duration: flags.duration("10s", "How long to simulate"),
    nodes,
    json: flags.json,
    trace: flags.traceFile
  },
  Effect.fnUntraced(function*({ seed, duration, nodes, json, trace }) {
    yield* refuseSharedPaths([["--trace", Option.getOrUndefined(trace)]], undefined)
    const progress = json ? undefined : progressReporter(duration)
    const outputs = new OutputFiles()
    const result = yield* withTraceFile(Option.getOrUndefined(trace), outputs, (sink) =>
      runKernelDemo({ seed, nodes, durationNs: duration, trace: sink, onProgress: progress?.update }))
    progress?.done()
    yield* Console.log(json ? JSON.stringify(result) : table(result))
    yield* outputs.check()
  })
).pipe(
  Command.withDescription(
    "Run a small actor workload on the deterministic virtual-time kernel and print its figures " +
      "(events, wall time, trace digest). The same seed always prints the same digest."
  ),
  Command.withExamples([
    { command: "vwifi kernel-demo", description: "16 actors, 10 simulated seconds, seed 1" },
    { command: "vwifi kernel-demo --seed 7 --duration 1h --nodes 64 --json", description: "an hour of virtual time, as JSON" }
  ])
)
