/**
 * An AP's beacon queue (`Station.beacon`: AIFSN 1, CW 0, as ath9k sets it up for an AP): a beacon
 * goes the first slot the medium is idle after PIFS at its TBTT, ahead of the AP's queued data and of
 * the retries of the frame it was sending. Until 2026-12-05 beacons went ahead of the data in the
 * AP's best-effort queue, but behind the frame at its head and all that frame's retries.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { aifsNs, AIFSN_BEACON } from "../../src/air/Backoff.ts"
import { ERP_TIMINGS } from "../../src/air/Timing.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "../model/support.ts"

/** 100 TU, µs. */
const BEACON_INTERVAL_US = 102_400

describe("an AP's beacon queue", () => {
  it.effect("a beacon waits for no retry of the AP's data: every one on the air within one exchange of its TBTT", () =>
    Effect.gen(function*() {
      // A saturated download on a channel that loses 60% of frames: the AP's data EDCAF retries
      // with CW up to 1023 slots (each frame up to seven attempts, some 60 ms in all).
      const c = collector()
      const run = yield* runChecked(yield* scenarioOf({
        durationSeconds: 6,
        card: { channel: 6 },
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 6, tbttOffsetUs: 0 }],
        vms: [{ name: "rx", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx", offeredMbps: "saturate" }] }],
        faults: [{ kind: "channel-loss", atSeconds: 1, channel: 6, lossPercent: 60, forSeconds: 5 }]
      }), { seed: 3, pcap: c.sink })
      assert.isAbove(run.report.air.retries, 1000, "the AP's data is retried throughout")
      const delaysUs: Array<number> = []
      for (const r of readPcap(c.bytes()).records) {
        const h = readDot11(r.data, readRadiotap(r.data).lengthBytes)
        if (h.type !== Dot11.MANAGEMENT || h.subtype !== Dot11.BEACON) continue
        const us = r.timeNs / 1000
        if (us < 1_000_000) continue
        const tbttUs = Math.floor(us / BEACON_INTERVAL_US) * BEACON_INTERVAL_US
        delaysUs.push(us - tbttUs)
      }
      assert.isAbove(delaysUs.length, 45)
      // Its wait at worst: the exchange on the air at the TBTT and PIFS. The longest exchange: an MPDU
      // under 1,600 bytes at 6 Mbit/s (24 data bits a 4 µs symbol, 16 service and 6 tail bits, a 20 µs
      // preamble and SIGNAL: 802.11-2016 17.3.2.5, 17.4.4), SIFS (10 µs) and a 14-byte Ack, 2.2 ms.
      // (Behind retries it was up to the AP's CW of 1023 slots, 9.2 ms, and more.)
      const pifsUs = aifsNs(ERP_TIMINGS, AIFSN_BEACON) / 1000
      const ofdmUs = (bytes: number) => 20 + Math.ceil((16 + 8 * bytes + 6) / 24) * 4
      const exchangeAt6Us = ofdmUs(1600) + 10 + ofdmUs(14)
      assert.isBelow(Math.max(...delaysUs), exchangeAt6Us + pifsUs + 1, `beacon delays ${delaysUs.map((d) => d.toFixed(0)).join(" ")}`)
    }), { timeout: 60_000 })
})
