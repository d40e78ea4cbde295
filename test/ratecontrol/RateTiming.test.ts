/**
 * How many attempts at one rate fit in Minstrel's 6 ms retry segment (rc80211_minstrel.c,
 * minstrel_rate_init): the first attempt's exchange, then per retry its exchange and half the
 * contention window, doubling from CWmin 15 (9 µs slots). The exchanges are worked out by hand.
 */
import { assert, describe, it } from "@effect/vitest"
import type { ErpRateMbps } from "../../src/air/PhyConfig.ts"
import { segmentTries } from "../../src/ratecontrol/RateTiming.ts"

const SLOT_US = 9 // 802.11-2016 Table 18-5 (short slot, ERP)
const CW_MIN = 15
const SEGMENT_US = 6_000
const MAX_TRIES = 7

/**
 * One 1200-byte exchange, µs (802.11-2016 17.4.3, 18.3.2.4): data PPDU, SIFS 10, Ack at the control
 * response rate. 6 Mbit/s: ⌈9622 / 24⌉ = 401 symbols, 20 + 1604 + 6 = 1630, + 10 + a 50 µs Ack = 1690.
 * 18 Mbit/s: ⌈9622 / 72⌉ = 134, 20 + 536 + 6 = 562, + 10 + a 38 µs Ack at 12 = 610.
 * 54 Mbit/s: ⌈9622 / 216⌉ = 45, 20 + 180 + 6 = 206, + 10 + a 34 µs Ack at 24 = 250.
 */
const EXCHANGE_US: ReadonlyArray<readonly [ErpRateMbps, number]> = [[6, 1690], [18, 610], [54, 250]]

const triesFor = (exchangeUs: number): number => {
  let spent = exchangeUs
  let cw = CW_MIN
  let tries = 1
  while (tries < MAX_TRIES) {
    spent += exchangeUs + (SLOT_US * cw) / 2
    cw = 2 * cw + 1
    if (spent >= SEGMENT_US) break
    tries++
  }
  return tries
}

describe("Minstrel's retry segment", () => {
  it("fits 3 attempts at 6 Mbit/s, 6 at 18 and 6 at 54: each attempt's Ack counted once", () => {
    assert.deepStrictEqual(EXCHANGE_US.map(([, us]) => triesFor(us)), [3, 6, 6])
    for (const [rateMbps, us] of EXCHANGE_US) {
      assert.strictEqual(segmentTries({ standard: "802.11g", rateMbps }), triesFor(us), `${rateMbps} Mbit/s`)
    }
  })
})
