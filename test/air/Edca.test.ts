/**
 * A WMM transmitter's two EDCAFs (802.11-2016 10.22.2): AC_BE for its data, AC_VO for its management
 * and EAPOL frames, each with its own queue, AIFS[AC], CW[AC] and count. Expectations are worked out
 * here from the standard's numbers (ERP at 54 Mbit/s; Table 9-137's default EDCA parameter set:
 * AC_BE AIFSN 3, CW 15..1023; AC_VO AIFSN 2, CW 3..7), nothing of vwifi's timing code.
 * - a management frame that comes while an AP's saturated best-effort data is on the air does not
 *   wait behind that data: it goes AIFS[VO] + U[0, 3] slots after the exchange, unless the data's own
 *   post-backoff U[0, 15] runs out first (3 of the 64 pairs of draws), where best effort's parameters
 *   would give it AIFS[BE] + U[0, 15] slots at best;
 * - a station's power-save frames (a null-data frame with the PM bit, a PS-Poll) go by AC_VO too, as
 *   mac80211 sends them (`ieee80211_send_nullfunc`, `ieee80211_send_pspoll` through `ieee80211_tx_skb`,
 *   TID 7): behind the station's own saturated best-effort data, the same AIFS[VO] + U[0, 3] slots;
 * - an internal collision (10.22.2.4): when the two counts run out in the same slot, AC_VO sends and
 *   AC_BE acts as after a collision on the air: its CW doubles and it draws again.
 */
import { assert, describe, it } from "@effect/vitest"
import type { AirStats, AirTraces } from "../../src/air/Air.ts"
import { AirLogic } from "../../src/air/AirLogic.ts"
import { goesByVoice } from "../../src/air/Edcaf.ts"
import type { AirState } from "../../src/air/AirLogic.ts"
import type { UniformDraws } from "../../src/air/AirLogic.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Station } from "../../src/air/Station.ts"
import { TraceSource } from "../../src/actor/TraceSource.ts"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import type { FrameKind as Kind } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"

// ERP, short slot (Table 18-5); EDCA (Table 9-137).
const SLOT_US = 9
const SIFS_US = 10
const AIFSN_BE = 3
const AIFSN_VO = 2
const CW_MIN_BE = 15
const CW_MIN_VO = 3
const AIFS_BE_US = SIFS_US + AIFSN_BE * SLOT_US
const AIFS_VO_US = SIFS_US + AIFSN_VO * SLOT_US
/** ERP-OFDM PPDU (17.4.3, 18.3.2.4): 20 µs preamble and SIGNAL, 4 µs symbols of N_DBPS bits (16 SERVICE + 6 tail), 6 µs extension. */
const ppduUs = (bytes: number, ndbps: number): number => 20 + 4 * Math.ceil((16 + 8 * bytes + 6) / ndbps) + 6
/** A UDP datagram of `payload` bytes in a QoS data MPDU (header 26, LLC/SNAP 8, IP+UDP 28, FCS 4), at 54 Mbit/s (N_DBPS 216), Acked at 24 (N_DBPS 96). */
const dataExchangeUs = (payload: number): number => ppduUs(26 + 8 + 28 + payload + 4, 216) + SIFS_US + ppduUs(14, 96)
/** A management frame with a `body`-byte body (header 24, FCS 4) at the lowest basic rate, 6 Mbit/s (N_DBPS 24), Acked at 6. */
const managementExchangeUs = (body: number): number => ppduUs(24 + body + 4, 24) + SIFS_US + ppduUs(14, 24)

const ERP54: PhyConfig = { standard: "802.11g", rateMbps: 54 }
const CHANNEL = 6
const AP = 0x020000000100
const STA = 0x020000000201

/** A uniform draw that gives `slots` of a backoff over CW = `cw` (Random() over [0, CW], 10.3.3). */
const slotsOf = (slots: number, cw: number): number => (slots + 0.5) / (cw + 1)

