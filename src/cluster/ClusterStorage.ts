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
import { statSync } from "node:fs"
import { dirname, resolve } from "node:path"
import * as SqliteClient from "./SqliteClient.ts"
import { withoutPassword } from "./StorageTarget.ts"
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
    Effect.mapError((e) => new ClusterStorageError({ message: `cannot connect to PostgreSQL at ${redactedUrl(url)}: ${connectFailureText(e)}` })),
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
    // Not a URL the parser reads (a port past 65535): the text, its password hidden all the same.
    return withoutPassword(url)
  }
}

/**
 * Why a connection failed, in words: the driver's own message is "Failed to connect" whatever
 * happened, the reason (refused, no such host) being the socket's error under it.
 */
const connectFailureText = (error: { readonly message: string; readonly cause?: unknown }): string => {
  const root = deepestCause(error)
  switch (root.code) {
    case "ECONNREFUSED": return "the connection was refused (no server listens at that host and port)"
    case "ENOTFOUND": return "no such host"
    case "ETIMEDOUT": return "the connection timed out"
    case "EHOSTUNREACH": case "ENETUNREACH": return "the host cannot be reached"
  }
  if (root.message === "No username configured") return "the URL names no user: give postgres://USER:PASSWORD@HOST/DATABASE"
  return root.message
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

/** What the driver said, under the wrappers' own words ("unable to open database file"), and the system's error code if any. */
const deepestCause = (error: { readonly message: string; readonly cause?: unknown }): { readonly message: string; readonly code?: string } => {
  let cause: unknown = error.cause
  let said: { message: string; code?: string } = { message: error.message }
  for (let depth = 0; depth < 4 && typeof cause === "object" && cause !== null; depth++) {
    const c = cause as { readonly errstr?: unknown; readonly message?: unknown; readonly code?: unknown; readonly cause?: unknown }
    if (typeof c.errstr === "string") return { message: c.errstr }
    if (typeof c.message === "string") said = typeof c.code === "string" ? { message: c.message, code: c.code } : { message: c.message }
    cause = c.cause
  }
  return said
}

/**
 * Why a SQLite file that does not exist yet could not be created where it is named (its folder is
 * missing, or is no folder), or undefined: said at once, where waiting for a runner to create it
 * would wait for nothing.
 */
export const sqliteFolderProblem = (file: string): string | undefined => {
  const folder = dirname(resolve(file))
  try {
    return statSync(folder).isDirectory() ? undefined : `${folder} is not a folder`
  } catch {
    return `the folder ${folder} does not exist`
  }
}

/** The `SqlClient` of a storage target. */
export const storageLayer = (target: StorageTarget): Layer.Layer<SqlClient, ClusterStorageError> =>
  target._tag === "Sqlite"
    ? Layer.effect(SqlClient, SqliteClient.make(target.file).pipe(
      Effect.mapError((e) => new ClusterStorageError({ message: `cannot open the cluster's SQLite file ${target.file}: ${deepestCause(e).message}` }))
    )).pipe(Layer.provide(Reactivity.layer))
    : postgresLayer(target.url)
