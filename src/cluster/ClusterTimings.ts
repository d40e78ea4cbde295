/**
 * The wall-clock timings that decide how fast a cluster notices a dead runner and hands its work to
 * another: how long a shard lock lives without being refreshed, how often runners look for new
 * messages and for each other. Only these are tuned; everything else is `effect/cluster`'s default
 * (`ShardingConfig.defaults`).
 */
import * as Duration from "effect/Duration"
import type { ShardingConfig } from "effect/cluster/ShardingConfig"

export interface ClusterTimings {
  /** A runner that has not refreshed its shard locks for this long loses them (and is considered gone). */
  readonly shardLockExpirationMs: number
  /** How often a runner refreshes its locks and heartbeat; at most a third of the expiration. */
  readonly shardLockRefreshMs: number
  /** How often a runner reads storage for messages it was not told about (redeliveries after a death). */
  readonly messagePollMs: number
  /** How often a submitter reads storage for replies it could not get from the runner directly. */
  readonly replyPollMs: number
  /** How often runners re-read the runner list and recompute which runner owns which shard. */
  readonly refreshAssignmentsMs: number
  /** How often runners ping each other. */
  readonly healthCheckMs: number
}

/**
 * `effect/cluster`'s own defaults (ShardingConfig.defaults in effect 4.1): a dead runner's shards move
 * after about 35 s. For runners on several machines, where a network hiccup must not move shards.
 */
export const defaultTimings: ClusterTimings = {
  shardLockExpirationMs: 35_000,
  shardLockRefreshMs: 10_000,
  messagePollMs: 10_000,
  replyPollMs: 200,
  refreshAssignmentsMs: 3_000,
  healthCheckMs: 60_000
}

/**
 * A dead runner's shards move after a few seconds: for runners on one machine (and the failover
 * test). SQLite's CURRENT_TIMESTAMP, which the lock rows use, counts whole seconds, so expiry below
 * ~3 s would make live runners' locks look stale: an expiry below `MIN_SHARD_LOCK_EXPIRATION_MS` (or
 * not a number) throws a `RangeError`.
 */
export const fastFailoverTimings = (shardLockExpirationMs: number): ClusterTimings => {
  if (!(Number.isFinite(shardLockExpirationMs) && shardLockExpirationMs >= MIN_SHARD_LOCK_EXPIRATION_MS)) {
    throw new RangeError(`a shard lock's expiry must be at least ${MIN_SHARD_LOCK_EXPIRATION_MS} ms (SQLite's clock counts whole seconds), got ${shardLockExpirationMs}`)
  }
  return {
    shardLockExpirationMs,
    shardLockRefreshMs: Math.max(250, Math.floor(shardLockExpirationMs / 4)),
    messagePollMs: Math.max(250, Math.floor(shardLockExpirationMs / 4)),
    replyPollMs: 100,
    refreshAssignmentsMs: Math.max(250, Math.floor(shardLockExpirationMs / 4)),
    healthCheckMs: Math.max(500, Math.floor(shardLockExpirationMs / 2))
  }
}

/** The smallest lock expiry the runner accepts (see `fastFailoverTimings`). */
export const MIN_SHARD_LOCK_EXPIRATION_MS = 3_000

/** The timings as `ShardingConfig` fields. */
export const shardingConfigOf = (t: ClusterTimings): Partial<ShardingConfig["Service"]> => ({
  shardLockExpiration: Duration.millis(t.shardLockExpirationMs),
  shardLockRefreshInterval: Duration.millis(t.shardLockRefreshMs),
  entityMessagePollInterval: Duration.millis(t.messagePollMs),
  entityReplyPollInterval: Duration.millis(t.replyPollMs),
  refreshAssignmentsInterval: Duration.millis(t.refreshAssignmentsMs),
  runnerHealthCheckInterval: Duration.millis(t.healthCheckMs)
})
