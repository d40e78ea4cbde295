/**
 * Where a cluster keeps its messages, shard locks and runner list: one SQL database that every runner
 * and every submitter opens. `--cluster` and `--storage` take either a SQLite file (runners on one
 * machine) or a PostgreSQL URL (runners on several machines).
 */
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
