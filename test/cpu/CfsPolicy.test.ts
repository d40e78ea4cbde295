import { assert, describe, it } from "@effect/vitest"
import * as Cfs from "../../src/cpu/CfsPolicy.ts"

const MS = 1e6

describe("CFS policy (Linux 2.6.33 defaults, one CPU)", () => {
  it("uses sched_fair.c's defaults: 5 ms latency, 1 ms minimum and wake-up granularity, nr_latency 5", () => {
    assert.strictEqual(Cfs.SCHED_LATENCY_NS, 5 * MS)
    assert.strictEqual(Cfs.SCHED_MIN_GRANULARITY_NS, 1 * MS)
    assert.strictEqual(Cfs.SCHED_WAKEUP_GRANULARITY_NS, 1 * MS)
    assert.strictEqual(Cfs.SCHED_NR_LATENCY, 5)
    assert.strictEqual(Cfs.NICE_0_WEIGHT, 1024)
  })

  it("the period is the latency up to five runnable threads, then 1 ms per thread", () => {
    for (const n of [1, 2, 3, 4, 5]) assert.strictEqual(Cfs.schedPeriodNs(n), 5 * MS)
    assert.strictEqual(Cfs.schedPeriodNs(6), 6 * MS)
    assert.strictEqual(Cfs.schedPeriodNs(20), 20 * MS)
  })

  it("a slice is the period split by weight", () => {
    assert.strictEqual(Cfs.idealSliceNs(2, 1024, 2048), 2.5 * MS)
    assert.closeTo(Cfs.idealSliceNs(3, 1024, 3072), 5 * MS / 3, 1e-6)
    assert.strictEqual(Cfs.idealSliceNs(10, 1024, 10240), 1 * MS)
    // A thread of twice the weight gets twice the slice of the same period.
    assert.closeTo(Cfs.idealSliceNs(2, 2048, 3072), (5 * MS * 2) / 3, 1e-6)
  })

  it("virtual runtime grows with real time for nice 0, slower for heavier threads", () => {
    assert.strictEqual(Cfs.vruntimeDeltaNs(1000, 1024), 1000)
    assert.strictEqual(Cfs.vruntimeDeltaNs(1000, 2048), 500)
  })

  it("a woken thread is placed at most half a latency below the minimum, never backwards", () => {
    assert.strictEqual(Cfs.placeOnWakeupNs(0, 100 * MS), 97.5 * MS, "a long sleeper gets 2.5 ms of credit")
    assert.strictEqual(Cfs.placeOnWakeupNs(99 * MS, 100 * MS), 99 * MS, "a short sleeper keeps its own")
    assert.strictEqual(Cfs.placeOnWakeupNs(120 * MS, 100 * MS), 120 * MS)
  })

  it("a woken thread preempts only when it is more than 1 ms of virtual time behind", () => {
    assert.isTrue(Cfs.wakeupPreempts(10 * MS, 8.9 * MS, 1024))
    assert.isFalse(Cfs.wakeupPreempts(10 * MS, 9 * MS, 1024), "exactly the granularity is not enough")
    assert.isFalse(Cfs.wakeupPreempts(10 * MS, 9.5 * MS, 1024))
    assert.isFalse(Cfs.wakeupPreempts(10 * MS, 12 * MS, 1024))
  })

  it("the smaller virtual runtime runs first, whenever it was queued; among equals, the earlier queued", () => {
    assert.isTrue(Cfs.runsBefore(3, 2, 5, 1))
    assert.isFalse(Cfs.runsBefore(5, 1, 3, 2))
    assert.isTrue(Cfs.runsBefore(3, 2, 3, 7))
    assert.isFalse(Cfs.runsBefore(3, 7, 3, 2))
    assert.isFalse(Cfs.runsBefore(3, 2, 3, 2), "a thread does not run before itself")
  })

  it("the minimum virtual runtime only moves forward", () => {
    assert.strictEqual(Cfs.nextMinVruntimeNs(10, 4), 10)
    assert.strictEqual(Cfs.nextMinVruntimeNs(10, 14), 14)
    assert.strictEqual(Cfs.nextMinVruntimeNs(10, Infinity), 10)
  })
})
