/**
 * An AP holds at most 64 frames of an access category for a dozing station and lets the oldest go
 * for a newer one (`ps-buffer-full`), as mac80211 does (STA_MAX_TX_BUFFER, enforced in
 * `ieee80211_tx_h_unicast_ps_buf`). Found by the campaigns (seed 180, case 89): a legacy power-save
 * VM that polled its 1 Mbit/s download more slowly than it came let its backlog grow to the AP's
 * whole queue (504 of its 512 frames), every other station's frames were refused at the AP's door
 * (`ap-queue-full`), and a TCP download's retransmissions with them, its sender backing off until
 * the run's end: no data for that VM over the last 2.1 s. Seed 88's case 43 was another of the kind.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import type { RunReport } from "../../src/report/RunReport.ts"
import type { Scenario } from "../../src/scenario/Scenario.ts"
import { runChecked, runFaultCase, scenarioOf } from "./support.ts"

const VM0_MAC = 0x020000000200
const AP_A = 0x020000000100
/** PM bit in the frame control's flags (802.11-2016 9.2.4.1.7). */
const PM_FLAG = 0x10
/** mac80211's STA_MAX_TX_BUFFER (net/mac80211/sta_info.h). */
const BUFFER_FRAMES = 64

describe("an AP's power-save buffer", () => {
  it.effect("holds 64 frames for a station away on another channel; the ones beyond push out the oldest", () =>
    Effect.gen(function*() {
      // One card, two APs on channels 6 and 1: the radio spends a dwell on each in turn, and while it
      // is on channel 1 AP a holds vm0's 10 Mbit/s download.
      const offeredMbps = 10
      const payloadBytes = 1470
      const c = collector()
      const run = yield* runChecked(yield* scenarioOf({
        durationSeconds: 6,
        card: { channel: 6 },
        aps: [
          { ssid: "a", bssid: "02:00:00:00:01:00", channel: 6, signalDbm: -50, security: { kind: "open" } },
          { ssid: "b", bssid: "02:00:00:00:01:01", channel: 1, signalDbm: -50, security: { kind: "open" } }
        ],
        vms: [
          { name: "vm0", ssid: "a", traffic: [{ kind: "udp-rx", offeredMbps, payloadBytes }] },
          { name: "vm1", ssid: "b", traffic: [{ kind: "ping", intervalMs: 100 }] }
        ]
      }), { seed: 1, pcap: c.sink })
      // Each time away: from vm0's null with PM=1 to its null with PM=0, as the air saw them.
      let since: number | undefined
      let expected = 0
      let periods = 0
      const framesPerNs = offeredMbps * 1e6 / (payloadBytes * 8) / 1e9
      for (const r of readPcap(c.bytes()).records) {
        const h = readDot11(r.data, readRadiotap(r.data).lengthBytes)
        if (h.type !== Dot11.DATA || h.subtype !== Dot11.NULL || h.addr2 !== VM0_MAC || h.addr1 !== AP_A || (h.flags & Dot11.RETRY) !== 0) continue
        if ((h.flags & PM_FLAG) !== 0) since = r.timeNs
        else if (since !== undefined) {
          // What came meanwhile, less what the buffer keeps.
          expected += Math.max(0, (r.timeNs - since) * framesPerNs - BUFFER_FRAMES)
          periods++
          since = undefined
        }
      }
      assert.isAbove(periods, 20)
      const pushedOut = run.report.frames.droppedByReason["ps-buffer-full"] ?? 0
      // Within a frame a period: frames on the wire when the station leaves or comes back.
      assert.approximately(pushedOut, expected, periods, `${pushedOut} pushed out, ${expected.toFixed(0)} expected over ${periods} periods`)
      assert.strictEqual(run.report.frames.droppedByReason["ap-queue-full"] ?? 0, 0)
    }), { timeout: 60_000 })

  it.effect("the campaign's case: a slow poller's backlog no longer fills the AP's queue and stalls another VM's download (seed 180, case 89)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 71234, mode: 0, vms: 4, aps: 1, traffic: ["udp-rx", "tcp-rx", "ping", "tcp-tx"],
        faults: [{ atTenths: 60, kind: 749, target: 329, size: 220 }, { atTenths: 9, kind: 690, target: 738, size: 776 }],
        setup: { phy: 1, wmm: 0, rateControl: 3, powerSave: 1, security: 1, switches: 4, txScheduler: 1, radio: 0, ess: 0, beacons: 0 }
      })
      assert.deepStrictEqual(caseVerdict(report), [])
      // Every VM with a flow still receives or sends at the end. (The AP's queue may fill now: since
      // 2026-12-06 a TCP download's window grows until the queue drops its segments, as a real
      // sender's does; before, the endpoint kept 64 segments at the AP and the queue never filled.)
      assertDataToTheEnd(scenario, report)
      // Until the AP's stations took turns at its aggregates (2026-12-05), the poller's PS buffer
      // overflowed here too ("ps-buffer-full"); the buffer's limit is checked by the test above.
    }), { timeout: 60_000 })

  it.effect("another: a TCP upload's ACKs refused behind a poller's backlog in an ESS (seed 88, case 43, shrunk)", () =>
    Effect.gen(function*() {
      // Before: 592 frames refused at the full AP, vm1's upload silent from 18.35 s to the end at 23 s.
      const { scenario, report } = yield* runFaultCase({
        seed: 427926, mode: 0, vms: 3, aps: 4, traffic: ["tcp-rx", "tcp-tx", "udp-rx", "ping"],
        faults: [{ atTenths: 53, kind: 171, target: 0, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 0, powerSave: 1, security: 0, switches: 4, txScheduler: 0, radio: 3, ess: 1, beacons: 1 }
      })
      assert.deepStrictEqual(caseVerdict(report), [])
      assertDataToTheEnd(scenario, report)
    }), { timeout: 60_000 })
})

/** Each VM with a TCP or UDP flow had data within its run's last second. */
const assertDataToTheEnd = (scenario: Scenario, report: RunReport): void => {
  for (const [i, vm] of scenario.vms.entries()) {
    if (!vm.traffic.some((t) => t.kind.startsWith("tcp") || t.kind.startsWith("udp"))) continue
    assert.isAbove(report.vms[i]!.lastDataAtSeconds ?? 0, scenario.durationSeconds - 1, vm.name)
  }
}
