/**
 * The endpoint counts the AP's reports of downlink frames done (`Credit`) toward the flows it keeps
 * today. Reports of frames sent before it forgot the station (`StationGone`), or before its own
 * restart, come late: counted, they freed room in a new flow's window or TCP budget that the old
 * frames never held, and the new flow kept more than its share queued at the AP.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import { CRASH } from "../../src/actor/ModelActor.ts"
import type { ApMessage } from "../../src/ap/AccessPoint.ts"
import * as Endpoint from "../../src/ap/Endpoint.ts"
import { WiredLink } from "../../src/ap/WiredLink.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"

const ENDPOINT = 0x020000100000
const BSSID = 0x020000000100
const STATION = 0x020000000200
/** A saturating downlink alone at its AP keeps 128 frames outstanding (`ENDPOINT_SATURATE_WINDOW_FRAMES`). */
const WINDOW_FRAMES = 128

const run = Effect.gen(function*() {
  const ledger = new FrameLedger()
  const atAp: Array<Frame> = []
  const ap = { tellUnsafe: (m: ApMessage) => (m._tag === "Downlink" && atAp.push(...m.frames), true) }
  const ep = yield* Endpoint.make({
    name: "endpoint", mac: ENDPOINT, bssid: BSSID, downlink: new WiredLink(1000, 100_000, ledger), warmupEndNs: 0, ledger, ap: () => ap
  })
  const subscribe = () => {
    const f = new Frame(ledger.nextFrameId(), FrameKind.Data, STATION, ENDPOINT, BSSID)
    f.payload = Payload.Subscribe
    f.payloadBytes = 36
    f.owner = 0
    f.info = { subscribe: { protocol: "udp", offeredMbps: "saturate", payloadBytes: 1470 } }
    ledger.register(f)
    ep.ref.tellUnsafe({ _tag: "Uplink", frames: [f] })
  }
  /** The frames that reached the AP since the last call. */
  let seen = 0
  const arrived = () => Effect.map(Simulation.sleep(20e6), () => atAp.slice(seen, (seen = atAp.length)))

  subscribe()
  const first = yield* arrived()
  ep.ref.tellUnsafe({ _tag: "StationGone", station: STATION })
  subscribe()
  const second = yield* arrived()
  // The AP reports the forgotten flow's frames now: they free nothing of the new flow's window.
  ep.ref.tellUnsafe({ _tag: "Credit", frames: first })
  const afterLate = yield* arrived()
  // Five of the new flow's own: five more go.
  ep.ref.tellUnsafe({ _tag: "Credit", frames: second.slice(0, 5) })
  const afterOwn = yield* arrived()
  // The endpoint restarts and the station asks again; then come reports of what it sent before.
  ep.ref.tellUnsafe(CRASH)
  yield* Simulation.sleep(1e9)
  subscribe()
  const third = yield* arrived()
  ep.ref.tellUnsafe({ _tag: "Credit", frames: second.slice(5) })
  const afterRestart = yield* arrived()
  return { counts: [first, second, afterLate, afterOwn, third, afterRestart].map((x) => x.length) }
})

describe("the endpoint's credits", () => {
  it.effect("count toward today's flows only: not reports of frames sent before it forgot the station, or before its restart", () =>
    Effect.gen(function*() {
      const { exit } = yield* Simulation.run(run.pipe(Effect.provide(ActorSystem.layer)), { seed: 1 })
      assert.strictEqual(exit._tag, "Success", String(exit))
      if (exit._tag !== "Success") return
      assert.deepStrictEqual(exit.value.counts, [WINDOW_FRAMES, WINDOW_FRAMES, 0, 5, WINDOW_FRAMES, 0])
    }))
})
