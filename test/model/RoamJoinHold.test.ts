/**
 * A roam's join has the radio at once: once the deauthentication to the old AP is done, the card goes
 * to the new AP's channel and stays there until the association is complete (and, when the driver
 * knew no beacon of the new AP, until its first beacon), as mac80211 asks the driver for airtime
 * before it authenticates and associates (`drv_mgd_prepare_tx`, net/mac80211/mlme.c) and iwlmvm
 * protects the session (`iwl_mvm_protect_assoc`; JoinProtection.test.ts).
 * The old card put the new channel in its rotation: a VM roaming away from a channel another VM still
 * used waited out the rest of the radio's dwell there (102.4 ms) before it could authenticate.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { locationFloor } from "../../src/scenario/examples.ts"
import { collector, Dot11, macOf } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "./support.ts"

/**
 * The most a roam's join may take once the radio is free: its frames (authentication, association
 * and the 4-way handshake: 8 frames and their acknowledgements, each well under 1 ms at the 1 to
 * 54 Mbps rates) and the host's and guest's handling of each step (tens of µs each) are a few ms; a
 * tenth of the radio's dwell (102.4 ms, the wait the old card had) is a generous bound.
 */
const ROAM_BOUND_NS = 10_240_000
/** From the deauthentication's acknowledgement to the first authentication: null-data frames, one retune (80 µs), the Auth on the air. */
const AUTH_AFTER_DEAUTH_BOUND_NS = 2_000_000

describe("a roam's join holds the card's radio", () => {
  it.effect("location-floor, seed 1: the locator leaves the streamer's channel and authenticates at once", () =>
    Effect.gen(function*() {
      const c = collector()
      // 35 s: the locator's first roam (channel 1 to 6, the streamer staying on 1) and the streamer's to 6.
      const run = yield* runChecked(yield* scenarioOf({ ...locationFloor, durationSeconds: 35 }), { seed: 1, pcap: c.sink })
      const air = readPcap(c.bytes()).records.map((r) => {
        const rt = readRadiotap(r.data)
        return { timeNs: r.timeNs, h: readDot11(r.data, rt.lengthBytes) }
      })
      let roams = 0
      for (const vm of run.report.vms) {
        const joins = vm.associations
        for (let i = 1; i < joins.length; i++) {
          const a = joins[i]!
          if (a.via !== "roam") continue
          roams++
          const station = macOf(vm.mac!)
          const from = macOf(joins[i - 1]!.bssid)
          const to = macOf(a.bssid)
          const label = `${vm.name} at ${a.atSeconds.toFixed(3)} s`
          assert.isBelow(a.tookMs * 1e6, ROAM_BOUND_NS, `${label}: the roam's time`)
          // The acknowledgement of its last deauthentication to the old AP before the roam completed, then its first Auth to the new AP.
          const doneNs = a.atSeconds * 1e9
          let ackNs = -1
          for (let k = 0; k + 1 < air.length && air[k]!.timeNs <= doneNs; k++) {
            const r = air[k]!, next = air[k + 1]!
            if (r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.DEAUTH && r.h.addr2 === station && r.h.addr1 === from &&
              next.h.type === Dot11.CONTROL && next.h.subtype === Dot11.ACK && next.h.addr1 === station) ackNs = next.timeNs
          }
          assert.isAtLeast(ackNs, 0, `${label}: the old AP acknowledged the deauthentication`)
          const auth = air.find((r) => r.timeNs > ackNs && r.h.type === Dot11.MANAGEMENT && r.h.subtype === Dot11.AUTH && r.h.addr2 === station && r.h.addr1 === to)
          assert.isDefined(auth, `${label}: an authentication to the new AP`)
          assert.isBelow(auth!.timeNs - ackNs, AUTH_AFTER_DEAUTH_BOUND_NS, `${label}: from the deauthentication's ack to the authentication`)
        }
      }
      assert.strictEqual(roams, 2, "the locator's roam and the streamer's")
      for (const [k, n] of Object.entries(run.report.invariants)) assert.strictEqual(n, 0, k)
    }))
})