/** The air alone on a kernel; each PPDU's sender, kind of head frame, start and exchange end (µs). */
const world = (random: UniformDraws) => {
  const kernel = new Kernel()
  const ledger = new FrameLedger()
  const stats: AirStats = { exchanges: 0, collisions: 0, retries: 0, framesDelivered: 0, framesLost: 0, answersLost: 0, busyNs: 0, dropsByReason: {}, collisionsByStation: {}, internalCollisions: 0 }
  const traces: AirTraces = { txPathDone: new TraceSource(), ppdu: new TraceSource() }
  const logic = new AirLogic(kernel, ledger, stats, random, traces)
  const state: AirState = { media: new Map() }
  const ppdus: Array<{ readonly station: string; readonly kind: Kind; readonly bytes: number; readonly startUs: number; readonly endUs: number }> = []
  traces.ppdu.connect((p, nowNs) =>
    void ppdus.push({ station: p.station.name, kind: p.frames[0]!.kind, bytes: p.frames[0]!.payloadBytes, startUs: p.startNs / 1e3, endUs: nowNs / 1e3 })
  )
  const owner = { received: () => {}, sent: () => {} }
  const station = (name: string, mac: number) => {
    const s = new Station({ name, mac, channel: CHANNEL, phy: ERP54, receivesBroadcast: true, maxAggregate: 1, cwMin: CW_MIN_BE, owner })
    logic.handle(state, { _tag: "Attach", station: s, attached: true })
    return s
  }
  let id = 0
  const frame = (kind: Kind, s: Station, to: number, bytes: number): Frame => {
    const f = new Frame(++id, kind, s.mac, to, AP)
    f.payloadBytes = bytes
    if (kind === FrameKind.Data) f.payload = Payload.Udp
    ledger.register(f)
    return f
  }
  const enqueue = (s: Station, frames: Array<Frame>) =>
    logic.handle(state, { _tag: "Enqueue", station: s, frames, urgent: false, phy: undefined, chain: undefined })
  // Time moves to `us` even when nothing is due before it (the kernel stops when idle otherwise).
  const runUntilUs = (us: number) => {
    kernel.setTimer(us * 1e3, () => {})
    kernel.runUntil(us * 1e3)
  }
  return { kernel, station, frame, enqueue, runUntilUs, ppdus, stats }
}

/**
 * Station `sender` keeps its best effort saturated with 1000-byte datagrams to `to`; every 5,003 µs it
 * queues one more frame, `nth(k)`, at the back (not as urgent). For each that came while a data
 * exchange was on the air: whether it went next, and how many slots after AIFS[VO] past that
 * exchange's end; checked against Table 9-137's draws, worked out here.
 */
