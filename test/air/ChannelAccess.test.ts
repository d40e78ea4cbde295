/**
 * Who waits how long after an exchange, per station, with the air's backoff draws scripted: the
 * expected start of every PPDU is worked out here from 802.11-2016's numbers (ERP at 54 Mbit/s, EDCA
 * best effort), nothing of vwifi's timing code.
 * - a sender whose frame got no answer: AIFS after its AckTimeout (10.3.2.9), not EIFS;
 * - a sender whose Ack came in error: EIFS after the Ack (10.3.2.3.7);
 * - a receiver that got the frame in error: EIFS after the frame, while its sender is already counting;
 * - counts that run out less than aCCATime apart collide; 6 µs apart, the later one defers and keeps
 *   what is left of its count: EDCA counts every boundary from the one that ends AIFS on (10.22.2);
 * - a station draws its next count as soon as it has sent (post-backoff); a frame that finds that count
 *   run out and the medium idle goes at once, one that finds the medium busy draws a new count when
 *   the exchange ends (10.3.4.2; EDCA's backoff procedure, 10.22.2). The scripted draws are consumed
 *   in that order: a test that scripts its last draw checks that none is left.
 */
import { assert, describe, it } from "@effect/vitest"
import type { AirStats, AirTraces } from "../../src/air/Air.ts"
import { AirLogic } from "../../src/air/AirLogic.ts"
import type { AirState } from "../../src/air/AirLogic.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Station } from "../../src/air/Station.ts"
import { TraceSource } from "../../src/actor/TraceSource.ts"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { Frame, FrameKind, Payload } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"

// ERP, short slot (Table 18-5); EDCA best effort (Table 9-137): AIFS = SIFS + 3 slots; CWmin 15.
const SLOT_US = 9
const SIFS_US = 10
const AIFS_US = SIFS_US + 3 * SLOT_US
/** ERP-OFDM PPDU (17.4.3, 18.3.2.4): 20 µs preamble and SIGNAL, 4 µs symbols of N_DBPS bits (16 SERVICE + 6 tail), 6 µs extension. */
const ppduUs = (bytes: number, ndbps: number): number => 20 + 4 * Math.ceil((16 + 8 * bytes + 6) / ndbps) + 6
/** The Ack to data at 54 Mbit/s goes at 24 (N_DBPS 96, 10.6.6.5.2): 34 µs. */
const ACK_US = ppduUs(14, 96)
/** EIFS = SIFS + an Ack at the lowest rate, 6 Mbit/s (N_DBPS 24: 50 µs), + AIFS (10.3.2.3.7, 10.22.2.4): 97 µs. */
const EIFS_US = SIFS_US + ppduUs(14, 24) + AIFS_US
/** AckTimeout = SIFS + slot + aRxPHYStartDelay, read as the Ack's 20 µs preamble and SIGNAL (10.3.2.9): 39 µs. */
const ACK_TIMEOUT_US = SIFS_US + SLOT_US + 20
/** A UDP datagram of `payload` bytes in a QoS data MPDU (header 26, LLC/SNAP 8, IP+UDP 28, FCS 4), at 54 Mbit/s (N_DBPS 216). */
const dataUs = (payload: number): number => ppduUs(26 + 8 + 28 + payload + 4, 216)

const ERP54: PhyConfig = { standard: "802.11g", rateMbps: 54 }
const CHANNEL = 6
const AP = 0x020000000100
const A = 0x020000000201
const B = 0x020000000202

/** A uniform draw that gives `slots` of a backoff over CW = `cw` (Random() over [0, CW], 10.3.3). */
const slotsOf = (slots: number, cw: number): number => (slots + 0.5) / (cw + 1)

