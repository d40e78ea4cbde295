/**
 * The `vwifi` command line as one effect from arguments to an exit code, so that tests can run it in
 * process. A usage mistake prints one paragraph on stderr (what is wrong and which flag or field;
 * never the whole help, never on stdout, which `--json` keeps for its result) and gives 2; a failure of
 * the tool itself (a bug of vwifi's, such as a simulation that stopped making progress, or a check
 * such as a campaign that found a failing case) prints one paragraph and gives 1; VWIFI_DEBUG=1 adds
 * the stack.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Stdio from "effect/Stdio"
import { CliError, CliOutput, Command } from "effect/cli"
import { attachNegativeValues } from "./ArgvValues.ts"
import { invocationLines } from "./InvocationErrors.ts"
import { clusterCommand } from "./ClusterCommand.ts"
import { campaignCommand } from "./CampaignCommand.ts"
import { compareCommand } from "./CompareCommand.ts"
import { kernelDemoCommand } from "./KernelDemoCommand.ts"
import { runCommand } from "./RunCommand.ts"
import { soakCommand } from "./SoakCommand.ts"
import { sweepCommand } from "./SweepCommand.ts"
import { STOPPED_EXIT_CODE } from "./StopOnCtrlC.ts"

export const VERSION = "0.1.0"

/** What the process exits with: done, vwifi failed, the user's mistake, stopped by Ctrl-C. */
export type ExitCode = 0 | 1 | 2 | typeof STOPPED_EXIT_CODE

const subcommands = [compareCommand, sweepCommand, runCommand, soakCommand, campaignCommand, kernelDemoCommand, clusterCommand] as const

/** Each command with subcommands, and their names. */
const SUBCOMMANDS: ReadonlyMap<string, ReadonlyArray<string>> = new Map([
  ["vwifi", subcommands.map((c) => c.name)],
  ["vwifi cluster", ["runner", "runners"]]
])

/**
 * `vwifi nosuch --help` (or `vwifi cluster nosuch --help`): the parser answers `--help` with the
 * parent's help and exit code 0, where without `--help` it names the mistake. The same mistake, named.
 */
export const unknownSubcommand = (args: ReadonlyArray<string>): string | undefined => {
  if (!args.includes("--help") && !args.includes("-h")) return undefined
  let path = "vwifi"
  for (let i = 0; i < args.length; i++) {
    const word = args[i]!
    const names = SUBCOMMANDS.get(path)
    if (names === undefined) return undefined
    if (word.startsWith("-")) {
      // The parser's global flags may come first; two of them take a value.
      if (GLOBAL_FLAGS_WITH_VALUE.includes(word)) i++
      continue
    }
    if (!names.includes(word)) return `Unknown subcommand ${JSON.stringify(word)} for ${JSON.stringify(path)}`
    path = `${path} ${word}`
  }
  return undefined
}

/** Global flags of the command-line parser that take a value (`effect/cli`'s built-ins). */
const GLOBAL_FLAGS_WITH_VALUE: ReadonlyArray<string> = ["--log-level", "--completions"]

const vwifi = Command.make("vwifi").pipe(
  Command.withDescription(
    "Virtual WiFi simulator: several VMs, each with its own native WiFi driver and connection, sharing one " +
      "physical card with several virtual MACs, simulated in deterministic virtual time."
  ),
  Command.withSubcommands(subcommands)
)

/**
 * Help and version asked for go to stdout; a mistake in the invocation is one paragraph on stderr,
 * each error on its line, and where to find the help.
 */
const presenter: CliOutput.Presenter = {
  present: Effect.fnUntraced(function*(event) {
    const formatter = CliOutput.defaultFormatter({ colors: false })
    switch (event._tag) {
      case "Help":
        return yield* Console.log(formatter.formatHelpDoc(event.helpDoc))
      case "Version":
        return yield* Console.log(formatter.formatVersion(event.name, event.version))
      case "InvalidInvocation": {
        const lines = invocationLines(event.errors)
        const command = event.commandPath.join(" ")
        return yield* Console.error(`${lines.join("\n")}\n\`${command} --help\` shows every flag and what it accepts.`)
      }
    }
  })
}

