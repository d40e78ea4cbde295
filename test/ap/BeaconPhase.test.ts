/**
 * Each AP beacons at a phase of its own: its TBTTs fall where its own TSF is a multiple of the beacon
 * interval (802.11-2016 11.1.3.1), and its TSF started when it did. A scenario may fix the phase
 * (`tbttOffsetUs`); by default each AP's is drawn from the run's seed, over the whole interval.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { apClockDriftsPpm, drawClockDriftPpm, firstTbttNs, tsfOffsetNs } from "../../src/ap/BeaconPhase.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { runWorld } from "../../src/run/RunWorld.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { decodeScenario } from "../../src/scenario/ScenarioLoad.ts"
import { collector, Dot11, macOf } from "../pcap/support.ts"

/** 1 TU = 1024 µs (802.11-2016 3.2); the default interval, 100 TU. */
const INTERVAL_US = 100 * 1024
/**
 * The most a beacon waits after its TBTT on an idle channel (802.11g, ERP-OFDM): DIFS = SIFS + 2 slots
 * = 10 + 2 × 9 µs, then at most CWmin = 15 slots (802.11-2016 Table 18-17, 10.3.2.3.3, 10.3.3);
 * the first beacon of a run also waits for nothing else. Written out here, not taken from the model.
 */
const MAX_ACCESS_DELAY_US = 10 + 2 * 9 + 15 * 9
/** A 6 Mb/s beacon's Timestamp follows its first data symbol by 8 symbols of 4 µs (SERVICE + 24 header bytes = 208 bits, 24 a symbol), after the 20 µs preamble. */
const TIMESTAMP_AFTER_START_US = 20 + 8 * 4

const BSSIDS = ["02:00:00:00:01:00", "02:00:00:00:01:01", "02:00:00:00:01:02"]
const threeAps = (offsets: ReadonlyArray<number | undefined>, driftsPpm: ReadonlyArray<number | undefined> = [], durationSeconds = 2) => ({
  durationSeconds,
  warmupSeconds: 0,
  aps: BSSIDS.map((bssid, i) => ({
    ssid: `ap${i}`, bssid, channel: [1, 6, 11][i], security: { kind: "open" },
    ...(offsets[i] === undefined ? {} : { tbttOffsetUs: offsets[i] }),
    ...(driftsPpm[i] === undefined ? {} : { clockDriftPpm: driftsPpm[i] })
  })),
  vms: []
})

interface Beacon {
  readonly bssid: number
  readonly startUs: number
  readonly timestampUs: number
}

/** The beacons on the air in the first `seconds`: who sent each, when it started, its Timestamp field. */
const beaconsOf = (input: unknown, seed: number, seconds: number) =>
  Effect.gen(function*() {
    const scenario = yield* Effect.orDie(decodeScenario(input))
    const c = collector()
    yield* runWorld(scenario, { seed, pcap: c.sink }, (world) =>
      Effect.gen(function*() {
        yield* Simulation.sleep(seconds * 1e9)
        world.capture!.flush()
      }))
    const beacons: Array<Beacon> = []
    for (const r of readPcap(c.bytes()).records) {
      const rt = readRadiotap(r.data)
      const h = readDot11(r.data, rt.lengthBytes)
      if (h.type !== Dot11.MANAGEMENT || h.subtype !== Dot11.BEACON) continue
      const body = new DataView(r.data.buffer, r.data.byteOffset + h.bodyOffset)
      beacons.push({ bssid: h.addr2!, startUs: r.timeNs / 1000, timestampUs: body.getUint32(4, true) * 2 ** 32 + body.getUint32(0, true) })
    }
    return beacons
  })

