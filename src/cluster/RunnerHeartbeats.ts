/**
 * How long ago each registered runner last wrote its heartbeat, read from the cluster's runner table
 * (effect/cluster's `SqlRunnerStorage`: `cluster_runners`, its `address` and `last_heartbeat`).
 * A listing can then show a runner that stopped beating: effect/cluster lists a runner until its
 * heartbeat is older than the *reader's* lock expiry (35 s by default), whatever `--lock-expiry` the
 * runner itself had.
 */
import * as Effect from "effect/Effect"
import { SqlClient } from "effect/sql/SqlClient"

/** The runner table of effect/cluster's default table prefix ("cluster"). */
const RUNNERS_TABLE = "cluster_runners"

/** Seconds since each runner's last heartbeat, by its address (`host:port`), on the database's own clock. */
export const heartbeatAges: Effect.Effect<ReadonlyMap<string, number>, unknown, SqlClient> = Effect.gen(function*() {
  const sql = yield* SqlClient
  const table = sql(RUNNERS_TABLE)
  // The age on the server's clock, which wrote the heartbeats: this machine's may differ.
  const age = sql.onDialectOrElse({
    pg: () => sql`EXTRACT(EPOCH FROM (NOW() - last_heartbeat))`,
    orElse: () => sql`strftime('%s', 'now') - strftime('%s', last_heartbeat)`
  })
  const rows = yield* sql`SELECT address, ${age} AS age FROM ${table}`.values
  return new Map(rows.map(([address, seconds]) => [String(address), Number(seconds)] as const))
})