/** A defect is vwifi's own bug: say so plainly, with what is needed to replay it. */
const internalError = (defect: unknown) =>
  Effect.as(
    Console.error(
      `vwifi: internal error: ${defect instanceof Error ? defect.message : String(defect)}\n` +
        "This is a bug in vwifi, not in the input. The same scenario and --seed replay it exactly; please report both." +
        (process.env["VWIFI_DEBUG"] !== undefined && defect instanceof Error && defect.stack !== undefined ? `\n${defect.stack}` : "")
    ),
    1 as const
  )

/** Runs `vwifi` on `args` (without the node and script paths) and gives the exit code. */
export const runCli = (args: ReadonlyArray<string>) => {
  const unknown = unknownSubcommand(args)
  if (unknown !== undefined) {
    const parent = unknown.slice(unknown.lastIndexOf(" for ") + 5).replaceAll("\"", "")
    return Effect.as(Console.error(`vwifi: ${unknown}\n\`${parent} --help\` shows its subcommands.`), 2 as ExitCode)
  }
  if (!asksForWizard(args)) return runParsed(args)
  // Without a terminal the wizard reads its answers from a pipe or a file and, at their end, says
  // "Wizard cancelled." and exits 0: a script would take that for success.
  return Effect.gen(function*() {
    const stdio = yield* Stdio.Stdio
    if (yield* stdio.stdinIsTerminal) return yield* runParsed(args)
    yield* Console.error("vwifi: --wizard asks its questions on a terminal, and stdin is not one. Give the command and its flags instead (`vwifi --help` lists the commands).")
    return 2 as ExitCode
  })
}

/** Whether `--wizard` is among the options (before a `--`, after which everything is a value). */
const asksForWizard = (args: ReadonlyArray<string>): boolean => {
  const end = args.indexOf("--")
  return (end === -1 ? args : args.slice(0, end)).some((arg) => arg === "--wizard" || arg.startsWith("--wizard="))
}

const runParsed = (args: ReadonlyArray<string>) =>
  Command.runWith(vwifi, { version: VERSION })(attachNegativeValues(args)).pipe(
    Effect.as<ExitCode>(0),
    // The mistake is already printed (by the presenter); only the exit code is left to give.
    Effect.catchTag("ShowHelp", (help) => Effect.succeed<ExitCode>(help.errors.length > 0 ? 2 : 0)),
    Effect.catchTag("CliUsageError", (error) => Effect.as(Console.error(`vwifi: ${error.message}`), 2 as const)),
    // The command printed its results; a check among them failed.
    Effect.catchTag("CheckFailed", (error) => Effect.as(Console.error(`vwifi: ${error.message}`), 1 as const)),
    // A file the run wrote is incomplete (a full disk): the results are printed, the file is not whole.
    Effect.catchTag("OutputWriteFailed", (error) => Effect.as(Console.error(`vwifi: ${error.message}`), 1 as const)),
    // Stopped by Ctrl-C: the results printed cover the time simulated until then.
    Effect.catchTag("StoppedByCtrlC", (stopped) => Effect.as(Console.error(`vwifi: ${stopped.message}`), STOPPED_EXIT_CODE)),
    // A simulation job that could not run (a worker thread that died): vwifi's failure, not the input's.
    Effect.catchTag("JobFailed", (error) => Effect.as(Console.error(`vwifi: ${error.message}`), 1 as const)),
    // Any other mistake the parser found: printed already if it carries a user message.
    Effect.catch((error) =>
      Effect.as(CliError.getUserMessage(error) === undefined ? Console.error(`vwifi: ${error.message}`) : Effect.void, 2 as const)
    ),
    Effect.catchDefect(internalError),
    Effect.provide(CliOutput.layerPresenter(presenter))
  )
