/**
 * A vMAC in power save dozes its dynamic timeout after its last data frame, sent or received, as
 * mac80211 does: it re-arms its dynamic_ps_timer on each unicast data frame it sends
 * (tx.c ieee80211_tx_h_dynamic_ps) and receives (rx.c ieee80211_rx_h_data). Measured on the air:
 * from the last data frame to or from the vMAC to its PM=1 null. Found by the fidelity audit: a
 * ping's echo reply, 0.3 ms after the ping, put the doze 121–124 ms after it, not 100 ms.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector, Dot11 } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "./support.ts"

const VMAC = 0x020000000200
/** Frame Control's Power Management flag (802.11-2016 9.2.4.1.7). */
const PWR_MGT = 0x10
const TIMEOUT_MS = 100
/** The null's own way to the air after its timer: AC_VO access and one PPDU, well under a millisecond here; 2 ms of room. */
const NULL_ACCESS_MS = 2

describe("power save: when a vMAC dozes", () => {
  it.effect("its dynamic timeout after its last data frame, the reply to its ping included", () =>
    Effect.gen(function*() {
      const c = collector()
      yield* runChecked(yield* scenarioOf({
        durationSeconds: 6,
        vms: [{ name: "chat", ssid: "lab", passphrase: "vwifi-lab-key", powerSave: { mode: "legacy", dynamicTimeoutMs: TIMEOUT_MS }, traffic: [{ kind: "ping", intervalMs: 1000 }] }]
      }), { seed: 1, pcap: c.sink })
      let lastDataNs = NaN
      const gapsMs: Array<number> = []
      for (const r of readPcap(c.bytes()).records) {
        const h = readDot11(r.data, readRadiotap(r.data).lengthBytes)
        if (h.type !== Dot11.DATA || (h.addr1 !== VMAC && h.addr2 !== VMAC)) continue
        const isNull = h.subtype === Dot11.NULL || h.subtype === Dot11.QOS_NULL
        if (!isNull) lastDataNs = r.timeNs
        else if (h.addr2 === VMAC && (h.flags & PWR_MGT) !== 0 && (h.flags & Dot11.RETRY) === 0 && lastDataNs > 0) gapsMs.push((r.timeNs - lastDataNs) / 1e6)
      }
      assert.isAtLeast(gapsMs.length, 4, "a doze after each of the pings")
      for (const gap of gapsMs) assert.isTrue(gap >= TIMEOUT_MS && gap <= TIMEOUT_MS + NULL_ACCESS_MS, `dozed ${gap.toFixed(3)} ms after its last data frame: ${gapsMs.map((g) => g.toFixed(1)).join(", ")}`)
    }), { timeout: 60_000 })
})
