/**
 * `vwifi cluster`: the processes that run simulation jobs for other machines' commands.
 * `vwifi cluster runner` serves jobs until stopped; `vwifi cluster runners` lists who is serving.
 * effect/cluster, its sockets and the SQL clients are imported by the handlers: every command loads
 * this file (for its flags and help), only these two use them.
 */
import * as Console from "effect/Console"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Option from "effect/Option"
import { Command, Flag } from "effect/cli"
import { existsSync } from "node:fs"
import { describeTarget, parseStorageTarget } from "../cluster/StorageTarget.ts"
import type { StorageTarget } from "../cluster/StorageTarget.ts"
import { defaultTimings, fastFailoverTimings, MIN_SHARD_LOCK_EXPIRATION_MS } from "../cluster/ClusterTimings.ts"
import { CliUsageError } from "./CliUsageError.ts"
import { listenFailureText } from "./ListenFailure.ts"
import { parseDurationNs } from "./DurationText.ts"
import * as flags from "./flags.ts"

/** The port a runner listens on unless told otherwise (effect/cluster's default runner port). */
export const RUNNER_PORT_DEFAULT = 34431
/** The largest TCP port number (a 16-bit field, RFC 9293 §3.1). */
const MAX_TCP_PORT = 65535
/** Jobs one runner runs at once, at most: one per core, and 64 cores is past the machines a runner starts on. */
const MAX_RUNNER_JOBS = 64

const storage = Flag.String("storage").pipe(
  Flag.withDescription("The cluster's shared storage: a SQLite file (every runner on this machine) or a postgres://user:password@host/db URL (runners on several machines)")
)

/** A host name given empty would listen on every interface, the opposite of what a default of localhost promises. */
const nonEmptyHost = (name: string) =>
  Flag.filter((h: string) => h.trim() !== "", () => `--${name} needs a host name or an IP address, got an empty one`)

const host = Flag.String("host").pipe(
  Flag.withDescription("The name or IP address other machines reach this runner at (default localhost: runners and submitters on this machine only)"),
  nonEmptyHost("host"),
  Flag.withDefault("localhost")
)

const port = Flag.Int("port").pipe(
  Flag.withDescription(`The TCP port this runner listens on; one per runner on a machine (default ${RUNNER_PORT_DEFAULT})`),
  flags.wholeFrom("port", 1, MAX_TCP_PORT),
  Flag.withDefault(RUNNER_PORT_DEFAULT)
)

const listenHost = Flag.String("listen-host").pipe(
  Flag.withDescription("The interface to listen on when it is not --host (0.0.0.0 in a container or behind NAT)"),
  nonEmptyHost("listen-host"),
  Flag.optional
)

const jobs = Flag.Int("jobs").pipe(
  Flag.withDescription(`Jobs this runner runs at once, 1 to ${MAX_RUNNER_JOBS}. A job is single-threaded: start one runner per core with --jobs 1 (default 1)`),
  flags.wholeFrom("jobs", 1, MAX_RUNNER_JOBS),
  Flag.withDefault(1)
)

const lockExpiry = Flag.String("lock-expiry").pipe(
  Flag.withDescription(
    `Wall time after which a silent runner's shards, and the jobs waiting in them, go to the other runners (default ${defaultTimings.shardLockExpirationMs / 1000}s; ` +
      `at least ${MIN_SHARD_LOCK_EXPIRATION_MS / 1000}s). Short on one machine, long across a network that may hiccup`
  ),
  Flag.optional
)

const targetOf = (text: string): Effect.Effect<StorageTarget, CliUsageError> => {
  const target = parseStorageTarget(text)
  return "error" in target ? Effect.fail(new CliUsageError({ message: `--storage: ${target.error}` })) : Effect.succeed(target)
}

const timingsOf = (text: Option.Option<string>) => {
  if (Option.isNone(text)) return Effect.succeed(defaultTimings)
  const parsed = parseDurationNs(text.value)
  if ("error" in parsed) return Effect.fail(new CliUsageError({ message: `--lock-expiry: ${parsed.error}` }))
  const ms = parsed.ns / 1e6
  if (ms < MIN_SHARD_LOCK_EXPIRATION_MS) return Effect.fail(new CliUsageError({ message: `--lock-expiry must be at least ${MIN_SHARD_LOCK_EXPIRATION_MS / 1000}s (SQLite's clock counts whole seconds), got ${text.value}` }))
  return Effect.succeed(ms === defaultTimings.shardLockExpirationMs ? defaultTimings : fastFailoverTimings(ms))
}

