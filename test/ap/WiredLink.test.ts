/**
 * The wire between an AP and its endpoint: each packet serialized at the link's rate in Ethernet's
 * framing, then the latency; a bounded queue. Expected figures are worked out here from IEEE 802.3's
 * framing (preamble and SFD 8, header 14, FCS 4, interpacket gap 12 bytes; data padded to 46).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { WiredLink } from "../../src/ap/WiredLink.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"
import { scenarioOf } from "../model/support.ts"

/** Ethernet's bytes around an IP packet, gap included: 8 + 14 + 4 + 12. */
const FRAMING_BYTES = 38
const LATENCY_NS = 100_000

const packets = (ledger: FrameLedger, ...sizes: Array<number>): Array<Frame> =>
  sizes.map((bytes) => {
    const f = new Frame(ledger.nextFrameId(), FrameKind.Data, 1, 2, 3)
    f.payloadBytes = bytes
    ledger.register(f)
    return f
  })

describe("the wire behind an AP", () => {
  it("serializes each packet in Ethernet's framing at the link's rate, one after the other, then the latency", () => {
    const ledger = new FrameLedger()
    const gigabit = new WiredLink(1000, LATENCY_NS, ledger)
    // 1500 + 38 bytes at 8 ns a byte: it arrives then (an absolute time).
    assert.strictEqual(gigabit.send(0, packets(ledger, 1500)), 1538 * 8 + LATENCY_NS)
    // Sent while the first is on the wire: it waits for it.
    assert.strictEqual(gigabit.send(1000, packets(ledger, 1500)), 2 * 1538 * 8 + LATENCY_NS)
    // A 28-byte packet is padded to 46 bytes of data: 46 + 38 = 84 bytes.
    assert.strictEqual(gigabit.send(1e6, packets(ledger, 28)), 1e6 + 84 * 8 + LATENCY_NS)
    // A batch arrives when its last packet has.
    assert.strictEqual(gigabit.send(2e6, packets(ledger, 84, 1500)), 2e6 + (122 + 1538) * 8 + LATENCY_NS)
    // A notice with no bytes arrives with the batch still on the wire, not before it.
    assert.strictEqual(gigabit.notice(2e6 + 8), 2e6 + (122 + 1538) * 8 + LATENCY_NS)
    assert.strictEqual(gigabit.notice(3e6), 3e6 + LATENCY_NS)
  })

  it("queues 1,000 packets whatever their size (Linux's txqueuelen) and drops the rest, saying so in the ledger", () => {
    const ledger = new FrameLedger()
    const link = new WiredLink(10, 0, ledger)
    const burst = packets(ledger, ...Array.from({ length: 1050 }, () => 40))
    link.send(0, burst)
    assert.strictEqual(burst.length, 1000)
    assert.strictEqual(ledger.droppedByReason.get("wired-queue-full"), 50)
    // Once the first ten have left (84 bytes each at 10 Mb/s: 67.2 µs apiece), ten more fit.
    const more = packets(ledger, ...Array.from({ length: 11 }, () => 40))
    link.send(10 * 84 * 800, more)
    assert.strictEqual(more.length, 10)
    assert.strictEqual(ledger.droppedByReason.get("wired-queue-full"), 51)
  })

  it.effect("a 10 Mb/s wire caps saturated UDP from the VM at its rate less Ethernet's framing", () =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", endpoint: { wiredRateMbps: 10 } }],
        vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", payloadBytes: 1470 }] }]
      })
      const r = yield* runScenario(scenario, { seed: 1, durationNs: 6e9 })
      // 1470 bytes of UDP data in 1470 + 28 + 38 = 1536 bytes on the wire.
      const ceilingMbps = (10 * 1470) / 1536
      assert.isAtMost(r.vms[0]!.uplinkMbps, ceilingMbps * 1.001)
      assert.isAtLeast(r.vms[0]!.uplinkMbps, ceilingMbps * 0.99)
      assert.isAbove(r.frames.droppedByReason["wired-queue-full"] ?? 0, 1000, "the AP's side drops what the wire cannot take")
    }))

  it.effect("an endpoint's flow keeps going when the wire's queue drops its frames (they are not counted in flight to the AP)", () =>
    Effect.gen(function*() {
      // A paced 15 Mb/s flow overfills a 10 Mb/s wire; a saturated flow beside it must still move.
      const scenario = yield* scenarioOf({
        card: { vmacs: 2 },
        aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", endpoint: { wiredRateMbps: 10 } }],
        vms: [
          { name: "paced", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx", offeredMbps: 15 }] },
          { name: "saturated", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx" }] }
        ]
      })
      const r = yield* runScenario(scenario, { seed: 1, durationNs: 8e9 })
      const saturated = r.vms.find((v) => v.name === "saturated")!
      assert.isAbove(r.frames.droppedByReason["wired-queue-full"] ?? 0, 100)
      // Tail drop favours the flow that never stops; the other writes again whenever the queue has
      // room, and is still receiving at the end (before, frames the wire dropped were never credited
      // back, and it stopped for good once they filled its window).
      assert.isAbove(saturated.downlinkMbps, 0.1)
      assert.isAbove(saturated.lastDataAtSeconds ?? 0, 7, "still receiving at the end")
      // Both flows together fill the wire: 10 Mb/s less Ethernet's framing (1470 of 1536 bytes).
      const total = r.vms.reduce((n, v) => n + v.downlinkMbps, 0)
      assert.closeTo(total, (10 * 1470) / 1536, 0.1)
    }))

  it.effect("a ping crosses the wire twice: at 1 Mb/s its round trip grows by two serializations of its 122 bytes, and by twice the latency added", () =>
    Effect.gen(function*() {
      const pingAt = (wiredRateMbps: number, wiredLatencyUs = 100) =>
        Effect.gen(function*() {
          const scenario = yield* scenarioOf({
            aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", endpoint: { wiredRateMbps, wiredLatencyUs } }],
            vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 10, payloadBytes: 56 }] }]
          })
          return (yield* runScenario(scenario, { seed: 2, durationNs: 4e9 })).vms[0]!.ping.meanUs!
        })
      // 56 bytes of data + ICMP 8 + IP 20 = 84, + 38 = 122 bytes: 976 µs at 1 Mb/s, 0.976 µs at 1 Gb/s.
      const expectedUs = 2 * (976 - 0.976)
      const base = yield* pingAt(1000)
      // The reply then waits for the AP's next boundary on its 9 µs slot grid (802.11-2016 10.3.4.3),
      // which starts at the request's exchange: 1,950 µs later its arrival lies 6 µs further along
      // that grid, and its wait is 6 µs shorter or 3 µs longer. Within a slot.
      assert.closeTo((yield* pingAt(1)) - base, expectedUs, 9)
      // And the latency, once each way: 900 µs more of it adds 1,800 µs.
      assert.closeTo((yield* pingAt(1000, 1000)) - base, 1800, 5)
    }))
})
