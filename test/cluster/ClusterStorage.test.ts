import { assert, describe, it } from "@effect/vitest"
import { describeTarget, parseStorageTarget } from "../../src/cluster/StorageTarget.ts"
import { defaultTimings, fastFailoverTimings, MIN_SHARD_LOCK_EXPIRATION_MS } from "../../src/cluster/ClusterTimings.ts"

describe("cluster storage argument", () => {
  it("a postgres URL is PostgreSQL, anything else a SQLite file", () => {
    assert.deepStrictEqual(parseStorageTarget("postgres://u:p@db/vwifi"), { _tag: "Postgres", url: "postgres://u:p@db/vwifi" })
    assert.deepStrictEqual(parseStorageTarget("postgresql://db/vwifi"), { _tag: "Postgres", url: "postgresql://db/vwifi" })
    assert.deepStrictEqual(parseStorageTarget(" cluster.db "), { _tag: "Sqlite", file: "cluster.db" })
    assert.deepStrictEqual(parseStorageTarget("sqlite:/tmp/c.db"), { _tag: "Sqlite", file: "/tmp/c.db" })
  })

  it("refuses an empty text and other URL schemes with a message", () => {
    for (const text of ["", "  ", "sqlite:", "mysql://db/x", "http://runner:34431"]) {
      const parsed = parseStorageTarget(text)
      assert.isTrue("error" in parsed, text)
    }
    const mysql = parseStorageTarget("mysql://db/x")
    assert.include("error" in mysql ? mysql.error : "", "postgres://")
  })

  it("hides a URL's password when printed", () => {
    assert.strictEqual(describeTarget({ _tag: "Postgres", url: "postgres://vwifi:s3cret@db.lan:5432/vwifi" }), "PostgreSQL postgres://vwifi:***@db.lan:5432/vwifi")
    assert.strictEqual(describeTarget({ _tag: "Sqlite", file: "c.db" }), "SQLite file c.db")
  })
})

describe("cluster timings", () => {
  it("fast failover refreshes locks well within their expiry, and the defaults are effect/cluster's", () => {
    for (const ms of [MIN_SHARD_LOCK_EXPIRATION_MS, 5_000, 20_000]) {
      const t = fastFailoverTimings(ms)
      assert.isAtMost(t.shardLockRefreshMs, ms / 3)
      assert.isBelow(t.messagePollMs, ms)
    }
    assert.strictEqual(defaultTimings.shardLockExpirationMs, 35_000)
    // Below SQLite's whole-second clock, or not a number, is refused (NaN made every timing null).
    for (const ms of [MIN_SHARD_LOCK_EXPIRATION_MS - 1, NaN, -1]) assert.throws(() => fastFailoverTimings(ms), RangeError)
  })
})
