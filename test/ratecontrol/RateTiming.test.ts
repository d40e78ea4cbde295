/**
 * What Minstrel times a rate with, as mac80211 does. 802.11g, Linux 2.6.33's rc80211_minstrel.c:
 * the frame duration of a 1200-byte packet (ieee80211_frame_duration: SIFS, then the PPDU of 1200 + 4
 * bytes of FCS, its 6 µs signal extension included), and how many attempts fit in its 6 ms retry
 * segment (minstrel_rate_init): the first attempt and an Ack at the lowest rate, then per retry the
 * frame, an Ack timed at the frame's rate and t_slot + min(cw, cw_max) µs, the window doubling from
 * CWmin 15 (9 µs slots). 802.11n, Minstrel-HT's minstrel_calc_retransmit: every attempt the whole
 * average aggregate (16 × 1200 bytes) and its BlockAck, the first two always, then half the window
 * in slots per try. The durations are worked out by hand (802.11-2016 17.4.3, 18.3.2.4, 19.4.3).
 */
import { assert, describe, it } from "@effect/vitest"
import type { ErpRateMbps, PhyConfig } from "../../src/air/PhyConfig.ts"
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

/** minstrel_rate_init's loop: `retry_count` starts at 1 and grows while the segment still has room, up to 7. */
const triesFor = (frameUs: number, ackUs: number): number => {
  let spent = frameUs + FIRST_ACK_US
  let cw = CW_MIN
  let tries = 1
  while (true) {
    spent += frameUs + ackUs + SLOT_US + cw
    cw = 2 * cw + 1
    if (!(spent < SEGMENT_US) || !(++tries < MAX_TRIES)) return tries
  }
}

/**
 * One 802.11n attempt, µs: the 16 × 1200 = 19,200-byte aggregate (16 + 153,600 + 6 bits) and a
 * 32-byte BlockAck at 24 Mbit/s (3 symbols, 38 µs) after SIFS 10. MCS 7, 20 MHz, long GI (N_DBPS
 * 260): 591 symbols × 4 = 2364, preamble 20 + 8 + 4 + 4 = 36, extension 6: 2406 + 10 + 38 = 2454.
 * MCS 15, 40 MHz, short GI (N_DBPS 1080): 143 × 3.6 = 514.8, rounded up to 516, preamble 20 + 8 + 4
 * + 2 × 4 = 40, extension 6: 562 + 10 + 38 = 610.
 */
const HT_ATTEMPT_US: ReadonlyArray<readonly [PhyConfig, number]> = [
  [{ standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "long" }, 2454],
  [{ standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }, 610]
]

/** minstrel_calc_retransmit: two tries with their half windows (67 + 139 µs), then one more per half window while there is room. */
const htTriesFor = (attemptUs: number): number => {
  let cw = CW_MIN
  let spent = Math.floor((SLOT_US * cw) / 2)
  cw = 2 * cw + 1
  spent += Math.floor((SLOT_US * cw) / 2) + 2 * attemptUs
  cw = 2 * cw + 1
  let tries = 2
  while (true) {
    spent += Math.floor((SLOT_US * cw) / 2) + attemptUs
    cw = 2 * cw + 1
    if (!(spent < SEGMENT_US) || !(++tries < MAX_TRIES)) return tries
  }
}

describe("Minstrel's timing of a rate", () => {
  it("ranks a rate by a 1200-byte frame's duration, the Ack left out, as mac80211's perfect_tx_time", () => {
    for (const [rateMbps, frameUs] of DURATIONS_US) {
      assert.strictEqual(perfectTxNs({ standard: "802.11g", rateMbps }), frameUs * 1000, `${rateMbps} Mbit/s`)
    }
  })

  it("fits 3 attempts at 6 Mbit/s and 7 at 18 and 54 in 2.6.33's retry segment, each attempt's Ack counted once", () => {
    assert.deepStrictEqual(DURATIONS_US.map(([, frameUs, ackUs]) => triesFor(frameUs, ackUs)), [3, 7, 7])
    for (const [rateMbps, frameUs, ackUs] of DURATIONS_US) {
      assert.strictEqual(segmentTries({ standard: "802.11g", rateMbps }), triesFor(frameUs, ackUs), `${rateMbps} Mbit/s`)
    }
  })

  it("802.11n: each attempt is a whole aggregate, so MCS 7 HT20 gets 2 and MCS 15 HT40 5", () => {
    assert.deepStrictEqual(HT_ATTEMPT_US.map(([, us]) => htTriesFor(us)), [2, 5])
    for (const [phy, us] of HT_ATTEMPT_US) {
      assert.strictEqual(perfectTxNs(phy) * 16, us * 1000, JSON.stringify(phy))
      assert.strictEqual(segmentTries(phy), htTriesFor(us), JSON.stringify(phy))
    }
  })
})
