/**
 * An AP's farewell to a station that dozes (`AccessPoint.farewell`): a Deauthentication is a
 * bufferable management frame (802.11-2016 11.2.3.1), held like data while the station sleeps, its
 * AID in the TIM until the station fetches it; hostapd removes the station from the driver on the
 * frame's TX status or 2 s after it (`ap_sta_deauth_cb_timeout`), and its queues go with it.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { FAREWELL_TIMEOUT_NS } from "../../src/ap/PsBuffer.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "./support.ts"

const AP = 0x020000000100

/** One AP on channel 6 at a fixed phase, one VM dozing in legacy power save with nothing to move; `faults` on top. */
const dozing = (faults: ReadonlyArray<unknown>) => ({
  durationSeconds: 12,
  card: { channel: 6 },
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 6, tbttOffsetUs: 0 }],
  vms: [{ name: "idle", ssid: "lab", passphrase: "vwifi-lab-key", powerSave: { mode: "legacy", listenInterval: 1 } }],
  faults
})

/** The run with a capture: its report and the air's frames, each with its time. */
const capturedRun = (input: unknown) =>
  Effect.gen(function*() {
    const c = collector()
    const run = yield* runChecked(yield* scenarioOf(input), { seed: 1, pcap: c.sink })
    const air = readPcap(c.bytes()).records.map((r) => ({ timeNs: r.timeNs, h: readDot11(r.data, readRadiotap(r.data).lengthBytes) }))
    return { report: run.report, air }
  })

const isMgmt = (h: { type: number; subtype: number }, subtype: number) => h.type === Dot11.MANAGEMENT && h.subtype === subtype

describe("an AP's farewell to a dozing station", () => {
  it.effect("is held, its TIM bit set, fetched by PS-Poll and acknowledged at once; the VM joins again", () =>
    Effect.gen(function*() {
      const { report, air } = yield* capturedRun(dozing([{ kind: "ap-deauth", atSeconds: 3, ap: "lab", vm: "idle" }]))
      const deauths = air.flatMap((r, i) => isMgmt(r.h, Dot11.DEAUTH) && r.h.addr2 === AP ? [i] : [])
      assert.strictEqual(deauths.length, 1, "one transmission (a radio asleep would have had seven)")
      const i = deauths[0]!
      const sta = air[i]!.h.addr1
      // Between the fault and it: the VM's PS-Poll (control subtype 10), answered by its ACK; after it, the deauth's ACK.
      const between = air.slice(0, i).filter((r) => r.timeNs > 3e9)
      assert.isTrue(between.some((r) => r.h.type === Dot11.CONTROL && r.h.subtype === 10 && r.h.addr2 === sta), "fetched by a PS-Poll")
      assert.deepStrictEqual([air[i + 1]!.h.subtype, air[i + 1]!.h.addr1], [Dot11.ACK, AP])
      // Within a beacon interval and a bit of the fault (its TIM bit at the next TBTT).
      assert.isBelow(air[i]!.timeNs, 3e9 + 0.2e9)
      assert.strictEqual(report.vms[0]!.reconnects, 1)
      assert.strictEqual(report.vms[0]!.state, "connected")
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
    }), { timeout: 60_000 })

  it.effect("a station that never fetches it: gone after the 2 s, the frame purged unsent; the VM finds out by beacon loss", () =>
    Effect.gen(function*() {
      // An outage from just before the deauthentication: the VM's PS-Polls never reach the AP.
      const { report, air } = yield* capturedRun(dozing([
        { kind: "channel-loss", atSeconds: 2.95, channel: 6, forSeconds: 3 },
        { kind: "ap-deauth", atSeconds: 3, ap: "lab", vm: "idle" }
      ]))
      // Held through the outage, never sent (a deauthentication after it answers a frame from a stranger).
      assert.isFalse(air.some((r) => isMgmt(r.h, Dot11.DEAUTH) && r.h.addr2 === AP && r.timeNs < 5.95e9), "never sent to a radio asleep")
      assert.isAtLeast(report.frames.droppedByReason["ap-station-gone"] ?? 0, 1, "purged when the station went")
      // The 2 s are over before the outage is: what the VM sends after it finds a stranger, and it joins again.
      assert.isBelow(3e9 + FAREWELL_TIMEOUT_NS, 5.95e9)
      assert.strictEqual(report.vms[0]!.reconnects, 1)
      assert.strictEqual(report.vms[0]!.state, "connected")
      assert.strictEqual(report.invariants.unaccountedFrames, 0)
    }), { timeout: 60_000 })
})
