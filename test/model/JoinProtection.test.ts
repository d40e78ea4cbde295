/**
 * How long a join holds the card's one radio (`ChannelPlan.joining`), read off the capture of the
 * air. mac80211 tells the driver the association and, when it holds the AP's beacon already (from
 * the scan: `have_beacon`), the beacon's information in the same call; iwlmvm ends the session
 * protection on that information. Without a beacon it protects the association until the first
 * beacon heard. The 4-way handshake is not protected as such. Until 2026-12-04 the model held the
 * radio until the handshake's key was installed, whatever the driver knew.
 *
 * The topology is fault-schedule's: two VMs of one AP on channel 6, a third VM's AP on channel 1.
 * Which beacons the scan heard is read off the capture too, not asked of the model.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import type { Dot11Header } from "../../src/pcap/PcapReader.ts"
import { faultSchedule } from "../../src/scenario/examples.ts"
import { collector, Dot11, macOf } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "./support.ts"

const OFFICE = macOf("02:00:00:00:01:00") // channel 6
const LAB = macOf("02:00:00:00:01:01") // channel 1
const CHANNEL_1_MHZ = 2412
const CHANNEL_6_MHZ = 2437
/** An association response (802.11-2016 Table 9-1: management, subtype 1). */
const ASSOC_RESPONSE = 1
/** A scan's probe request comes from the card's scanning address, not a VM's. */
const SCANNER = macOf("02:00:00:00:03:00")
/** Beacon interval of the APs (100 TU, the scenario's default), ns. */
const BEACON_INTERVAL_NS = 102_400_000

/** The APs' phases (µs) when the test was written: where their beacons fall against the scan's dwells (checked on the air below). */
const TBTT_OFFSETS_US: Record<string, number> = { "02:00:00:00:01:00": 381, "02:00:00:00:01:01": 392 }

/**
 * fault-schedule's topology without its faults. The radio's dwell on each channel is 20 ms, shorter
 * than the beacon interval: a join held until a beacon outlasts the channel's own dwell.
 */
const topology = (scanDwellMs: number) => ({
  ...faultSchedule,
  aps: faultSchedule.aps.map((ap) => ({ ...ap, tbttOffsetUs: TBTT_OFFSETS_US[ap.bssid] })),
  durationSeconds: 2,
  card: { ...faultSchedule.card, channelDwellMs: 20 },
  driver: { scanDwellMs },
  faults: []
})

interface Heard {
  readonly timeNs: number
  readonly mhz: number
  readonly h: Dot11Header
}

const airOf = (bytes: Uint8Array): Array<Heard> =>
  readPcap(bytes).records.map((r) => {
    const rt = readRadiotap(r.data)
    return { timeNs: r.timeNs, mhz: rt.channelMhz ?? 0, h: readDot11(r.data, rt.lengthBytes) }
  })

const isBeacon = (r: Heard) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.BEACON
const isBeaconOf = (r: Heard, ap: number) => isBeacon(r) && r.h.addr2 === ap

