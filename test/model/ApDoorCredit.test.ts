/**
 * Frames an AP refuses at its door (its queue full, the station gone or its port closed, the AP off)
 * are reported back to the endpoint as done, as those the air delivered or dropped are. The endpoint
 * keeps a window per saturating flow, counted down by the AP's reports, and until 2026-12-06 kept at
 * most 64 TCP segments per station queued at the AP, counted the same way (a TCP sender's window now
 * bounds it alone); each refused frame went unreported, so the budget shrank for good. Found by `vwifi campaign --cases 200 --seed 12` once the
 * campaign drew setups (case 44, shrunk): four VMs on one AP, 802.11n HT20, legacy power save; vm2's
 * TCP upload keeps the AP's queue full of its ACKs, the AP refused segments of vm1's TCP download,
 * and from 14.09 s vm1's sender had no room left: its retransmission timer fired and sent nothing,
 * to the end of the run. Since 2026-12-05 an AP holds at most 64 frames for a dozing station
 * (`test/model/PsBufferLimit.test.ts`), and the backlog that filled this case's AP queue was vm3's,
 * a legacy power-save VM polling its download: the queue no longer fills here, and the case stays
 * as the regression test of the stall it showed.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("an AP's refusals at its door", () => {
  it.effect("are reported to the endpoint: a TCP download goes on past a full AP queue (campaign seed 12's failing case)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 753492, mode: 0, vms: 4, aps: 1, traffic: ["ping", "tcp-rx", "tcp-tx", "udp-rx"],
        faults: [{ atTenths: 26, kind: 195, target: 0, size: 0 }],
        setup: { phy: 1, wmm: 0, rateControl: 0, powerSave: 1, security: 0, switches: 0, txScheduler: 1, radio: 0, ess: 0 }
      }, { apsInStep: true })
      assert.deepStrictEqual(caseVerdict(report), [])
      const vm1 = report.vms.find((v) => v.name === "vm1")!
      assert.isAbove(vm1.lastDataAtSeconds!, scenario.durationSeconds - 0.5)
    }), { timeout: 60_000 })
})