const accessBehindSaturatedData = (senderMac: number, toMac: number, count: number, nth: (w: ReturnType<typeof world>, sender: Station, k: number) => Frame) => {
  const EVERY_US = 5_003 // not a multiple of any exchange: the frames come at every phase of one
  const w = world(new Prng(11))
  const ap = w.station("ap", AP)
  const sta = w.station("sta", STA)
  const sender = senderMac === AP ? ap : sta
  // Enough 1000-byte datagrams to keep its best effort busy throughout (an exchange and its backoff take over 230 µs).
  const data: Array<Frame> = []
  for (let k = 0; k < (count * EVERY_US) / 230; k++) data.push(w.frame(FrameKind.Data, sender, toMac, 28 + 1000))
  w.enqueue(sender, data)
  const queuedUs: Array<number> = []
  const kinds: Array<Kind> = []
  for (let k = 1; k <= count; k++) {
    w.kernel.setTimer(k * EVERY_US * 1e3, () => {
      queuedUs.push(w.kernel.nowNs / 1e3)
      const f = nth(w, sender, k)
      kinds.push(f.kind)
      w.enqueue(sender, [f])
    })
  }
  w.runUntilUs((count + 1) * EVERY_US)
  assert.strictEqual(w.stats.collisions, 0)
  const isData = (p: (typeof w.ppdus)[number]) => p.kind === FrameKind.Data && p.bytes > 0
  const ppdus = w.ppdus
  let during = 0
  let next = 0
  const slots = [0, 0, 0, 0]
  let x = 0
  for (const [i, t] of queuedUs.entries()) {
    while (x < ppdus.length && ppdus[x]!.endUs <= t) x++
    const p = ppdus[x]
    if (p === undefined || !(p.startUs < t) || !isData(p)) continue
    during++
    const after = ppdus[x + 1]!
    if (isData(after)) continue
    assert.strictEqual(after.kind, kinds[i], "the frame queued")
    next++
    const k = (after.startUs - p.endUs - AIFS_VO_US) / SLOT_US
    assert.isTrue(Number.isInteger(k) && k >= 0 && k <= CW_MIN_VO, `${k} slots after AIFS[VO]`)
    slots[k]!++
  }
  assert.isAbove(during, count / 2)
  // Theory: AC_VO draws v over 0..3 at the exchange's end, AC_BE has drawn b over 0..15 (its
  // post-backoff); AC_VO goes first when AIFSN[VO] + v ≤ AIFSN[BE] + b (a tie is an internal
  // collision, which it wins); else the data goes first.
  const expected = [0, 0, 0, 0]
  for (let v = 0; v <= CW_MIN_VO; v++) {
    for (let b = 0; b <= CW_MIN_BE; b++) if (AIFSN_VO + v <= AIFSN_BE + b) expected[v]! += 1 / ((CW_MIN_VO + 1) * (CW_MIN_BE + 1))
  }
  const first = expected.reduce((a, b) => a + b, 0)
  assert.approximately(first, 61 / 64, 1e-12)
  assert.approximately(next / during, first, 0.015)
  for (let v = 0; v <= CW_MIN_VO; v++) assert.approximately(slots[v]! / during, expected[v]!, 0.02, `${v} slots`)
  // Its mean access delay after the exchange, against best effort's AIFS[BE] + U[0, 15] slots.
  const meanUs = AIFS_VO_US + (SLOT_US * slots.reduce((a, n, v) => a + n * v, 0)) / next
  const theoryUs = AIFS_VO_US + (SLOT_US * expected.reduce((a, p, v) => a + p * v, 0)) / first
  assert.approximately(meanUs, theoryUs, 0.5)
  assert.isBelow(meanUs, AIFS_BE_US + (SLOT_US * CW_MIN_BE) / 2 - 5 * SLOT_US, "well under best effort's mean")
}

