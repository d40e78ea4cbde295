/**
 * Where a cluster keeps its messages, shard locks and runner list: one SQL database that every runner
 * and every submitter opens. `--cluster` and `--storage` take either a SQLite file (runners on one
 * machine) or a PostgreSQL URL (runners on several machines).
 */
import { Effect, Layer, Redacted, Schema } from "effect"
import * as Reactivity from "effect/reactivity/Reactivity"
import { SqlClient } from "effect/sql/SqlClient"
import * as SqliteClient from "./SqliteClient.ts"

export type StorageTarget =
  | { readonly _tag: "Sqlite"; readonly file: string }
  | { readonly _tag: "Postgres"; readonly url: string }

/** The cluster's storage could not be opened (file, server, driver). */
export class ClusterStorageError extends Schema.TaggedError<ClusterStorageError>()("ClusterStorageError", {
  message: Schema.String
}) {}

/**
 * Reads a storage argument: `postgres://…` or `postgresql://…` is a PostgreSQL server, `sqlite:PATH`
 * or any other text a SQLite file. An empty text is a mistake.
 */
export const parseStorageTarget = (text: string): StorageTarget | { readonly error: string } => {
  const trimmed = text.trim()
  if (trimmed === "") return { error: "the cluster storage is empty: give a SQLite file (cluster.db) or a postgres:// URL" }
  if (/^postgres(ql)?:\/\//i.test(trimmed)) return { _tag: "Postgres", url: trimmed }
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(trimmed)) return { error: `unsupported cluster storage ${JSON.stringify(trimmed)}: give a SQLite file or a postgres:// URL` }
  const file = trimmed.startsWith("sqlite:") ? trimmed.slice("sqlite:".length) : trimmed
  if (file === "") return { error: "sqlite: needs a file name after it (sqlite:cluster.db)" }
  return { _tag: "Sqlite", file }
}

const failed = (message: string): Layer.Layer<SqlClient, ClusterStorageError> =>
  Layer.effect(SqlClient, Effect.fail(new ClusterStorageError({ message })))

/**
 * PostgreSQL through `@effect/sql-pg` (a dependency), imported when first asked for: a run that uses
 * no cluster, or a SQLite one, does not load it. Checked by hand against Debian's PostgreSQL 15
 * (docs/cluster.md: two runners, one killed mid-campaign, every result once).
 */
const postgresLayer = (url: string): Layer.Layer<SqlClient, ClusterStorageError> =>
  Layer.unwrap(
    Effect.tryPromise({
      try: () => import("@effect/sql-pg/PgClient"),
      catch: (cause) => new ClusterStorageError({ message: `cannot load @effect/sql-pg: ${cause instanceof Error ? cause.message : String(cause)}` })
    }).pipe(
      Effect.map((PgClient) =>
        PgClient.layer({ url: Redacted.make(url) }).pipe(
          Layer.catch((cause: unknown) => failed(`cannot connect to PostgreSQL: ${cause instanceof Error ? cause.message : String(cause)}`))
        ))
    )
  )

/** The `SqlClient` of a storage target. */
export const storageLayer = (target: StorageTarget): Layer.Layer<SqlClient, ClusterStorageError> =>
  target._tag === "Sqlite"
    ? Layer.effect(SqlClient, SqliteClient.make(target.file).pipe(
      Effect.mapError((e) => new ClusterStorageError({ message: `cannot open the cluster's SQLite file ${target.file}: ${e.message}` }))
    )).pipe(Layer.provide(Reactivity.layer))
    : postgresLayer(target.url)

/** A storage target for messages, safe to print: a URL's password is hidden. */
export const describeTarget = (target: StorageTarget): string =>
  target._tag === "Sqlite" ? `SQLite file ${target.file}` : `PostgreSQL ${target.url.replace(/\/\/([^:/@]+):[^@]*@/, "//$1:***@")}`
