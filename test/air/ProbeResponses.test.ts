/**
 * Two APs on one channel answer the same broadcast probe request. Each queues its Probe Response the
 * moment the request ends (the model's APs take no time to build it), so the frame was caused by what
 * was on the air: it found the medium busy and each AP backs off with its own draw over [0, CW]
 * (802.11-2016 10.3.4.3; EDCA's backoff procedure 10.22.2.2 a). A probe response is a management
 * frame: on these WMM APs it goes by AC_VO, CWmin 3 and CWmax 7 for OFDM's aCWmin 15 (Table 9-137).
 * The two collide only when the draws meet: 1/(CWmin+1) of first attempts, and 1/(CWmax+1) of each
 * retry after a collision (both double CW to CWmax, 10.22.2.2), up to the retry limit's 7 attempts.
 * Computed here from those numbers alone.
 */
import { assert, describe, it } from "@effect/vitest"
import type { AirStats, AirTraces } from "../../src/air/Air.ts"
import { AirLogic } from "../../src/air/AirLogic.ts"
import type { AirState } from "../../src/air/AirLogic.ts"
import { Station } from "../../src/air/Station.ts"
import { TraceSource } from "../../src/actor/TraceSource.ts"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { BROADCAST, Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"

/** OFDM's aCWmin (Table 18-5), the APs' and the station's cwMin. */
const CW_MIN = 15
/** AC_VO's CWmin and CWmax: (aCWmin + 1)/4 − 1 and (aCWmin + 1)/2 − 1 (802.11-2016 Table 9-137). */
const CW_MIN_VO = 3
const CW_MAX_VO = 7
/** dot11ShortRetryLimit: transmission attempts of a frame (Annex C). */
const ATTEMPTS = 7
const CHANNEL = 6
const STA = 0x020000000300
const PROBES = 4000
const PROBE_EVERY_NS = 10_000_000

const run = (seed: number) => {
  const kernel = new Kernel()
  const ledger = new FrameLedger()
  const stats: AirStats = { exchanges: 0, collisions: 0, retries: 0, framesDelivered: 0, framesLost: 0, answersLost: 0, busyNs: 0, dropsByReason: {}, collisionsByStation: {}, internalCollisions: 0 }
  const traces: AirTraces = { txPathDone: new TraceSource(), ppdu: new TraceSource() }
  const logic = new AirLogic(kernel, ledger, stats, new Prng(seed), traces)
  const state: AirState = { media: new Map() }
  let id = 0
  const enqueue = (s: Station, f: Frame) => {
    ledger.register(f)
    logic.handle(state, { _tag: "Enqueue", station: s, frames: [f], urgent: true, phy: undefined, chain: undefined })
  }
  const idle = { received: () => {}, sent: () => {} }
  const ap = (mac: number): Station => {
    const owner = {
      // An AP answers a probe request at once; its message reaches the air after the exchange ended.
      received: (_s: Station, frames: ReadonlyArray<Frame>) => {
        for (const f of frames) {
          if (f.kind !== FrameKind.ProbeRequest) continue
          const answer = new Frame(++id, FrameKind.ProbeResponse, mac, f.src, mac)
          answer.payloadBytes = 100
          kernel.setTimer(kernel.nowNs, () => enqueue(s, answer))
        }
      },
      sent: () => {}
    }
    const s: Station = new Station({ name: `ap-${mac}`, mac, channel: CHANNEL, phy: { standard: "802.11g", rateMbps: 54 }, receivesBroadcast: true, maxAggregate: 1, cwMin: CW_MIN, owner })
    logic.handle(state, { _tag: "Attach", station: s, attached: true })
    return s
  }
  ap(0x020000000100)
  ap(0x020000000101)
  const sta = new Station({ name: "sta", mac: STA, channel: CHANNEL, phy: { standard: "802.11g", rateMbps: 54 }, receivesBroadcast: true, maxAggregate: 1, cwMin: CW_MIN, owner: idle })
  logic.handle(state, { _tag: "Attach", station: sta, attached: true })
  for (let k = 0; k < PROBES; k++) {
    kernel.setTimer((k + 1) * PROBE_EVERY_NS, () => {
      const f = new Frame(++id, FrameKind.ProbeRequest, STA, BROADCAST, BROADCAST)
      f.payloadBytes = 30
      enqueue(sta, f)
    })
  }
  kernel.runUntil((PROBES + 1) * PROBE_EVERY_NS)
  return stats
}

describe("two APs answering one probe request", () => {
  it("collide only when their independent backoff draws meet", () => {
    const stats = run(5)
    // Per probe: the first attempts, then each retry's while they keep colliding.
    let expected = 0
    for (let k = 0; k < ATTEMPTS; k++) expected += (1 / (CW_MIN_VO + 1)) * (1 / (CW_MAX_VO + 1)) ** k
    assert.approximately(stats.collisions / PROBES, expected, 0.015)
    assert.deepStrictEqual(stats.dropsByReason, {}, "every response got through in the end")
  })
})
