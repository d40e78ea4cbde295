/**
 * A dozing VM's connection monitor probes its AP awake: the null-data frame goes with PM=0, and the
 * vMAC stays awake for the AP's answer, as mac80211 allows no power save while it polls its AP
 * (IEEE80211_STA_CONNECTION_POLL) and sends the null with PM=0. Found by the campaigns (seed 63,
 * case 61): a U-APSD VM receiving a TCP download missed its AP's farewell when the AP went down, and
 * after the AP came back, with no station entry for it, each of its probes went out as a U-APSD
 * trigger (PM=1) once the card's turn on the other channels was over and the service period's wait
 * had ended, the card left the channel at once, and the AP's deauthentication met no one: the VM
 * heard beacons, sent a probe every 5 s, and moved no data for the last 19 s of the run.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import { runChecked, runFaultCase, scenarioOf } from "./support.ts"

const VM0_MAC = 0x020000000200
const AP0 = 0x020000000100
/** PM bit in the frame control's flags (802.11-2016 9.2.4.1.7). */
const PM_FLAG = 0x10

describe("a dozing VM's connection monitor", () => {
  it.effect("probes with PM=0 and hears the AP that forgot it: the VM joins again and its download moves", () =>
    Effect.gen(function*() {
      // A card on channels 6 and 1 (two VMs, two APs); vm0 in U-APSD receives a light download from the
      // AP on 6, which crashes at 4 s and reboots at once, forgetting its stations (no farewell).
      const c = collector()
      const run = yield* runChecked(yield* scenarioOf({
        durationSeconds: 16,
        card: { channel: 6 },
        aps: [
          { ssid: "a", bssid: "02:00:00:00:01:00", channel: 6, signalDbm: -50, security: { kind: "open" } },
          { ssid: "b", bssid: "02:00:00:00:01:01", channel: 1, signalDbm: -50, security: { kind: "open" } }
        ],
        vms: [
          { name: "vm0", ssid: "a", traffic: [{ kind: "udp-rx", offeredMbps: 0.05 }], powerSave: { mode: "uapsd" } },
          { name: "vm1", ssid: "b", traffic: [{ kind: "udp-tx", offeredMbps: 2 }] }
        ],
        faults: [{ kind: "crash-ap", atSeconds: 4, ap: "a" }]
      }), { seed: 1, pcap: c.sink })
      const air = readPcap(c.bytes()).records.map((r) => ({ timeNs: r.timeNs, h: readDot11(r.data, readRadiotap(r.data).lengthBytes) }))
      // The connection monitor's probes: null-data frames from vm0 to its AP after the crash.
      const probes = air.filter(({ timeNs, h }) =>
        timeNs > 4e9 && h.type === Dot11.DATA && h.addr2 === VM0_MAC && h.addr1 === AP0 && (h.subtype === Dot11.NULL || h.subtype === Dot11.QOS_NULL) &&
        (h.flags & Dot11.RETRY) === 0)
      const rejoins = run.report.vms[0]!.associations.filter((a) => a.atSeconds > 4)
      assert.isAbove(rejoins.length, 0, "vm0 joins again after its AP forgot it")
      const probe = probes.find((p) => p.timeNs < rejoins[0]!.atSeconds * 1e9)
      assert.isDefined(probe, "a probe told it")
      assert.strictEqual(probe!.h.flags & PM_FLAG, 0, "the probe goes with PM=0")
      // Idle for the monitor's 5 s, then the probe, the AP's deauthentication, and a join of about 0.1 s.
      assert.isBelow(rejoins[0]!.atSeconds, 4 + 5 + 1.5)
      assert.isAbove(run.report.vms[0]!.lastDataAtSeconds!, 15, "its download moves to the end")
    }))

  it.effect("the campaign's case: the VM whose AP came back without it joins again at its first probe (seed 63, case 61, shrunk)", () =>
    Effect.gen(function*() {
      // Three VMs on channels 6, 1 and 11, 802.11n, U-APSD; vm0 receives a TCP download from the AP on
      // 6, whose guest driver crashes at 6.8 s; the host driver crashes at 7 s; the AP is down from 8 s
      // to 11.1 s.
      const { report } = yield* runFaultCase({
        seed: 416874, mode: 0, vms: 3, aps: 4, traffic: ["tcp-rx", "tcp-tx", "tcp-tx", "ping"],
        faults: [{ atTenths: 68, kind: 149, target: 0, size: 0 }, { atTenths: 80, kind: 449, target: 0, size: 578 },
          { atTenths: 65, kind: 695, target: 612, size: 621 }, { atTenths: 5, kind: 976, target: 0, size: 0 }, { atTenths: 70, kind: 51, target: 0, size: 0 }],
        setup: { phy: 2, wmm: 0, rateControl: 3, powerSave: 2, security: 1, switches: 5, txScheduler: 0, radio: 0, ess: 0, beacons: 0 }
      })
      assert.deepStrictEqual(caseVerdict(report), [])
      const rejoins = report.vms[0]!.associations.filter((a) => a.atSeconds > 11.1)
      assert.isAbove(rejoins.length, 0)
      assert.isBelow(rejoins[0]!.atSeconds, 11.1 + 5 + 1, "at the connection monitor's first probe after the AP is back")
    }))
})