const runnerCommand = Command.make(
  "runner",
  { storage, host, port, listenHost, jobs, lockExpiry },
  Effect.fnUntraced(function*(flags) {
    const target = yield* targetOf(flags.storage)
    const timings = yield* timingsOf(flags.lockExpiry)
    const { runnerLayer } = yield* Effect.promise(() => import("../cluster/ClusterRunner.ts"))
    const layer = runnerLayer({ storage: target, host: flags.host, port: flags.port, listenHost: Option.getOrUndefined(flags.listenHost), jobsAtOnce: flags.jobs, timings })
    yield* Effect.scoped(Effect.gen(function*() {
      yield* Layer.build(layer)
      // One line when ready, which scripts (and the failover test) wait for.
      yield* Console.error(`vwifi cluster runner: serving at ${flags.host}:${flags.port}, ${flags.jobs} job(s) at once, storage ${describeTarget(target)}`)
      return yield* Effect.never.pipe(
        // Ctrl-C or SIGTERM: the scope's close then unregisters the runner and frees its shards.
        Effect.onInterrupt(() => Console.error(`vwifi cluster runner: stopping; ${flags.host}:${flags.port} hands its shards to the other runners`))
      )
    })).pipe(
      Effect.catchTag("ClusterStorageError", (e) => Effect.fail(new CliUsageError({ message: e.message }))),
      Effect.catchTag("SocketServerError", (e) =>
        Effect.fail(new CliUsageError({ message: `cannot listen on ${Option.getOrElse(flags.listenHost, () => flags.host)}:${flags.port}: ${listenFailureText(e.reason.cause)}` })))
    )
  })
).pipe(
  Command.withDescription(
    "Serve simulation jobs for `--cluster` on compare, sweep-rate and campaign until stopped (Ctrl-C hands this runner's shards " +
      "to the others). Runners share one storage; each job is a message in it, so when a runner dies its unfinished jobs run " +
      "again on another runner once --lock-expiry has passed, and every job's result is delivered once. See docs/cluster.md."
  ),
  Command.withExamples([
    { command: "vwifi cluster runner --storage cluster.db --port 34431", description: "a runner on this machine (start one per core, each on its own port)" },
    { command: "vwifi cluster runner --storage postgres://vwifi:secret@db.lan/vwifi --host node7.lan", description: "a runner that other machines reach at node7.lan:34431" }
  ])
)

const runnersCommand = Command.make(
  "runners",
  { storage },
  Effect.fnUntraced(function*(flags) {
    const target = yield* targetOf(flags.storage)
    // A listing reads: it does not create a SQLite file that no runner has made. A path no runner
    // made is most likely mistyped: an error, so that a script sees it.
    if (target._tag === "Sqlite" && !existsSync(target.file)) {
      return yield* new CliUsageError({ message: `--storage: ${target.file} does not exist: no runner has used it (a runner creates its storage when it starts); check the path` })
    }
    const [{ clientLayer }, { RunnerStorage }, { heartbeatAges }] = yield* Effect.promise(() =>
      Promise.all([import("../cluster/ClusterJobRunner.ts"), import("effect/cluster/RunnerStorage"), import("../cluster/RunnerHeartbeats.ts")])
    )
    const [runners, ages] = yield* Effect.gen(function*() {
      const runners = yield* (yield* RunnerStorage).getRunners
      // The ages are an aid: a table laid out otherwise by another effect/cluster leaves them out.
      const ages = yield* Effect.orElseSucceed(heartbeatAges, () => new Map<string, number>())
      return [runners, ages] as const
    }).pipe(
      Effect.provide(clientLayer({ storage: target })),
      Effect.catchTag("ClusterStorageError", (e) => Effect.fail(new CliUsageError({ message: e.message }))),
      Effect.catchTag("PersistenceError", (e) => Effect.fail(new CliUsageError({ message: `cannot read the runner list: ${String(e.cause)}` })))
    )
    if (runners.length === 0) return yield* Console.log(`no runner is registered in ${describeTarget(target)}`)
    for (const [runner, healthy] of runners) {
      const address = `${runner.address.host}:${runner.address.port}`
      const age = ages.get(address)
      yield* Console.log(`${address}  ${healthy ? "healthy" : "unhealthy"}  weight ${runner.weight}${age === undefined ? "" : `  last heartbeat ${heartbeatAgeText(age)}`}`)
    }
  })
).pipe(
  Command.withDescription(
    "List the runners registered in a cluster's storage, whether they are healthy, and how long ago each last wrote its heartbeat. " +
      "A runner beats every quarter of its --lock-expiry (every 10 s by default); one silent for longer than its --lock-expiry has died, " +
      "and its shards have moved. It is listed until its heartbeat is 35 s old"
  )
)

/** A heartbeat's age as the listing prints it (the database's clock counts whole seconds in SQLite). */
const heartbeatAgeText = (seconds: number): string => seconds < 1 ? "under a second ago" : `${Math.round(seconds)} s ago`

export const clusterCommand = Command.make("cluster").pipe(
  Command.withDescription("Run simulation jobs on several processes and machines: `runner` serves jobs, `runners` lists who serves (docs/cluster.md)"),
  Command.withSubcommands([runnerCommand, runnersCommand])
)
