/**
 * A deauthentication says why on the air (its reason code, 802.11-2016 9.4.1.7): a station that leaves
 * and an AP that shuts down give 3, "sending STA is leaving", as wpa_supplicant
 * (`wpa_supplicant_deauthenticate(…, WLAN_REASON_DEAUTH_LEAVING)`) and hostapd
 * (`hostapd_bss_deinit_no_free`) do. Both went out with 1, "unspecified" (found by the outputs audit).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { runChecked, scenarioOf } from "../model/support.ts"
import { collector, Dot11 } from "./support.ts"

const AP = 0x020000000100
const VM0 = 0x020000000200
const VM1 = 0x020000000201

describe("deauthentication reason codes", () => {
  it.effect("3 from a VM that shuts down and from an AP that powers off", () =>
    Effect.gen(function*() {
      const c = collector()
      yield* runChecked(yield* scenarioOf({
        durationSeconds: 4,
        card: { vmacs: 2 },
        vms: [
          { name: "vm0", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 100 }] },
          { name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 100 }] }
        ],
        faults: [{ kind: "vm-stop", atSeconds: 1, vm: "vm0" }, { kind: "ap-down", atSeconds: 2, ap: "lab", forSeconds: 1 }]
      }), { seed: 1, pcap: c.sink })
      const deauths = readPcap(c.bytes()).records.flatMap((r) => {
        const h = readDot11(r.data, readRadiotap(r.data).lengthBytes)
        if (h.type !== Dot11.MANAGEMENT || h.subtype !== Dot11.DEAUTH || (h.flags & Dot11.RETRY) !== 0) return []
        return [{ from: h.addr2, to: h.addr1, reason: r.data[h.bodyOffset]! | (r.data[h.bodyOffset + 1]! << 8) }]
      })
      assert.deepInclude(deauths, { from: VM0, to: AP, reason: 3 }, "the VM's farewell")
      assert.deepInclude(deauths, { from: AP, to: VM1, reason: 3 }, "the AP's, powering off")
    }), { timeout: 60_000 })
})
