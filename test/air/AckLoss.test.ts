/** Lost Acks and EIFS: the answer to a frame can be lost like any frame, and the sender's retry is a duplicate the receiver discards. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { aifsNs, eifsNs } from "../../src/air/Backoff.ts"
import { ERP_TIMINGS } from "../../src/air/Timing.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { scenarioOf } from "../model/support.ts"

describe("EIFS", () => {
  it("is SIFS + an Ack at 6 Mbit/s + AIFS (802.11-2016 10.3.2.3.7, 10.22.2.4)", () => {
    // The Ack at 6 Mbit/s: 20 µs preamble and SIGNAL, ⌈(16 + 112 + 6) / 24⌉ = 6 symbols of 4 µs, 6 µs extension: 50 µs.
    assert.strictEqual(aifsNs(ERP_TIMINGS, 2), 28_000) // DIFS
    assert.strictEqual(eifsNs(ERP_TIMINGS, 2), 10_000 + 50_000 + 28_000)
    assert.strictEqual(eifsNs(ERP_TIMINGS, 3), 10_000 + 50_000 + 37_000) // EDCA best effort
  })
})

describe("lost Acks", () => {
  it.effect("under 30% extra loss: Acks are lost, their frames are sent again, and the receiver counts each once", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 2, payloadBytes: 1470 }] }],
        faults: [{ kind: "channel-loss", atSeconds: 2, forSeconds: 3, lossPercent: 30 }]
      })
      const r = yield* runScenario(scenario, { seed: 3, durationNs: 6e9 })
      assert.isAbove(r.air.answersLost, 20)
      assert.isAbove(r.air.retries, r.air.answersLost)
      // Duplicates would count twice at the endpoint: goodput stays at what was offered, not above.
      assert.isAtMost(r.vms[0]!.uplinkMbps, 2.02)
      assert.isAbove(r.vms[0]!.uplinkMbps, 1.9)
      assert.strictEqual(r.invariants.unaccountedFrames, 0)
      assert.isAtMost(r.frames.delivered, r.frames.created)
    }))
})
