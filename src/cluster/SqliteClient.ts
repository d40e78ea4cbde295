/**
 * Effect's `SqlClient` over Node's built-in SQLite (`node:sqlite`, `DatabaseSync`), so that cluster
 * runners on one machine can share their message storage in one file without a driver package.
 * (`@effect/sql-sqlite-node`'s Effect-4 line is still a beta; this is the route docs/cluster.md names.)
 *
 * Several processes open the same file: WAL lets readers and one writer work at once, the busy
 * timeout makes a writer wait for another process's write instead of failing, and every transaction
 * begins IMMEDIATE so that two of them never deadlock upgrading a read lock to a write lock.
 */
import { DatabaseSync } from "node:sqlite"
import type { SQLInputValue, StatementSync } from "node:sqlite"
import * as Effect from "effect/Effect"
import * as Layer from "effect/Layer"
import * as Scope from "effect/Scope"
import * as Semaphore from "effect/Semaphore"
import * as Stream from "effect/Stream"
import { Reactivity } from "effect/reactivity/Reactivity"
import * as Reactive from "effect/reactivity/Reactivity"
import * as SqlClient from "effect/sql/SqlClient"
import type { Connection } from "effect/sql/SqlConnection"
import { classifySqliteError, SqlError } from "effect/sql/SqlError"
import * as Statement from "effect/sql/Statement"

/**
 * How long a statement waits for another process's write lock before failing (ms). Shard-lock
 * refreshes and message writes of a few runners are short; 10 s rides out a slow disk.
 * Source: SQLite's busy timeout, https://sqlite.org/c3ref/busy_timeout.html
 */
export const SQLITE_BUSY_TIMEOUT_MS = 10_000

/** Prepared statements kept per connection; the cluster's storage uses a few dozen distinct ones. */
const MAX_STATEMENT_CACHE_ENTRIES = 256

/** node:sqlite binds only null, numbers, bigints, strings and bytes. */
const bindable = (value: unknown): SQLInputValue => {
  if (value === undefined || value === null) return null
  if (typeof value === "boolean") return value ? 1 : 0
  if (value instanceof Date) return value.toISOString()
  if (typeof value === "number" || typeof value === "bigint" || typeof value === "string" || value instanceof Uint8Array) return value
  return JSON.stringify(value)
}

/**
 * Integers as numbers where they fit, bigints beyond: the cluster's ids are 64-bit snowflakes, which
 * node:sqlite refuses to read as numbers, while its flags and counts are compared as numbers.
 */
const safeInteger = (value: unknown): unknown =>
  typeof value === "bigint" && value <= BigInt(Number.MAX_SAFE_INTEGER) && value >= BigInt(Number.MIN_SAFE_INTEGER) ? Number(value) : value

const narrowRow = (row: any): any => {
  if (Array.isArray(row)) return row.map(safeInteger)
  for (const key in row) row[key] = safeInteger(row[key])
  return row
}

const makeConnection = (db: DatabaseSync): Connection => {
  const cache = new Map<string, StatementSync>()
  const prepared = (sql: string): StatementSync => {
    let statement = cache.get(sql)
    if (statement === undefined) {
      if (cache.size >= MAX_STATEMENT_CACHE_ENTRIES) cache.delete(cache.keys().next().value!)
      statement = db.prepare(sql)
      cache.set(sql, statement)
    }
    return statement
  }
  const fail = (operation: string) => (cause: unknown) =>
    // node:sqlite puts SQLite's own code in `errcode`; the classifier reads `code`/`errno`.
    new SqlError({ reason: classifySqliteError(cause !== null && typeof cause === "object" && "errcode" in cause ? { message: String((cause as { message?: unknown }).message), code: cause.errcode } : cause, { message: `SQLite ${operation} failed`, operation }) })
  const rows = (statement: StatementSync, params: ReadonlyArray<unknown>, arrays: boolean): Array<any> => {
    statement.setReturnArrays(arrays)
    statement.setReadBigInts(true)
    const args = params.map(bindable)
    if (statement.columns().length > 0) return statement.all(...args).map(narrowRow)
    statement.run(...args)
    return []
  }
  const run = (make: () => StatementSync, params: ReadonlyArray<unknown>, arrays: boolean, transform?: (<A extends object>(rows: ReadonlyArray<A>) => ReadonlyArray<A>) | undefined) =>
    Effect.try({
      try: () => {
        const out = rows(make(), params, arrays)
        return transform === undefined ? out : transform(out)
      },
      catch: fail("statement")
    })
  return {
    execute: (sql, params, transform) => run(() => prepared(sql), params, false, transform),
    executeRaw: (sql, params) =>
      Effect.try({
        try: () => {
          const statement = prepared(sql)
          statement.setReturnArrays(false)
          statement.setReadBigInts(true)
          return statement.columns().length > 0 ? statement.all(...params.map(bindable)).map(narrowRow) : statement.run(...params.map(bindable))
        },
        catch: fail("statement")
      }),
    executeStream: (sql, params, transform) =>
      Stream.fromIterableEffect(run(() => prepared(sql), params, false, transform)),
    executeValues: (sql, params) => run(() => prepared(sql), params, true),
    executeValuesUnprepared: (sql, params) => run(() => db.prepare(sql), params, true),
    executeUnprepared: (sql, params, transform) => run(() => db.prepare(sql), params, false, transform)
  }
}

/** Opens (creating if missing) the SQLite file at `filename` as a `SqlClient`, closed with the scope. */
export const make = (filename: string): Effect.Effect<SqlClient.SqlClient, SqlError, Scope.Scope | Reactivity> =>
  Effect.gen(function*() {
    const db = yield* Effect.acquireRelease(
      Effect.try({
        try: () => {
          const db = new DatabaseSync(filename, { timeout: SQLITE_BUSY_TIMEOUT_MS })
          db.exec("PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL;")
          return db
        },
        catch: (cause) => new SqlError({ reason: classifySqliteError(cause, { message: `cannot open SQLite file ${filename}`, operation: "open" }) })
      }),
      (db) => Effect.sync(() => db.close())
    )
    const connection = makeConnection(db)
    const semaphore = yield* Semaphore.make(1)
    const acquirers = SqlClient.makeSqliteAcquirers({
      connection: Effect.succeed(connection),
      semaphore,
      isTransaction: () => db.isTransaction
    })
    return yield* SqlClient.make({
      ...acquirers,
      compiler: Statement.makeCompilerSqlite(),
      driver: "node-sqlite",
      spanAttributes: [["db.system.name", "sqlite"]],
      beginTransaction: "BEGIN IMMEDIATE"
    })
  })

/** The `SqlClient` for one SQLite file. */
export const layer = (filename: string): Layer.Layer<SqlClient.SqlClient, SqlError> =>
  Layer.effect(SqlClient.SqlClient, make(filename)).pipe(Layer.provide(Reactive.layer))
