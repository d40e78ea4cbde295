import { assert, describe, it } from "@effect/vitest"
import { arrived, decide, noArrivals } from "../../src/device-model/CoalescingPolicy.ts"
import type { ArrivalHistory, CoalescingRule } from "../../src/device-model/CoalescingPolicy.ts"

const rule: CoalescingRule = { enabled: true, frames: 16, delayNs: 1e6, adaptive: true }
const history = (gapsNs: ReadonlyArray<number>): ArrivalHistory => {
  let h = noArrivals
  let t = 0
  h = arrived(h, t)
  for (const g of gapsNs) h = arrived(h, (t += g))
  return h
}

describe("device model: the coalescing rule", () => {
  it("smooths the gap between arrivals with weight 1/8", () => {
    const h = history([800, 1600])
    // First gap taken as is (800), then 800 + (1600 - 800) / 8 = 900.
    assert.strictEqual(h.smoothedGapNs, 900)
    assert.strictEqual(h.lastArrivalNs, 2400)
  })

  it("holds under load: arrivals every 0.3 ms against a 1 ms window", () => {
    const busy = history(Array.from({ length: 20 }, () => 300_000))
    assert.strictEqual(decide(rule, busy, 0, 1), "hold-and-arm")
    assert.strictEqual(decide(rule, busy, 3, 4), "hold")
    assert.strictEqual(decide(rule, busy, 15, 16), "inject", "the frame count still bounds the hold")
  })

  it("delivers at once under light load: a ping's request and reply every 10 ms", () => {
    // The request's completion, then its reply 0.4 ms later, every 10 ms: the smoothed gap stays ≫ 1 ms.
    const ping = history(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? 400_000 : 9_600_000)))
    assert.isAbove(ping.smoothedGapNs, 1e6)
    assert.strictEqual(decide(rule, ping, 0, 1), "inject")
    assert.strictEqual(decide(rule, noArrivals, 0, 1), "inject", "the first event ever is not held")
  })

  it("holds every event without the adaptive rule, and none when coalescing is off", () => {
    const ping = history([400_000, 9_600_000])
    assert.strictEqual(decide({ ...rule, adaptive: false }, ping, 0, 1), "hold-and-arm")
    assert.strictEqual(decide({ ...rule, enabled: false }, ping, 5, 6), "inject")
  })
})
