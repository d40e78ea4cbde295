/**
 * A TCP sender takes an RTT sample from every ACK of new data, a retransmission's included, by the
 * timestamps option (RFC 7323 4.1), and the sample ends the timer's backoff (Linux's
 * tcp_ack_saw_tstamp). Found by `vwifi campaign --cases 200 --seed 47` (case 76): three VMs in U-APSD
 * on one card serving three channels, a TCP download each. Frames of a service period the AP sent
 * while the radio was on another channel were lost, one after another; without timestamps, Karn's
 * rule gave the endpoint's sender no sample from the ACKs of its retransmissions, its RTO backed off
 * from 0.56 s to 4.5 s, and the next retransmission fell after the end of the run: the download was
 * silent for its last 3.5 s.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseVerdict } from "../../src/fault/FaultCase.ts"
import { runFaultCase } from "./support.ts"

describe("TCP's timestamps after a run of losses", () => {
  it.effect("end the backoff: a download to a U-APSD VM on a card serving three channels keeps moving (campaign seed 47's failing case)", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 38916, mode: 0, vms: 3, aps: 4, traffic: ["tcp-rx", "tcp-rx", "tcp-rx", "ping"],
        faults: [
          { atTenths: 15, kind: 441, target: 530, size: 805 }, { atTenths: 6, kind: 311, target: 483, size: 0 },
          { atTenths: 49, kind: 473, target: 319, size: 269 }, { atTenths: 10, kind: 211, target: 761, size: 0 }
        ],
        setup: { phy: 0, wmm: 0, rateControl: 2, powerSave: 2, security: 0, switches: 4, txScheduler: 0, radio: 0, ess: 0 }
      }, { apsInStep: true })
      assert.deepStrictEqual(caseVerdict(report), [])
      // Every download moved data in the run's last half second (vm2's stopped at 19.47 s before).
      for (const vm of report.vms) assert.isAbove(vm.lastDataAtSeconds!, scenario.durationSeconds - 0.5, vm.name)
    }), { timeout: 60_000 })

  it.effect("end the backoff: seed 54's failing case (a TCP download to a U-APSD VM, HT20, four VMs on three channels) keeps moving", () =>
    Effect.gen(function*() {
      const { scenario, report } = yield* runFaultCase({
        seed: 433984, mode: 0, vms: 4, aps: 3, traffic: ["udp-rx", "tcp-tx", "udp-rx", "tcp-rx"],
        faults: [{ atTenths: 75, kind: 473, target: 0, size: 599 }],
        setup: { phy: 1, wmm: 0, rateControl: 1, powerSave: 2, security: 1, switches: 4, txScheduler: 1, radio: 0, ess: 0 }
      }, { apsInStep: true })
      assert.deepStrictEqual(caseVerdict(report), [])
      // vm3's download stopped at 22.63 s of 26 before.
      const vm3 = report.vms.find((v) => v.name === "vm3")!
      assert.isAbove(vm3.lastDataAtSeconds!, scenario.durationSeconds - 0.5)
    }), { timeout: 60_000 })
})