/** The scan's dwell on each channel, from its probe requests: [first probe there, first probe on the next channel or its end). */
const scanWindows = (air: ReadonlyArray<Heard>): Array<{ mhz: number; fromNs: number; toNs: number }> => {
  const probes = air.filter((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.PROBE_REQUEST && r.h.addr2 === SCANNER)
  return probes.map((p, i) => ({ mhz: p.mhz, fromNs: p.timeNs, toNs: probes[i + 1]?.timeNs ?? p.timeNs }))
}

const run = (scanDwellMs: number) =>
  Effect.gen(function*() {
    const c = collector()
    const result = yield* runChecked(yield* scenarioOf(topology(scanDwellMs)), { seed: 1, pcap: c.sink })
    for (const [k, n] of Object.entries(result.report.invariants)) assert.strictEqual(n, 0, k)
    const macs = new Map(result.report.vms.map((v) => [v.name, macOf(v.mac!)]))
    return { air: airOf(c.bytes()), macs }
  })

/** A frame to or from one of the VMs' vMACs: the card's radio is on its channel. */
const byCard = (r: Heard, macs: ReadonlyMap<string, number>) => {
  for (const m of macs.values()) if (r.h.addr1 === m || r.h.addr2 === m) return true
  return false
}

describe("a join's session protection (iwlmvm, mac80211's have_beacon)", () => {
  it.effect("without a beacon known from the scan, the association holds the radio until the AP's first beacon", () =>
    Effect.gen(function*() {
      const { air, macs } = yield* run(33)
      // The scan's 33 ms dwells fall between the APs' beacons: the driver knows no beacon (seen on the air, not asked of the model).
      const windows = scanWindows(air)
      assert.isAtLeast(windows.length, 3)
      for (const w of windows) {
        assert.isUndefined(air.find((r) => r.mhz === w.mhz && r.timeNs >= w.fromNs && r.timeNs < w.toNs && isBeacon(r)))
      }
      const test = macs.get("test")!
      const assocAt = air.find((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === ASSOC_RESPONSE && r.h.addr1 === test)!.timeNs
      const beaconAt = air.find((r) => r.timeNs > assocAt && isBeaconOf(r, LAB))!.timeNs
      assert.isAbove(beaconAt - assocAt, 50_000_000, "the wait is long enough to tell")
      // Until that beacon, the card is on channel 1 only, past the channel's 20 ms dwell; the old model went back to
      // channel 6 when that dwell ended, test's key being installed by then.
      const elsewhere = air.filter((r) => r.timeNs > assocAt && r.timeNs < beaconAt && byCard(r, macs) && r.mhz !== CHANNEL_1_MHZ)
      assert.deepStrictEqual(elsewhere.map((r) => r.timeNs), [], "no frame of the card off channel 1 before lab's beacon")
      // Then the protection ends and the radio goes back to channel 6 at once (PM=1 nulls, a retune).
      const back = air.find((r) => r.timeNs > beaconAt && byCard(r, macs) && r.mhz === CHANNEL_6_MHZ)!
      assert.isBelow(back.timeNs - beaconAt, 5_000_000)
    }))

  it.effect("with the AP's beacon heard in the scan, the protection ends with the association, not at a beacon", () =>
    Effect.gen(function*() {
      // A dwell longer than the beacon interval: every scanned channel's AP beacons within it.
      const { air, macs } = yield* run(110)
      const windows = scanWindows(air)
      for (const [ap, mhz] of [[OFFICE, CHANNEL_6_MHZ], [LAB, CHANNEL_1_MHZ]] as const) {
        const w = windows.find((x) => x.mhz === mhz)!
        assert.isAtLeast(w.toNs - w.fromNs, BEACON_INTERVAL_NS)
        assert.isDefined(air.find((r) => isBeaconOf(r, ap) && r.timeNs >= w.fromNs && r.timeNs < w.toNs), "the AP's beacon falls in its dwell")
      }
      // work and build associate with office on channel 6, then test's join waits for the radio.
      const assocAt = (vm: string) => air.find((r) => r.h.type === Dot11.MANAGEMENT && r.h.subtype === ASSOC_RESPONSE && r.h.addr1 === macs.get(vm))!.timeNs
      const lastOnChannel6 = Math.max(assocAt("work"), assocAt("build"))
      const nextOfficeBeacon = air.find((r) => r.timeNs > lastOnChannel6 && isBeaconOf(r, OFFICE))!.timeNs
      assert.isAbove(nextOfficeBeacon - lastOnChannel6, 50_000_000, "the wait a beacon would have ended is long enough to tell")
      // The driver knew office's beacon: the protection ended with the associations, and the radio went on
      // to test's join on channel 1 within a few ms (their handshakes' frames already under way go out first).
      const firstOnChannel1 = air.find((r) => r.timeNs > lastOnChannel6 && byCard(r, macs) && r.mhz === CHANNEL_1_MHZ)!.timeNs
      assert.isBelow(firstOnChannel1 - lastOnChannel6, 5_000_000)
      assert.isBelow(assocAt("test") - lastOnChannel6, 10_000_000, "test's join went on at once")
    }))
})
