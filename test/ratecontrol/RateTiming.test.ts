/**
 * What Minstrel times a rate with, as mac80211 does (Linux 2.6.33, rc80211_minstrel.c): the frame
 * duration of a 1200-byte packet (ieee80211_frame_duration: SIFS, then the PPDU of 1200 + 4 bytes of
 * FCS, its 6 µs signal extension included), and how many attempts fit in its 6 ms retry segment
 * (minstrel_rate_init): the first attempt and an Ack at the lowest rate, then per retry the frame, an
 * Ack timed at the frame's rate and half the contention window, doubling from CWmin 15 (9 µs slots).
 * The durations are worked out by hand (802.11-2016 17.4.3, 18.3.2.4).
 */
import { assert, describe, it } from "@effect/vitest"
import type { ErpRateMbps } from "../../src/air/PhyConfig.ts"
import { perfectTxNs, segmentTries } from "../../src/ratecontrol/RateTiming.ts"

const SLOT_US = 9
const CW_MIN = 15
const SEGMENT_US = 6_000
const MAX_TRIES = 7

/**
 * Per rate: the 1200-byte frame's duration, and a 10-byte (+ FCS) Ack's, µs, each SIFS 10 + 20 µs
 * preamble and SIGNAL + 4 µs symbols + 6 µs extension. The frame carries 16 + 8 × 1204 + 6 = 9654
 * bits, the Ack 134: 6 Mbit/s (24 bits a symbol): 403 and 6 symbols, 1648 and 60 µs; 18 Mbit/s (72):
 * 135 and 2, 576 and 44; 54 Mbit/s (216): 45 and 1, 216 and 40.
 */
const DURATIONS_US: ReadonlyArray<readonly [ErpRateMbps, number, number]> = [[6, 1648, 60], [18, 576, 44], [54, 216, 40]]
/** The first attempt's Ack, at the lowest rate (sp_ack_dur). */
const FIRST_ACK_US = 60

const triesFor = (frameUs: number, ackUs: number): number => {
  let spent = frameUs + FIRST_ACK_US
  let cw = CW_MIN
  let tries = 1
  while (tries < MAX_TRIES) {
    spent += frameUs + ackUs + (SLOT_US * cw) / 2
    cw = 2 * cw + 1
    if (spent >= SEGMENT_US) break
    tries++
  }
  return tries
}

describe("Minstrel's timing of a rate", () => {
  it("ranks a rate by a 1200-byte frame's duration, the Ack left out, as mac80211's perfect_tx_time", () => {
    for (const [rateMbps, frameUs] of DURATIONS_US) {
      assert.strictEqual(perfectTxNs({ standard: "802.11g", rateMbps }), frameUs * 1000, `${rateMbps} Mbit/s`)
    }
  })

  it("fits 3 attempts at 6 Mbit/s, 6 at 18 and 6 at 54 in the retry segment: each attempt's Ack counted once", () => {
    assert.deepStrictEqual(DURATIONS_US.map(([, frameUs, ackUs]) => triesFor(frameUs, ackUs)), [3, 6, 6])
    for (const [rateMbps, frameUs, ackUs] of DURATIONS_US) {
      assert.strictEqual(segmentTries({ standard: "802.11g", rateMbps }), triesFor(frameUs, ackUs), `${rateMbps} Mbit/s`)
    }
  })
})
