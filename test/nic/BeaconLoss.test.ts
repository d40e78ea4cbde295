/**
 * Beacon loss as Linux 2.6.33's mac80211 finds it, read off the air: 2 s without a beacon of its AP
 * (IEEE80211_BEACON_LOSS_TIME), then a probe request to the AP, again every 500 ms unanswered
 * (IEEE80211_PROBE_WAIT), 5 in all (IEEE80211_MAX_PROBE_TRIES); then the AP is taken for gone and the
 * VM scans. The figures are net/mac80211/mlme.c's, written here, not read from the model.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { captured, Dot11 } from "../pcap/support.ts"

const LOSS_TIME_NS = 2e9
const PROBE_WAIT_NS = 0.5e9
const PROBE_TRIES = 5
/** The card checks for beacon loss every 250 ms: the first probe goes at most that late. */
const CHECK_PERIOD_NS = 0.25e9
const AP = 0x020000000100
const BROADCAST = 0xffffffffffff

/** Each record of a run's capture: its time and MAC header. */
const airOf = (input: unknown, seconds: number) =>
  Effect.map(captured(input, seconds), ({ file }) =>
    file.records.map((r) => ({ timeNs: r.timeNs, h: readDot11(r.data, readRadiotap(r.data).lengthBytes) })))

describe("beacon loss (mac80211, Linux 2.6.33)", () => {
  it.effect("an AP that falls silent: 2 s, then 5 probes 500 ms apart, then a scan", () =>
    Effect.gen(function*() {
      const outageAtNs = 3e9
      const air = yield* airOf({
        durationSeconds: 12,
        vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [] }],
        // The AP's channel goes dead: nothing the AP sends arrives, nor anything sent to it.
        faults: [{ kind: "channel-loss", atSeconds: outageAtNs / 1e9, channel: 6, forSeconds: 20 }]
      }, 11)
      // The last beacon heard: the AP's last before the outage (the capture shows those after it too, lost).
      const lastBeacon = air.filter((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.BEACON && r.h.addr2 === AP && r.timeNs < outageAtNs).at(-1)!
      assert.isAbove(lastBeacon.timeNs, outageAtNs - 0.11e9, "beacons every 102.4 ms until the outage")
      // The VM's probes of its AP (first transmissions; each is retried, unanswered, on the air).
      const probes = air.filter((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.PROBE_REQUEST && r.h.addr1 === AP && (r.h.flags & Dot11.RETRY) === 0)
      assert.strictEqual(probes.length, PROBE_TRIES)
      const first = probes[0]!.timeNs - lastBeacon.timeNs
      assert.isAtLeast(first, LOSS_TIME_NS)
      assert.isAtMost(first, LOSS_TIME_NS + CHECK_PERIOD_NS + 1e6)
      for (let i = 1; i < probes.length; i++) assert.closeTo(probes[i]!.timeNs - probes[i - 1]!.timeNs, PROBE_WAIT_NS, 1e6, `probe ${i + 1}`)
      // Unanswered, the last wait ends the association: the VM scans (broadcast probes), and probes its AP no more.
      const gone = probes.at(-1)!.timeNs + PROBE_WAIT_NS
      const scans = air.filter((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.PROBE_REQUEST && r.h.addr1 === BROADCAST && r.timeNs > outageAtNs)
      assert.isAbove(scans.length, 0)
      assert.closeTo(scans[0]!.timeNs, gone, 5e6, "the scan starts when the last wait ends")
    }))

  it.effect("an AP that answers the probe keeps its station: beacons lost for a while do not end the association", () =>
    Effect.gen(function*() {
      // The AP is not heard for 2.6 s: 2 s after its last beacon (about 5.0 s) the VM starts probing,
      // the outage ends at 5.6 s, and the next beacon or the AP's answer to a probe ends the probing
      // long before the fifth: the VM stays.
      const air = yield* airOf({
        durationSeconds: 8,
        vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [] }],
        faults: [{ kind: "channel-loss", atSeconds: 3, channel: 6, forSeconds: 2.6 }]
      }, 7)
      const probes = air.filter((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.PROBE_REQUEST && r.h.addr1 === AP && (r.h.flags & Dot11.RETRY) === 0)
      assert.isAtLeast(probes.length, 1)
      assert.isAtMost(probes.length, 2)
      const scans = air.filter((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.PROBE_REQUEST && r.h.addr1 === BROADCAST && r.timeNs > 3e9)
      assert.lengthOf(scans, 0, "no scan: the association held")
    }))
})
