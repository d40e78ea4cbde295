import { assert, describe, it } from "@effect/vitest"
import { mkdtempSync, rmSync } from "node:fs"
import { tmpdir } from "node:os"
import { join } from "node:path"
import { Context, Effect, Exit, Layer } from "effect"
import { SqlClient } from "effect/sql/SqlClient"
import * as Reactivity from "effect/reactivity/Reactivity"
import * as SqliteClient from "../../src/cluster/SqliteClient.ts"

const withFile = <A, E>(f: (file: string) => Effect.Effect<A, E>) =>
  Effect.acquireUseRelease(
    Effect.sync(() => mkdtempSync(join(tmpdir(), "vwifi-sqlite-"))),
    (dir) => f(join(dir, "t.db")),
    (dir) => Effect.sync(() => rmSync(dir, { recursive: true, force: true }))
  )

const client = (file: string) => Layer.effect(SqlClient, SqliteClient.make(file)).pipe(Layer.provide(Reactivity.layer))

describe("SqlClient over node:sqlite", () => {
  it.effect("keeps 64-bit ids exact and gives small integers as numbers", () =>
    withFile((file) =>
      Effect.gen(function*() {
        const sql = yield* SqlClient
        yield* sql`CREATE TABLE t (id INTEGER PRIMARY KEY, kind INTEGER, name TEXT)`
        const id = 253871583431495680n // a cluster snowflake: beyond 2^53
        yield* sql`INSERT INTO t ${sql.insert({ id, kind: 2, name: "a" })}`
        const rows = yield* sql<{ id: bigint; kind: number; name: string }>`SELECT id, kind, name FROM t`
        assert.deepStrictEqual(rows.map((r) => ({ ...r })), [{ id, kind: 2, name: "a" }])
        const values = yield* sql`SELECT kind, name FROM t`.values
        assert.deepStrictEqual(values, [[2, "a"]])
      }).pipe(Effect.provide(client(file)))
    ))

  it.effect("rolls a failed transaction back, and reports a unique violation as such", () =>
    withFile((file) =>
      Effect.gen(function*() {
        const sql = yield* SqlClient
        yield* sql`CREATE TABLE t (k TEXT UNIQUE)`
        const failed = yield* Effect.exit(sql.withTransaction(Effect.gen(function*() {
          yield* sql`INSERT INTO t (k) VALUES ('x')`
          yield* sql`INSERT INTO t (k) VALUES ('x')`
        })))
        assert.isTrue(Exit.isFailure(failed))
        if (Exit.isFailure(failed)) assert.include(JSON.stringify(failed.cause), "UniqueViolation")
        assert.deepStrictEqual(yield* sql`SELECT count(*) AS n FROM t`.values, [[0]])
      }).pipe(Effect.provide(client(file)))
    ))

  it.effect("two clients on one file see each other's writes (as runners in two processes do)", () =>
    withFile((file) =>
      Effect.gen(function*() {
        const a = yield* Layer.build(client(file)).pipe(Effect.map(Context.get(SqlClient)))
        const b = yield* Layer.build(client(file)).pipe(Effect.map(Context.get(SqlClient)))
        yield* a`CREATE TABLE t (k INTEGER)`
        yield* a.withTransaction(a`INSERT INTO t (k) VALUES (1)`)
        yield* b.withTransaction(b`INSERT INTO t (k) VALUES (2)`)
        assert.deepStrictEqual(yield* a`SELECT k FROM t ORDER BY k`.values, [[1], [2]])
      }).pipe(Effect.scoped)
    ))
})
