/**
 * A host that cannot keep up with what it receives (100-byte datagrams at HT40 MCS 15: more than the
 * core can take) owes a bounded number of frames, in every mode: the card's receive ring, the guest's
 * ring behind its device model, and natively the socket's receive queue drop the rest, by name.
 * Before these bounds the frames in flight grew with the run (472,512 after 4 s natively).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/run/RunScenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { RX_RING_BUFFERS, SOCKET_RX_QUEUE_PACKETS } from "../../src/vocabulary/RxBuffers.ts"
import { ENDPOINT_SATURATE_WINDOW_FRAMES } from "../../src/vocabulary/ModelConstants.ts"

const flood = (mode: string) => ({
  mode,
  durationSeconds: 2,
  card: { phy: { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "long" } },
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", security: { kind: "open" } }],
  vms: [{ name: "vm1", ssid: "lab", traffic: [{ kind: "udp-rx", offeredMbps: "saturate", payloadBytes: 100 }] }]
})

describe("receive overload", () => {
  for (const [mode, bound, reason] of [
    ["native", RX_RING_BUFFERS + SOCKET_RX_QUEUE_PACKETS, "socket-queue-full"],
    ["passthrough", RX_RING_BUFFERS, "rx-ring-full"],
    ["virtual-wifi", 2 * RX_RING_BUFFERS, "guest-rx-ring-full"]
  ] as const) {
    it.effect(`${mode}: frames in flight stay bounded by the receive buffers; the excess is dropped as ${reason}`, () =>
      Effect.gen(function*() {
        const scenario = yield* Effect.orDie(decodeScenario(flood(mode)))
        const r = yield* runScenario(scenario, { seed: 1 })
        // In flight: the buffers' frames, and the downlink's window on the wire and in the AP's queue.
        assert.isAtMost(r.frames.inFlight, bound + ENDPOINT_SATURATE_WINDOW_FRAMES)
        assert.isAbove(r.frames.droppedByReason[reason] ?? 0, 10_000)
        assert.strictEqual(r.frames.created, r.frames.delivered + r.frames.dropped + r.frames.inFlight)
        assert.strictEqual(r.invariants.cpuAccountingErrorNs, 0)
      }), 120_000)
  }
})
