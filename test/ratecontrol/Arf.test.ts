import { assert, describe, it } from "@effect/vitest"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { MAX_AARF_SUCCESS_THRESHOLD, Arf, arfChain, ARF_SUCCESS_THRESHOLD } from "../../src/ratecontrol/Arf.ts"

const G54: PhyConfig = { standard: "802.11g", rateMbps: 54 }

/** One frame's status at `rate`: `failures` failed attempts, then (if `ok`) one acknowledged. */
const frame = (c: Arf, rate: number, failures: number, ok = true): void => {
  const attempts = new Array<number>(8).fill(0)
  const acked = new Array<number>(8).fill(0)
  attempts[rate] = failures + (ok ? 1 : 0)
  acked[rate] = ok ? 1 : 0
  c.report({ attempts, acked, frames: 1 })
}

describe("ARF and AARF", () => {
  it("ARF steps down after 2 consecutive failures, not after 1", () => {
    const a = new Arf(G54, false)
    frame(a, 7, 1)
    assert.strictEqual(a.current, 7, "one failure, then a success")
    frame(a, 7, 2, false)
    assert.strictEqual(a.current, 6)
    assert.strictEqual(a.chain()[0]!.rateIndex, 6)
  })

  it("ARF steps up after 10 consecutive successes, and a failed probe steps straight back", () => {
    const a = new Arf(G54, false)
    frame(a, 7, 2, false)
    assert.strictEqual(a.current, 6)
    for (let i = 0; i < ARF_SUCCESS_THRESHOLD - 1; i++) frame(a, 6, 0)
    assert.strictEqual(a.current, 6, "9 successes are not enough")
    frame(a, 6, 0)
    assert.strictEqual(a.current, 7)
    assert.isTrue(a.probing)
    frame(a, 7, 1, false)
    assert.strictEqual(a.current, 6, "the probe failed")
    assert.strictEqual(a.successThreshold, ARF_SUCCESS_THRESHOLD, "ARF keeps its threshold")
  })

  it("ARF's timer steps up after 15 transmissions even when failures break the success run", () => {
    const a = new Arf(G54, false)
    frame(a, 7, 2, false)
    // Fail, succeed, fail, succeed…: never 2 failures in a row, never 10 successes in a row.
    for (let i = 0; i < 7; i++) frame(a, 6, 1)
    assert.strictEqual(a.current, 6)
    frame(a, 6, 0)
    assert.strictEqual(a.current, 7, "15 transmissions at 48")
  })

  it("AARF doubles its success threshold after each failed probe, up to 60, and resets it after a normal fall", () => {
    const a = new Arf(G54, true)
    frame(a, 7, 2, false)
    const thresholds: Array<number> = []
    const timers: Array<number> = []
    for (let round = 0; round < 4; round++) {
      for (let i = 0; i < a.successThreshold; i++) frame(a, 6, 0)
      assert.strictEqual(a.current, 7)
      frame(a, 7, 1, false)
      thresholds.push(a.successThreshold)
      timers.push(a.timerThreshold)
    }
    assert.deepStrictEqual(thresholds, [20, 40, MAX_AARF_SUCCESS_THRESHOLD, MAX_AARF_SUCCESS_THRESHOLD])
    // The timer doubles from its own 15, uncapped (ns-3's AarfWifiManager, TimerK 2).
    assert.deepStrictEqual(timers, [30, 60, 120, 240])
    frame(a, 6, 2, false)
    assert.strictEqual(a.current, 5)
    assert.strictEqual(a.successThreshold, ARF_SUCCESS_THRESHOLD)
  })

  it("follows the card's in-frame fall-back: two failures at the top, a success one rate lower", () => {
    const a = new Arf(G54, false)
    const attempts = [0, 0, 0, 0, 0, 0, 1, 2]
    const acked = [0, 0, 0, 0, 0, 0, 1, 0]
    a.report({ attempts, acked, frames: 1 })
    assert.strictEqual(a.current, 6)
    assert.strictEqual(a.successes, 1)
  })

  it("chains the current rate and the two below twice each, then the lowest, 7 attempts in all", () => {
    assert.deepStrictEqual(arfChain(7), [{ rateIndex: 7, tries: 2 }, { rateIndex: 6, tries: 2 }, { rateIndex: 5, tries: 2 }, { rateIndex: 0, tries: 1 }])
    assert.deepStrictEqual(arfChain(1), [{ rateIndex: 1, tries: 2 }, { rateIndex: 0, tries: 5 }])
  })
})
