/**
 * The `vwifi` command line. A usage mistake prints the command's help with the error at its end (or
 * one line, for mistakes found after parsing) and exits with code 2; a failure of the tool itself
 * (a bug of vwifi's, such as a simulation that stopped making progress) prints one paragraph and exits
 * with 1; VWIFI_DEBUG=1 adds the stack.
 */
import { NodeRuntime, NodeServices } from "@effect/platform-node"
import { Console, Effect } from "effect"
import { Command } from "effect/cli"
import { compareCommand } from "./CompareCommand.ts"
import { kernelDemoCommand } from "./KernelDemoCommand.ts"
import { runCommand } from "./RunCommand.ts"
import { soakCommand } from "./SoakCommand.ts"
import { sweepCommand } from "./SweepCommand.ts"

const vwifi = Command.make("vwifi").pipe(
  Command.withDescription(
    "Virtual WiFi simulator: several VMs, each with its own native WiFi driver and connection, sharing one " +
      "physical card with several virtual MACs, simulated in deterministic virtual time."
  ),
  Command.withSubcommands([compareCommand, sweepCommand, runCommand, soakCommand, kernelDemoCommand])
)

const cli = Command.run(vwifi, { version: "0.1.0" })

const usageExit = Effect.sync(() => {
  process.exitCode = 2
})

/** A defect is vwifi's own bug: say so plainly, with what is needed to replay it. */
const internalError = (defect: unknown) =>
  Effect.andThen(
    Console.error(
      `vwifi: internal error: ${defect instanceof Error ? defect.message : String(defect)}\n` +
        "This is a bug in vwifi, not in the input. The same scenario and --seed replay it exactly; please report both." +
        (process.env["VWIFI_DEBUG"] !== undefined && defect instanceof Error && defect.stack !== undefined ? `\n${defect.stack}` : "")
    ),
    Effect.sync(() => {
      process.exitCode = 1
    })
  )

cli.pipe(
  // The help and the error are already printed; only the exit code is left to set.
  Effect.catchTag("ShowHelp", (help) => (help.errors.length > 0 ? usageExit : Effect.void)),
  Effect.catchTag("CliUsageError", (error) => Effect.andThen(Console.error(`vwifi: ${error.message}`), usageExit)),
  Effect.catchDefect(internalError),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
