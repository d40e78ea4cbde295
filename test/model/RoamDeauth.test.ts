/**
 * A roaming VM's deauthentication, read off the air: it goes to the old AP on the old AP's channel
 * before the card moves to the new BSS, as mac80211 leaves a BSS (`ieee80211_set_disassoc`,
 * net/mac80211/mlme.c: the deauthentication is flushed out before the channel is released and the
 * authentication with the new BSS prepares its own), and the old AP, having heard it, sends the
 * station nothing more. Both fail on a card whose deauthentication goes out after it has retuned.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import type { Dot11Header } from "../../src/pcap/PcapReader.ts"
import { locationFloor, roamingWalk } from "../../src/scenario/examples.ts"
import { collector, Dot11, macOf } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "./support.ts"

/** A 2.4 GHz channel's centre frequency (802.11-2016 19.3.15.2: 2407 + 5·n MHz). */
const mhzOf = (channel: number): number => 2407 + 5 * channel

interface Roam {
  readonly station: number
  readonly from: number
  readonly to: number
}

/** One record of the capture: its time, channel and MAC header. */
interface OnAir {
  readonly timeNs: number
  readonly mhz: number | undefined
  readonly h: Dot11Header
}

/** What a captured run shows of its roams. */
interface RoamRun {
  readonly air: ReadonlyArray<OnAir>
  readonly roams: ReadonlyArray<Roam>
  readonly channelOf: ReadonlyMap<number, number>
}

/** Runs `input` at `seed` with a capture: the report, each record's time, channel and MAC header, the roams made. */
const roamsOnAir = (input: { readonly aps: ReadonlyArray<{ readonly bssid: string; readonly channel: number }> }, seed: number) =>
  Effect.gen(function*() {
    const c = collector()
    const run = yield* runChecked(yield* scenarioOf(input), { seed, pcap: c.sink })
    const air: Array<OnAir> = readPcap(c.bytes()).records.map((r) => {
      const rt = readRadiotap(r.data)
      return { timeNs: r.timeNs, mhz: rt.channelMhz, h: readDot11(r.data, rt.lengthBytes) }
    })
    const roams: Array<Roam> = []
    for (const vm of run.report.vms) {
      const joins = vm.associations
      for (let i = 1; i < joins.length; i++) if (joins[i]!.via === "roam") roams.push({ station: macOf(vm.mac!), from: macOf(joins[i - 1]!.bssid), to: macOf(joins[i]!.bssid) })
    }
    const channelOf = new Map(input.aps.map((a) => [macOf(a.bssid), a.channel]))
    return { report: run.report, air, roams, channelOf }
  })

/**
 * For every roam: the station's deauthentications to the AP it left (first transmissions), each on
 * that AP's channel and acknowledged there; after the acknowledgement, until the station next
 * authenticates with that AP, the AP sends it no data.
 */
const assertDeauthHeard = (run: RoamRun): void => {
  const { air, roams, channelOf } = run
  assert.isAbove(roams.length, 0, "the run has roams")
  const seen = new Set<number>()
  for (const roam of roams) {
    const label = `${roam.station.toString(16)}: ${roam.from.toString(16)} -> ${roam.to.toString(16)}`
    const oldMhz = mhzOf(channelOf.get(roam.from)!)
    // The deauthentications to the old AP not yet matched to an earlier roam (a VM may leave the same AP twice).
    const at = air.findIndex((r, i) =>
      !seen.has(i) && r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.DEAUTH && (r.h.flags & Dot11.RETRY) === 0 && r.h.addr2 === roam.station && r.h.addr1 === roam.from)
    assert.isAtLeast(at, 0, `${label}: a deauthentication to the old AP`)
    seen.add(at)
    // Its attempts (first and retries) all go on the old AP's channel; one is acknowledged there.
    let acked = -1
    for (let i = at; i < air.length && acked < 0; i++) {
      const r = air[i]!
      if (r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.DEAUTH && r.h.addr2 === roam.station && r.h.addr1 === roam.from) {
        if ((r.h.flags & Dot11.RETRY) === 0 && i !== at) break // a later deauthentication: this one was never acknowledged
        assert.strictEqual(r.mhz, oldMhz, `${label}: the deauthentication goes on the old AP's channel`)
        const next = air[i + 1]
        if (next !== undefined && next.h.type === Dot11.CONTROL && next.h.subtype === Dot11.ACK && next.h.addr1 === roam.station && next.mhz === oldMhz) acked = i + 1
      }
    }
    assert.isAtLeast(acked, 0, `${label}: the old AP acknowledges the deauthentication`)
    let after = 0
    for (let i = acked + 1; i < air.length; i++) {
      const r = air[i]!
      if (r.h.type === Dot11.MANAGEMENT && r.h.addr2 === roam.station && r.h.addr1 === roam.from) break // back with that AP
      if (r.h.type === Dot11.DATA && r.h.addr2 === roam.from && r.h.addr1 === roam.station) after++
    }
    assert.strictEqual(after, 0, `${label}: data the old AP sent the station after it heard the deauthentication`)
  }
}

describe("a roaming station's deauthentication", () => {
  it.effect("roaming-walk, seed 1: each VM's deauthentication goes on its old AP's channel and ends that AP's downlink", () =>
    Effect.gen(function*() {
      // VM b leaves channel 6 for channel 11 while VM a holds the radio on channels 1 and 11: the old
      // card sent b's deauthentication on channel 11 after retuning, and the AP on 6 sent b some 2,800
      // data frames (attempts) over the next 4.7 s, until its own kick-out.
      const run = yield* roamsOnAir(roamingWalk, 1)
      assert.strictEqual(run.roams.length, 2)
      assertDeauthHeard(run)
      for (const [k, n] of Object.entries(run.report.invariants)) assert.strictEqual(n, 0, k)
    }))

  it.effect("location-floor, seed 7: an old AP on the new AP's channel hears the deauthentication and sends the station nothing more", () =>
    Effect.gen(function*() {
      // The streamer leaves the AP at (40, 0) for the one at (40, 30), both on channel 1: that AP heard
      // the deauthentication and forgot the station but still sent what it had queued for it, which
      // the card acknowledged and then filtered out (34 frames, rx-filter).
      const run = yield* roamsOnAir(locationFloor, 7)
      assertDeauthHeard(run)
      for (const [k, n] of Object.entries(run.report.invariants)) assert.strictEqual(n, 0, k)
    }))
})