describe("a WMM transmitter's AC_VO and AC_BE", () => {
  it("goes by AC_VO: management, EAPOL-Key, PS-Poll, QoS Null and null-data frames (from a station or an AP); data with a body and beacons by AC_BE", () => {
    const f = (kind: Kind, bytes: number) => {
      const x = new Frame(1, kind, STA, AP, AP)
      x.payloadBytes = bytes
      return x
    }
    const voice = [FrameKind.ProbeRequest, FrameKind.ProbeResponse, FrameKind.Auth, FrameKind.AssocRequest, FrameKind.AssocResponse, FrameKind.Deauth, FrameKind.Eapol, FrameKind.PsPoll, FrameKind.QosNull]
    for (const kind of voice) assert.isTrue(goesByVoice(f(kind, 0)), `kind ${kind}`)
    assert.isTrue(goesByVoice(f(FrameKind.Data, 0)), "null data")
    assert.isFalse(goesByVoice(f(FrameKind.Data, 28 + 100)), "data with a body")
    assert.isFalse(goesByVoice(f(FrameKind.Beacon, 100)), "a beacon")
    // The station's EDCAF: AC_VO's with WMM, DCF's one without.
    const owner = { received: () => {}, sent: () => {} }
    const wmm = new Station({ name: "s", mac: STA, channel: CHANNEL, phy: ERP54, receivesBroadcast: true, maxAggregate: 1, cwMin: CW_MIN_BE, owner })
    assert.strictEqual(wmm.edcafFor(f(FrameKind.Data, 0)), wmm.voice)
    assert.strictEqual(wmm.edcafFor(f(FrameKind.Data, 128)), wmm.data)
    assert.strictEqual(wmm.voice!.aifsn, AIFSN_VO)
    assert.strictEqual(wmm.voice!.cw, CW_MIN_VO)
    const dcf = new Station({ name: "d", mac: STA, channel: CHANNEL, phy: ERP54, receivesBroadcast: true, maxAggregate: 1, cwMin: CW_MIN_BE, owner, qos: false })
    assert.strictEqual(dcf.edcafFor(f(FrameKind.PsPoll, 0)), dcf.data)
  })

  it("a management frame queued behind an AP's saturated best-effort data goes AIFS[VO] + U[0, CWmin[VO]] slots after the exchange it came in", () => {
    accessBehindSaturatedData(AP, STA, 3000, (w, ap) => w.frame(FrameKind.ProbeResponse, ap, STA, 100))
  })

  it("a station's PM null and PS-Poll queued behind its own saturated best-effort data go AIFS[VO] + U[0, CWmin[VO]] slots after the exchange", () => {
    accessBehindSaturatedData(STA, AP, 3000, (w, sta, k) => {
      // Every other one a null-data frame (no body) with the PM bit, the others PS-Polls.
      const f = w.frame(k % 2 === 0 ? FrameKind.Data : FrameKind.PsPoll, sta, AP, 0)
      f.payload = Payload.None
      f.pm = true
      if (f.kind === FrameKind.PsPoll) f.info = { aid: 1 }
      return f
    })
  })

  it("an internal collision: AC_VO's and AC_BE's counts run out in one slot, AC_VO sends, AC_BE doubles its CW and draws again", () => {
    // The draws: a's first data frame finds the medium idle and goes (no draw); its loss (0.9) and its
    // Ack's (0.9); AC_BE's post-backoff (1 slot); AC_VO, whose frame came during the exchange, draws 2.
    // Both run out SIFS + 4 slots after the exchange: AC_BE loses and draws 20 over CW 31. The Auth's
    // exchange (0.9, 0.9) and AC_VO's post-backoff over CW 3 (3 slots); the data's exchange and its post-backoff.
    const draws = [0.9, 0.9, slotsOf(1, 15), slotsOf(2, 3), slotsOf(20, 31), 0.9, 0.9, slotsOf(3, 3), 0.9, 0.9, 0.5]
    const w = world({
      nextDoubleUnsafe: () => {
        const u = draws.shift()
        if (u === undefined) throw new Error("the air drew more than the test scripted")
        return u
      }
    })
    w.station("ap", AP)
    const a = w.station("a", STA)
    w.enqueue(a, [w.frame(FrameKind.Data, a, AP, 28 + 100)])
    w.runUntilUs(AIFS_BE_US + 1)
    w.enqueue(a, [w.frame(FrameKind.Data, a, AP, 28 + 100)])
    w.enqueue(a, [w.frame(FrameKind.Auth, a, AP, 30)])
    w.runUntilUs(5_000)
    const firstEnd = AIFS_BE_US + dataExchangeUs(100)
    assert.strictEqual(AIFS_BE_US + 1 * SLOT_US, AIFS_VO_US + 2 * SLOT_US, "the two counts end in one slot")
    const authAt = firstEnd + AIFS_VO_US + 2 * SLOT_US
    const authEnd = authAt + managementExchangeUs(30)
    assert.deepStrictEqual(w.ppdus.map((p) => [p.kind, p.startUs]), [
      [FrameKind.Data, AIFS_BE_US],
      [FrameKind.Auth, authAt],
      // 20 slots: a draw over CW 31 (over CW 15 the same draw gives 10).
      [FrameKind.Data, authEnd + AIFS_BE_US + 20 * SLOT_US]
    ])
    assert.strictEqual(w.ppdus[1]!.endUs, authEnd)
    assert.strictEqual(w.stats.internalCollisions, 1)
    assert.strictEqual(w.stats.collisions, 0, "nothing collided on the air")
    assert.strictEqual(w.stats.retries, 0, "the air's retries count what went on the air")
    assert.lengthOf(draws, 0, "every scripted draw consumed, none more")
  })
})
