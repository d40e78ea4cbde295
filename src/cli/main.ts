/** The `vwifi` executable: runs the command line on the process's arguments and exits with its code. */
// The two modules by path: the package's index loads every Node service it has (sockets, HTTP,
// workers, cluster…), about 27 MiB of a run's peak RSS that `vwifi` never uses (issue 14).
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import * as Logger from "effect/Logger"
import * as Runtime from "effect/Runtime"
import { runCli } from "./Cli.ts"
import { exitCodeAfterSignal, noteSigterm } from "./SignalExit.ts"

const sigterm = noteSigterm()

runCli(process.argv.slice(2)).pipe(
  Effect.flatMap((code) =>
    Effect.sync(() => {
      process.exitCode = code
    })
  ),
  // Standard output holds a command's results (its table, --json): the libraries' log lines
  // (effect/cluster's "Listening on" in a runner) go to standard error.
  Effect.provideService(Logger.LogToStderr, true),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain({
    teardown: (exit, onExit) => {
      sigterm.stop()
      Runtime.defaultTeardown(exit, (code) => onExit(exitCodeAfterSignal(code, sigterm.seen())))
    }
  })
)
