/**
 * What a vMAC's ring holds for an AP goes when the association with it ends: on beacon loss or the
 * AP's word (`AssociationEnded`, `vmac-association-ended`), or for a join while still associated,
 * which leaves the old BSS first (`vmac-leaving`). Found by the campaigns (seed 115, case 151: an
 * ESS whose AP on channel 6 was down, some 250 frames for it sent on channel 1 to no receiver, each
 * through its whole retry chain, ahead of the new AP's, for the rest of the run; seeds 105 and 12: a
 * guest driver reloaded over its association; `docs/model.md`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import type { Dot11Header } from "../../src/pcap/PcapReader.ts"
import type { RunReport } from "../../src/report/RunReport.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "./support.ts"

const OLD_AP = 0x020000000100

/** The run with a capture: its report and the air's MAC headers, each with its time. */
const capturedRun = (input: unknown, seed = 1) =>
  Effect.gen(function*() {
    const c = collector()
    const run = yield* runChecked(yield* scenarioOf(input), { seed, pcap: c.sink })
    const air = readPcap(c.bytes()).records.map((r) => ({ timeNs: r.timeNs, h: readDot11(r.data, readRadiotap(r.data).lengthBytes) }))
    return { report: run.report, air }
  })

/** Asserts that every data frame a station sends goes to the BSS it last authenticated with. Returns the stations' moves. */
const dataOnlyToItsBss = (air: ReadonlyArray<{ readonly timeNs: number; readonly h: Dot11Header }>): Array<[number, number]> => {
  const joinedTo = new Map<number, number>()
  const moves: Array<[number, number]> = []
  for (const { timeNs, h } of air) {
    if (h.type === Dot11.MANAGEMENT && h.subtype === Dot11.AUTH && h.addr2 !== h.addr3 && (h.flags & Dot11.RETRY) === 0) {
      if (joinedTo.has(h.addr2!)) moves.push([joinedTo.get(h.addr2!)!, h.addr1])
      joinedTo.set(h.addr2!, h.addr1)
    }
    const to = h.addr2 === undefined ? undefined : joinedTo.get(h.addr2)
    if (h.type === Dot11.DATA && to !== undefined) assert.strictEqual(h.addr1, to, `data from ${h.addr2!.toString(16)} at ${timeNs / 1e9} s`)
  }
  return moves
}

/** The VM ends connected, its upload moving in the run's last 0.1 s, and every frame accounted for. */
const assertUploadRunsToEnd = (report: RunReport): void => {
  const vm = report.vms[0]!
  assert.strictEqual(vm.state, "connected")
  assert.isAbove(vm.lastDataAtSeconds!, report.simulatedSeconds - 0.1, "its upload runs to the end")
  assert.strictEqual(report.invariants.unaccountedFrames, 0)
}

describe("a vMAC's ring when its association ends", () => {
  it.effect("lost to beacon loss: what it held for the old AP is dropped, and after the join elsewhere nothing more goes to it", () =>
    Effect.gen(function*() {
      // An ESS on channels 6 and 1; the VM joins the stronger, on 6, and saturates its upload; channel 6
      // loses every frame from 2 s to the end (its AP's beacons too).
      const { report, air } = yield* capturedRun({
        durationSeconds: 12,
        card: { channel: 6 },
        aps: [
          { ssid: "ess", bssid: "02:00:00:00:01:00", channel: 6, signalDbm: -45 },
          { ssid: "ess", bssid: "02:00:00:00:01:01", channel: 1, signalDbm: -60 }
        ],
        vms: [{ name: "up", ssid: "ess", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: "saturate" }] }],
        faults: [{ kind: "channel-loss", atSeconds: 2, channel: 6, lossPercent: 100, forSeconds: 10 }]
      })
      assert.deepStrictEqual(dataOnlyToItsBss(air), [[OLD_AP, 0x020000000101]], "one move, to the AP on channel 1")
      assert.isAbove(report.frames.droppedByReason["vmac-association-ended"] ?? 0, 0, "the ring's frames for the old AP dropped at beacon loss")
      assertUploadRunsToEnd(report)
    }), { timeout: 60_000 })

  it.effect("a join while associated (a guest driver reloaded): the vMAC says farewell to its AP first, and the ring's frames for it go", () =>
    Effect.gen(function*() {
      const { report, air } = yield* capturedRun({
        durationSeconds: 8,
        card: { channel: 6 },
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", channel: 6 }],
        vms: [{ name: "up", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: "saturate" }] }],
        faults: [{ kind: "crash-guest-driver", atSeconds: 3, vm: "up" }]
      })
      const after = air.filter((r) => r.timeNs > 3e9 && r.h.type === Dot11.MANAGEMENT && r.h.addr1 === OLD_AP)
      const firstAuth = after.findIndex((r) => r.h.subtype === Dot11.AUTH)
      assert.isAtLeast(firstAuth, 0, "the reloaded driver joins again")
      assert.isTrue(after.slice(0, firstAuth).some((r) => r.h.subtype === Dot11.DEAUTH), "after a deauthentication of the old association")
      assert.isAbove(report.frames.droppedByReason["vmac-leaving"] ?? 0, 0, "the ring's frames of the old association dropped")
      assertUploadRunsToEnd(report)
    }), { timeout: 60_000 })
})