describe("BeaconPhase: the first TBTT and the AP's TSF", () => {
  it("takes a scenario's offset as it is, else a draw over the interval on a whole µs", () => {
    const intervalNs = INTERVAL_US * 1000
    assert.strictEqual(firstTbttNs(1234, intervalNs, () => 0.5), 1_234_000)
    assert.strictEqual(firstTbttNs(undefined, intervalNs, () => 0), 0)
    assert.strictEqual(firstTbttNs(undefined, intervalNs, () => 0.25), 25_600_000)
    assert.strictEqual(firstTbttNs(undefined, intervalNs, () => 0.999_999_999), 102_399_000)
    assert.strictEqual(firstTbttNs(undefined, intervalNs, () => 0.123_456_789) % 1000, 0)
    // The AP's TSF is a multiple of the interval at its first TBTT, whatever its clock's rate.
    for (const first of [0, 1_000, 51_200_000, 102_399_000]) {
      assert.strictEqual((first + tsfOffsetNs(first, intervalNs)) % intervalNs, 0)
      for (const rate of [1 + 25e-6, 1 - 40e-6]) {
        const r = (first * rate + tsfOffsetNs(first, intervalNs, rate)) % intervalNs
        assert.isTrue(r < 1e-6 || intervalNs - r < 1e-6, `first ${first}, rate ${rate}: ${r}`)
      }
    }
  })

  it("draws an AP's drift as two crystals within their tolerance, ±25 ppm in 2.4 GHz and ±20 in 5 GHz (the card's ±25)", () => {
    assert.strictEqual(drawClockDriftPpm(false, 0.5, 0.5), 0)
    assert.closeTo(drawClockDriftPpm(false, 1, 0), 50, 1e-12)
    assert.closeTo(drawClockDriftPpm(false, 0, 1), -50, 1e-12)
    assert.closeTo(drawClockDriftPpm(true, 1, 0.5), 20, 1e-12)
    assert.closeTo(drawClockDriftPpm(true, 0, 0), -20 + 25, 1e-12)
    // A scenario's drift is kept; the others come from their own streams and one card draw.
    const draws: Array<string> = []
    const drifts = apClockDriftsPpm(
      [{ bssid: "a", channel: 1 }, { bssid: "b", channel: 6, clockDriftPpm: -3 }, { bssid: "c", channel: 36 }],
      (stream) => (draws.push(stream), stream === "clock/card" ? 0.25 : stream === "clock/a" ? 0.75 : 0)
    )
    assert.deepStrictEqual(drifts, [12.5 + 12.5, -3, -20 + 12.5])
    assert.deepStrictEqual(draws, ["clock/a", "clock/card", "clock/c"])
  })
})

