/** The `vwifi` executable: runs the command line on the process's arguments and exits with its code. */
// The two modules by path: the package's index loads every Node service it has (sockets, HTTP,
// workers, cluster…), about 27 MiB of a run's peak RSS that `vwifi` never uses (issue 14).
import * as NodeRuntime from "@effect/platform-node/NodeRuntime"
import * as NodeServices from "@effect/platform-node/NodeServices"
import * as Effect from "effect/Effect"
import { runCli } from "./Cli.ts"

runCli(process.argv.slice(2)).pipe(
  Effect.flatMap((code) =>
    Effect.sync(() => {
      process.exitCode = code
    })
  ),
  Effect.provide(NodeServices.layer),
  NodeRuntime.runMain
)