/** The air alone on a kernel, its draws scripted: each PPDU's start (µs) by its sender. */
const world = (draws: Array<number>) => {
  const kernel = new Kernel()
  const ledger = new FrameLedger()
  const stats: AirStats = { exchanges: 0, collisions: 0, retries: 0, framesDelivered: 0, framesLost: 0, answersLost: 0, busyNs: 0, dropsByReason: {}, collisionsByStation: {}, internalCollisions: 0 }
  const traces: AirTraces = { txPathDone: new TraceSource(), ppdu: new TraceSource() }
  const random = {
    nextDoubleUnsafe: () => {
      const u = draws.shift()
      if (u === undefined) throw new Error("the air drew more than the test scripted")
      return u
    }
  }
  const logic = new AirLogic(kernel, ledger, stats, random, traces)
  const state: AirState = { media: new Map() }
  const starts: Array<[string, number]> = []
  traces.ppdu.connect((p) => void starts.push([p.station.name, p.startNs / 1e3]))
  const owner = { received: () => {}, sent: () => {} }
  const station = (name: string, mac: number) => {
    const s = new Station({ name, mac, channel: CHANNEL, phy: ERP54, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner })
    logic.handle(state, { _tag: "Attach", station: s, attached: true })
    return s
  }
  let id = 0
  const send = (s: Station, to: number, payload: number) => {
    const f = new Frame(++id, FrameKind.Data, s.mac, to, AP)
    f.payloadBytes = 28 + payload
    f.payload = Payload.Udp
    ledger.register(f)
    logic.handle(state, { _tag: "Enqueue", station: s, frames: [f], urgent: false, phy: undefined, chain: undefined })
  }
  const impair = (loss: number) => logic.handle(state, { _tag: "Impair", channel: CHANNEL, loss })
  // Time moves to `us` even when nothing is due before it (the kernel stops when idle otherwise).
  const runUntilUs = (us: number) => {
    kernel.setTimer(us * 1e3, () => {})
    kernel.runUntil(us * 1e3)
  }
  return { station, send, impair, runUntilUs, starts, stats, draws }
}