describe("BeaconPhase: beacons on the air", () => {
  it.effect("an AP with tbttOffsetUs beacons at that offset plus whole intervals of its own clock, and its Timestamp says its TSF is a multiple of the interval there", () =>
    Effect.gen(function*() {
      const offsets = [0, 34_000, 90_001]
      // A clock 200 ppm fast, one on time, one 150 ppm slow: over 1 s, TBTTs 200 µs early and 150 µs late.
      const driftsPpm = [200, 0, -150]
      const beacons = yield* beaconsOf(threeAps(offsets, driftsPpm), 1, 1)
      BSSIDS.forEach((text, i) => {
        const own = beacons.filter((b) => b.bssid === macOf(text))
        // 1 s holds 10 intervals of 102.4 ms: 10 beacons for each phase below 24 ms, 9 above.
        assert.strictEqual(own.length, offsets[i]! < 1_000_000 - 9 * INTERVAL_US ? 10 : 9, text)
        const rate = 1 + driftsPpm[i]! * 1e-6
        own.forEach((b, k) => {
          // Its TSF counts one interval from TBTT to TBTT; the run's clock counts that / rate.
          const tbttUs = offsets[i]! + (k * INTERVAL_US) / rate
          assert.isAtLeast(b.startUs, tbttUs - 0.001, `${text}'s beacon ${k}`)
          assert.isAtMost(b.startUs, tbttUs + MAX_ACCESS_DELAY_US, `${text}'s beacon ${k}`)
          // On the AP's own clock, the beacon left (`startUs − tbttUs`) × rate after a multiple of the interval.
          const sinceTbttUs = (b.timestampUs - TIMESTAMP_AFTER_START_US) % INTERVAL_US
          assert.closeTo(sinceTbttUs, (b.startUs - tbttUs) * rate, 1, `${text}'s beacon ${k}`)
        })
      })
    }))

  it.effect("by default each AP's clock runs at a drift drawn from the seed, which its Timestamps show against the capture's clock", () =>
    Effect.gen(function*() {
      const scenario = yield* Effect.orDie(decodeScenario(threeAps([0, 30_000, 60_000], [], 10)))
      const report = yield* runScenario(scenario, { seed: 3 })
      const drifts = report.aps.map((a) => a.clockDriftPpm)
      for (const d of drifts) assert.isAtMost(Math.abs(d), 50)
      assert.strictEqual(new Set(drifts).size, 3)
      const beacons = yield* beaconsOf(threeAps([0, 30_000, 60_000], [], 10), 3, 10)
      BSSIDS.forEach((text, i) => {
        const own = beacons.filter((b) => b.bssid === macOf(text))
        const first = own[0]!
        const last = own[own.length - 1]!
        // Timestamps are whole µs: over ~10 s, the rate's error is under 0.3 ppm.
        const measuredPpm = ((last.timestampUs - first.timestampUs) / (last.startUs - first.startUs) - 1) * 1e6
        assert.closeTo(measuredPpm, drifts[i]!, 0.3, text)
      })
    }))

  it.effect("by default each AP's phase is drawn from the seed: the same seed, the same phases; over seeds, anywhere in the interval", () =>
    Effect.gen(function*() {
      const phases: Array<number> = []
      let seedsWithApsInStep = 0
      for (let seed = 1; seed <= 24; seed++) {
        const beacons = yield* beaconsOf(threeAps([]), seed, 0.11)
        const first = BSSIDS.map((text) => beacons.find((b) => b.bssid === macOf(text))!.startUs)
        for (const us of first) assert.isBelow(us, INTERVAL_US + MAX_ACCESS_DELAY_US)
        phases.push(...first)
        const sorted = [...first].sort((a, b) => a - b)
        if (sorted[2]! - sorted[0]! < 1_000) seedsWithApsInStep++
        if (seed === 1) assert.deepStrictEqual(yield* beaconsOf(threeAps([]), seed, 0.11), beacons, "the same seed again")
      }
      // 72 phases, uniform over 102.4 ms: each quarter of the interval holds 18 on average; below 6 or
      // above 32 has a chance under 1e-3 per quarter (binomial, n = 72, p = 1/4).
      for (let q = 0; q < 4; q++) {
        const inQuarter = phases.filter((us) => Math.floor((4 * us) / INTERVAL_US) === q).length
        assert.isAtLeast(inQuarter, 6, `quarter ${q}`)
        assert.isAtMost(inQuarter, 32, `quarter ${q}`)
      }
      // Three uniform phases all within 1 ms of one another: a chance of about 3 × (1/102.4)² ≈ 3e-4 per seed.
      assert.strictEqual(seedsWithApsInStep, 0)
      assert.isAbove(new Set(phases).size, 70, "different seeds, different phases")
    }))
})

describe("BeaconPhase: clocks that drift apart", () => {
  // Two APs on one channel whose first TBTTs fall in the same µs, with no station: each beacon waits
  // PIFS on an idle medium and goes without backoff, so two due within aCCATime (4 µs, 802.11-2016
  // Table 19-25) collide. On one clock they stay in step and collide at every TBTT; 100 ppm fast and
  // 100 ppm slow, their k-th TBTTs are k × 102,400 × (1/(1 − 1e-4) − 1/(1 + 1e-4)) ≈ 20.5k µs apart:
  // only the first pair collides, and the slow AP's beacon waits for the fast one's after that.
  const coChannel = (driftsPpm: ReadonlyArray<number>) => ({
    durationSeconds: 2,
    warmupSeconds: 0,
    aps: driftsPpm.map((clockDriftPpm, i) => ({
      ssid: `ap${i}`, bssid: BSSIDS[i]!, channel: 6, security: { kind: "open" }, tbttOffsetUs: 0, clockDriftPpm
    })),
    vms: []
  })
  it.effect("in step on one clock they collide at every TBTT; 200 ppm apart, at the first only", () =>
    Effect.gen(function*() {
      const together = yield* runScenario(yield* Effect.orDie(decodeScenario(coChannel([0, 0]))), { seed: 1 })
      const apart = yield* runScenario(yield* Effect.orDie(decodeScenario(coChannel([100, -100]))), { seed: 1 })
      // 2 s hold 20 TBTTs (0, 102.4 ms, …, 1945.6 ms) of each.
      assert.strictEqual(together.air.collisions, 20)
      assert.strictEqual(apart.air.collisions, 1)
      assert.deepStrictEqual(apart.aps.map((a) => a.clockDriftPpm), [100, -100])
    }))
})
