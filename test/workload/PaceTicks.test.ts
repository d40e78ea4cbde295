import { assert, describe, it } from "@effect/vitest"
import { nextSendingTick, MAX_PACE_TICKS_AHEAD, packetsPerTick, paceTick } from "../../src/workload/PaceTicks.ts"

/** The pacing as it was, one tick at a time: which ticks sent how many packets, and the credit after each. */
const everyTick = (perTick: number, ticks: number) => {
  let credit = 0
  const sends: Array<[number, number]> = []
  const credits: Array<number> = []
  for (let t = 0; t < ticks; t++) {
    credit += perTick
    const n = Math.floor(credit)
    credit -= n
    if (n > 0) sends.push([t, n])
    credits.push(credit)
  }
  return { sends, credits }
}

/** The same flow with the ticks that send nothing skipped: the same sends, and at each fired tick the same credit. */
const skipping = (perTick: number, ticks: number) => {
  let credit = 0
  const sends: Array<[number, number]> = []
  const fired: Array<[number, number]> = []
  for (let t = 0; t < ticks;) {
    const step = paceTick(credit, perTick)
    if (step.packets > 0) sends.push([t, step.packets])
    // `step.credit` holds the skipped ticks' credit too: tick-by-tick pacing has it after the last skipped tick.
    fired.push([t + step.ticks - 1, step.credit])
    credit = step.credit
    t += step.ticks
  }
  return { sends, fired }
}

describe("paced flows skip the ticks that send nothing", () => {
  it("send on the same ticks, the same packets, with the same credit, at rates from a few packets a second to several a tick", () => {
    const rates: Array<[number, number]> = [[0.25, 1470], [0.01, 64], [1, 1000], [2.5, 1470], [11.3, 1470], [54, 1470], [0.3333, 777]]
    for (const [mbps, bytes] of rates) {
      const perTick = packetsPerTick(mbps, bytes, 1_000_000)
      const a = everyTick(perTick, 20_000)
      const b = skipping(perTick, 20_000)
      assert.deepStrictEqual(b.sends, a.sends, `${mbps} Mb/s of ${bytes} B`)
      // The last fired tick may look past the ticks run; every other one is compared.
      const compared = b.fired.filter(([t]) => t < a.credits.length)
      assert.isAtLeast(compared.length, b.fired.length - 1)
      for (const [t, credit] of compared) assert.strictEqual(credit, a.credits[t], `${mbps} Mb/s: the credit at tick ${t}`)
      assert.isAbove(a.sends.length, 0)
    }
  })

  it("fires every tick when each sends, and at most MAX_PACE_TICKS_AHEAD apart when none would", () => {
    assert.deepStrictEqual(nextSendingTick(0.2, 1.5), { ticks: 1, credit: 0.2 })
    assert.deepStrictEqual(nextSendingTick(0.5, 0.25), { ticks: 2, credit: 0.75 })
    assert.strictEqual(nextSendingTick(0, 0).ticks, MAX_PACE_TICKS_AHEAD)
    assert.strictEqual(nextSendingTick(0, 1e-9).ticks, MAX_PACE_TICKS_AHEAD)
  })
})
