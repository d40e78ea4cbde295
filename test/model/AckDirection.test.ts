/**
 * An Ack (or BlockAck) goes back from the receiver at the receiver's transmit power: where the two
 * ends' powers differ, it is decoded at the reverse link's SNR, not the data frame's. Found by the
 * mobility audit: a card at 2 dBm answering an AP at 20 dBm lost no Ack, and the downlink ran at
 * 29 Mbit/s as with the card at 20 dBm.
 *
 * By hand (TGn channel model D, 802.11n TGn D: free space to the 10 m breakpoint, 35 dB a decade
 * beyond; channel 6, 2,437 MHz): the loss to 10 m is 20·log10(4π · 10 m · 2.437 GHz / c) = 60.2 dB,
 * to 71 m 60.2 + 35·log10(7.1) = 90.0 dB. From the AP at 20 dBm the card hears −70 dBm, 25 dB over
 * the −95 dBm floor: 54 Mbit/s gets through (its 802.11-2016 minimum sensitivity, Table 17-18, is
 * −65 dBm, about 20 dB of SNR over a 10 dB noise figure). From the card at 2 dBm the AP hears
 * −88 dBm, 7 dB: 10 dB under what 24 Mbit/s, the Ack's rate, needs (−74 dBm, about 17 dB). Most
 * Acks are lost and the AP retries; at equal powers none is. (The card's own few frames, its
 * subscription to the download, go by Minstrel, which finds a rate the AP hears at 7 dB.)
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runChecked, scenarioOf } from "./support.ts"

const downlink = (cardDbm: number) => ({
  durationSeconds: 3,
  environment: { shadowingWithinBreakpointDb: 0, shadowingBeyondBreakpointDb: 0 },
  card: { txPowerDbm: cardDbm, channel: 6, rateControl: "minstrel" },
  host: { position: { x: 71, y: 0 } },
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 6, txPowerDbm: 20, position: { x: 0, y: 0 }, security: { kind: "open" }, rateControl: "fixed" }],
  vms: [{ name: "vm1", ssid: "lab", traffic: [{ kind: "udp-rx", offeredMbps: "saturate" }] }]
})

describe("an Ack's link", () => {
  it.effect("is the reverse one: a weak card loses most of its Acks to a strong AP, and the downlink with them", () =>
    Effect.gen(function*() {
      const even = (yield* runChecked(yield* scenarioOf(downlink(20)), { seed: 1 })).report
      const weak = (yield* runChecked(yield* scenarioOf(downlink(2)), { seed: 1 })).report
      assert.strictEqual(even.air.answersLost, 0, "the AP's 54 Mbit/s frames and the card's Acks both get through at 25 dB")
      assert.isAbove(even.vms[0]!.downlinkMbps, 25)
      assert.isAbove(weak.air.answersLost, 0.5 * weak.air.exchanges, "most Acks lost at 7 dB")
      assert.isBelow(weak.vms[0]!.downlinkMbps, 0.25 * even.vms[0]!.downlinkMbps)
    }), { timeout: 60_000 })
})
