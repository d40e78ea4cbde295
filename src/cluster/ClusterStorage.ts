/**
 * Where a cluster keeps its messages, shard locks and runner list: one SQL database that every runner
 * and every submitter opens. `--cluster` and `--storage` take either a SQLite file (runners on one
 * machine) or a PostgreSQL URL (runners on several machines).
 */
import * as Context from "effect/Context"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Redacted from "effect/Redacted"
import * as Schema from "effect/Schema"
import * as Reactivity from "effect/reactivity/Reactivity"
import { SqlClient } from "effect/sql/SqlClient"
import * as SqliteClient from "./SqliteClient.ts"
import type { StorageTarget } from "./StorageTarget.ts"

/** The cluster's storage could not be opened (file, server, driver). */
export class ClusterStorageError extends Schema.TaggedError<ClusterStorageError>()("ClusterStorageError", {
  message: Schema.String
}) {}

const failed = (message: string): Layer.Layer<SqlClient, ClusterStorageError> =>
  Layer.effect(SqlClient, Effect.fail(new ClusterStorageError({ message })))

/**
 * How long the first query may wait for the server. The pool connects lazily: without this probe, a
 * server that is down or unreachable showed only later, deep inside the cluster's code, as a crash.
 */
const CONNECT_PROBE_TIMEOUT_MS = 15_000

const probe = (sql: SqlClient, url: string): Effect.Effect<void, ClusterStorageError> =>
  sql.unsafe("SELECT 1").pipe(
    Effect.asVoid,
    Effect.mapError((e) => new ClusterStorageError({ message: `cannot connect to PostgreSQL at ${redactedUrl(url)}: ${e.message}` })),
    Effect.timeoutOrElse({
      duration: CONNECT_PROBE_TIMEOUT_MS,
      orElse: () => Effect.fail(new ClusterStorageError({ message: `PostgreSQL at ${redactedUrl(url)} did not answer within ${CONNECT_PROBE_TIMEOUT_MS / 1000} s` }))
    })
  )

/** The URL without its password, for messages. */
const redactedUrl = (url: string): string => {
  try {
    const parsed = new URL(url)
    if (parsed.password !== "") parsed.password = "***"
    return parsed.toString()
  } catch {
    return "(the --cluster/--storage URL)"
  }
}

/**
 * PostgreSQL through `@effect/sql-pg` (a dependency), imported when first asked for: a run that uses
 * no cluster, or a SQLite one, does not load it. Checked by hand against Debian's PostgreSQL 15
 * (docs/cluster.md: two runners, one killed mid-campaign, every result once). One query before the
 * layer is ready: a server that cannot be reached is said at once, as the user's to fix.
 */
const postgresLayer = (url: string): Layer.Layer<SqlClient, ClusterStorageError> =>
  Layer.unwrap(
    Effect.tryPromise({
      try: () => import("@effect/sql-pg/PgClient"),
      catch: (cause) => new ClusterStorageError({ message: `cannot load @effect/sql-pg: ${cause instanceof Error ? cause.message : String(cause)}` })
    }).pipe(
      Effect.map((PgClient) =>
        PgClient.layer({ url: Redacted.make(url) }).pipe(
          Layer.catch((cause: unknown) => failed(`cannot connect to PostgreSQL: ${cause instanceof Error ? cause.message : String(cause)}`)),
          Layer.tap((services) => probe(Context.get(services, SqlClient), url))
        ))
    )
  )

/** What the driver said, under the wrappers' own words ("unable to open database file"). */
const rootCause = (error: { readonly message: string; readonly cause?: unknown }): string => {
  let cause: unknown = error.cause
  let said = error.message
  for (let depth = 0; depth < 4 && typeof cause === "object" && cause !== null; depth++) {
    const c = cause as { readonly errstr?: unknown; readonly message?: unknown; readonly cause?: unknown }
    if (typeof c.errstr === "string") return c.errstr
    if (typeof c.message === "string" && c.message !== said) said = c.message
    cause = c.cause
  }
  return said
}

/** The `SqlClient` of a storage target. */
export const storageLayer = (target: StorageTarget): Layer.Layer<SqlClient, ClusterStorageError> =>
  target._tag === "Sqlite"
    ? Layer.effect(SqlClient, SqliteClient.make(target.file).pipe(
      Effect.mapError((e) => new ClusterStorageError({ message: `cannot open the cluster's SQLite file ${target.file}: ${rootCause(e)}` }))
    )).pipe(Layer.provide(Reactivity.layer))
    : postgresLayer(target.url)
