/**
 * The `vwifi` command line. A usage mistake prints the command's help with the error at its end (or
 * one line, for mistakes found after parsing) and exits with code 2; a failure of the tool itself
 * exits with 1.
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

cli.pipe(
  // The help and the error are already printed; only the exit code is left to set.
  Effect.catchTag("ShowHelp", (help) => (help.errors.length > 0 ? usageExit : Effect.void)),
  Effect.catchTag("CliUsageError", (error) => Effect.andThen(Console.error(`vwifi: ${error.message}`), usageExit)),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
