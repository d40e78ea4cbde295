import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import * as Air from "../../src/air/Air.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Station } from "../../src/air/Station.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"
import { udpPacketBytes } from "../../src/vocabulary/PacketHeaders.ts"
import { runActors, valueOf } from "../actor/support.ts"

const ERP: PhyConfig = { standard: "802.11g", rateMbps: 54 }
const AP = 0x020000000100
const STA = 0x020000000200

describe("air: exchanges are the media's timers, not messages", () => {
  it.effect("frames sent one by one all go, in order, and the air's mailbox handles only what it was told", () =>
    Effect.gen(function*() {
      const sentAt: Array<[number, number]> = []
      const { handled, exchanges } = valueOf(yield* runActors(Effect.gen(function*() {
        const sim = yield* Simulation.Simulation
        const ledger = new FrameLedger()
        const air = yield* Air.make(ledger)
        const noOwner = { received: () => {}, sent: () => {} }
        const owner = { received: () => {}, sent: (_: Station, frames: ReadonlyArray<Frame>) => void frames.forEach((f) => sentAt.push([f.id, sim.kernel.nowNs])) }
        const ap = new Station({ name: "ap", mac: AP, channel: 6, phy: ERP, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner: noOwner })
        const sta = new Station({ name: "sta", mac: STA, channel: 6, phy: ERP, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner })
        air.ref.tellUnsafe({ _tag: "Attach", station: ap, attached: true })
        air.ref.tellUnsafe({ _tag: "Attach", station: sta, attached: true })
        for (let id = 1; id <= 3; id++) {
          const f = new Frame(id, FrameKind.Data, STA, AP, AP)
          f.ra = AP
          f.payloadBytes = udpPacketBytes(100)
          f.payload = Payload.Udp
          ledger.register(f)
          air.ref.tellUnsafe({ _tag: "Enqueue", station: sta, frames: [f], urgent: false, phy: undefined })
          yield* Simulation.sleep(1_000_000)
        }
        const system = yield* ActorSystem
        return { handled: system.metrics().find((m) => m.name === "air")!.handled, exchanges: air.stats.exchanges }
      })))
      assert.deepStrictEqual(sentAt.map(([id]) => id), [1, 2, 3])
      // Each went in its own millisecond, after its contention and exchange.
      sentAt.forEach(([, atNs], i) => assert.isTrue(atNs > i * 1e6 && atNs < (i + 1) * 1e6, `frame ${i + 1} at ${atNs} ns`))
      assert.strictEqual(exchanges, 3)
      // Two attachments and three frames: the exchanges' starts and ends are no messages of their own.
      assert.strictEqual(handled, 5)
    }))

  it.effect("a frame nobody acknowledges goes 7 times (dot11ShortRetryLimit counts transmissions), then is dropped", () =>
    Effect.gen(function*() {
      const out = valueOf(yield* runActors(Effect.gen(function*() {
        const ledger = new FrameLedger()
        const air = yield* Air.make(ledger)
        const sent: Array<number> = []
        const owner = { received: () => {}, sent: (_: Station, _ok: ReadonlyArray<Frame>, dropped: ReadonlyArray<Frame>) => void sent.push(dropped.length) }
        // No station answers to AP's address: every transmission goes unacknowledged.
        const sta = new Station({ name: "sta", mac: STA, channel: 6, phy: ERP, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner })
        air.ref.tellUnsafe({ _tag: "Attach", station: sta, attached: true })
        const f = new Frame(1, FrameKind.Data, STA, AP, AP)
        f.payloadBytes = udpPacketBytes(100)
        f.payload = Payload.Udp
        ledger.register(f)
        air.ref.tellUnsafe({ _tag: "Enqueue", station: sta, frames: [f], urgent: false, phy: undefined })
        yield* Simulation.sleep(1_000_000_000)
        return { exchanges: air.stats.exchanges, dropped: ledger.droppedByReason.get("no-receiver") ?? 0, reported: sent }
      })))
      assert.strictEqual(out.exchanges, 7)
      assert.strictEqual(out.dropped, 1)
      assert.deepStrictEqual(out.reported, [1], "its owner hears once, of the drop")
    }))
})