describe("channel access after an exchange, station by station", () => {
  it("a frame nobody answers is retried AIFS after its AckTimeout, not EIFS after an exchange", () => {
    // The first frame finds the medium idle: no draw. Each unanswered attempt draws its retry's count.
    const w = world([slotsOf(2, 31), slotsOf(0, 63), 0, 0, 0, 0, 0])
    const a = w.station("a", A)
    w.send(a, AP, 1000) // no station answers to AP here
    w.runUntilUs(2_000)
    const first = AIFS_US
    const second = first + dataUs(1000) + ACK_TIMEOUT_US + AIFS_US + 2 * SLOT_US
    const third = second + dataUs(1000) + ACK_TIMEOUT_US + AIFS_US
    assert.deepStrictEqual(w.starts.slice(0, 3), [["a", first], ["a", second], ["a", third]])
  })

  it("a sender whose Ack came in error waits EIFS after the Ack", () => {
    // 50% extra loss: the frame's draw (0.9) spares it, the Ack's (0.1) does not; then the retry's count,
    // its exchange, and the post-backoff after it.
    const w = world([0.9, 0.1, slotsOf(0, 31), 0.9, 0.9, 0.5])
    const left = () => w.draws.length
    w.station("ap", AP)
    const a = w.station("a", A)
    w.impair(0.5)
    w.send(a, AP, 1000)
    w.runUntilUs(5_000)
    const exchangeEnd = AIFS_US + dataUs(1000) + SIFS_US + ACK_US
    assert.deepStrictEqual(w.starts, [["a", AIFS_US], ["a", exchangeEnd + EIFS_US]])
    assert.strictEqual(w.stats.answersLost, 1)
    assert.strictEqual(left(), 0, "every scripted draw consumed, none more")
  })

  it("a frame lost on the air: its receiver waits EIFS after it, its sender AIFS after its AckTimeout", () => {
    // The frame's draw (0.1) loses a's frame; a draws 31 slots for its retry; the AP, whose own frame
    // came while a's was on the air, draws its count (0 slots) as the exchange ends. Then two
    // exchanges and their post-backoffs.
    const w = world([0.1, slotsOf(31, 31), slotsOf(0, 15), 0.9, 0.9, 0.5, 0.9, 0.9, 0.5])
    const ap = w.station("ap", AP)
    const a = w.station("a", A)
    w.impair(0.5)
    w.send(a, AP, 1000)
    w.runUntilUs(AIFS_US + 1) // a's frame is on the air; the AP's own frame waits for it to end
    w.send(ap, A, 100)
    w.runUntilUs(5_000)
    const lostEnd = AIFS_US + dataUs(1000)
    // The AP goes EIFS after the frame it got in error; a, counting 31 slots AIFS after its AckTimeout, defers to it.
    assert.deepStrictEqual(w.starts.slice(0, 2), [["a", AIFS_US], ["ap", lostEnd + EIFS_US]])
    // a's count: its grid started at lostEnd + AckTimeout + AIFS (76 µs after the frame); 21 µs later the AP
    // went: a had met 3 boundaries (76, 85, 94 µs: EDCA counts the one that ends AIFS); the other 28
    // count from AIFS after the AP's exchange.
    const apExchangeEnd = lostEnd + EIFS_US + dataUs(100) + SIFS_US + ACK_US
    assert.deepStrictEqual(w.starts[2], ["a", apExchangeEnd + AIFS_US + 28 * SLOT_US])
    assert.lengthOf(w.draws, 0, "every scripted draw consumed, none more")
  })

  it("counts that run out 3 µs apart collide (under aCCATime); 6 µs apart, the later one defers, its count spent at the boundary the winner took", () => {
    // Both find the medium idle and go at once: a's 1000-byte PPDU outlasts b's 100-byte one, so b's grid starts an
    // AckTimeout (39 µs: 4 slots and 3 µs) before a's. Then a draws 2 slots; b 6 (3 µs before a: both
    // go again) or 7 (6 µs after a: it defers).
    const run = (bSlots: number) => {
      const w = world([slotsOf(2, 31), slotsOf(bSlots, 31), 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9, 0.9])
      w.station("ap", AP)
      const a = w.station("a", A)
      const b = w.station("b", B)
      w.send(a, AP, 1000)
      w.send(b, AP, 100)
      w.runUntilUs(5_000)
      return w
    }
    const firstEnd = AIFS_US + dataUs(1000)
    const aGrid = firstEnd + ACK_TIMEOUT_US + AIFS_US
    const bGrid = firstEnd + AIFS_US // its own AckTimeout ended under a's PPDU
    const close = run(6)
    assert.strictEqual(bGrid + 6 * SLOT_US + 3, aGrid + 2 * SLOT_US)
    assert.deepStrictEqual(close.starts.slice(0, 4), [["a", AIFS_US], ["b", AIFS_US], ["a", aGrid + 2 * SLOT_US], ["b", bGrid + 6 * SLOT_US]])
    assert.strictEqual(close.stats.collisions, 2)
    const apart = run(7)
    assert.strictEqual(apart.stats.collisions, 1)
    const aAlone = aGrid + 2 * SLOT_US
    assert.deepStrictEqual(apart.starts[2], ["a", aAlone])
    // b met 7 boundaries of its grid before it could sense a (at 0, 9, … 54 µs of it; a went at 57):
    // EDCA counts each, so its 7 slots are spent and it goes as soon as AIFS after a's exchange ends.
    assert.deepStrictEqual(apart.starts[3], ["b", aAlone + dataUs(1000) + SIFS_US + ACK_US + AIFS_US])
  })

  it("a frame that comes to an idle medium after its station's post-backoff ran out goes at its next slot boundary, without a draw", () => {
    // After its first exchange, a draws its post-backoff (5 slots), which runs out long before its
    // second frame comes at 1 ms; that frame goes at the next boundary of a's grid, and only its own
    // exchange's draws and post-backoff follow.
    const w = world([0.9, 0.9, slotsOf(5, 15), 0.9, 0.9, 0.5])
    w.station("ap", AP)
    const a = w.station("a", A)
    w.send(a, AP, 100)
    w.runUntilUs(1_000)
    w.send(a, AP, 100)
    w.runUntilUs(5_000)
    const grid = AIFS_US + dataUs(100) + SIFS_US + ACK_US + AIFS_US
    assert.deepStrictEqual(w.starts, [["a", AIFS_US], ["a", grid + Math.ceil((1_000 - grid) / SLOT_US) * SLOT_US]])
    assert.lengthOf(w.draws, 0, "every scripted draw consumed, none more")
  })
})
