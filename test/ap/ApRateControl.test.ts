/**
 * An AP's rate control for what it sends its stations (`ApRates`): one controller per associated
 * station, whose chain the AP's radio sends that station's data by. Then, on the air, a downlink to a
 * distant station: at a fixed 54 Mb/s next to nothing arrives, with rate control the AP finds the
 * rate the link carries, and the goodput stays under that rate's ceiling, worked out by hand here.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { ApRates } from "../../src/ap/ApRateControl.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { Station } from "../../src/air/Station.ts"
import { Prng } from "../../src/kernel/Prng.ts"
import { readDot11, readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { collector } from "../pcap/support.ts"
import { runChecked, scenarioOf } from "../model/support.ts"

const ERP: PhyConfig = { standard: "802.11g", rateMbps: 54 }
const A = 0x020000000200
const B = 0x020000000201

const apStation = () =>
  new Station({ name: "ap", mac: 0x020000000100, channel: 6, phy: ERP, receivesBroadcast: true, maxAggregate: 1, cwMin: 15, owner: { received: () => {}, sent: () => {} } })

/** Attempts and acknowledgements at one ladder index (802.11g's: 6, 9, 12, 18, 24, 36, 48, 54 Mb/s). */
const at = (index: number, attempts: number, acked: number) => {
  const a = new Array<number>(8).fill(0)
  const k = new Array<number>(8).fill(0)
  a[index] = attempts
  k[index] = acked
  return { attempts: a, acked: k }
}

describe("ApRates: a controller per associated station", () => {
  it("gives each station a chain of its own, moves it on that station's TX statuses only, and forgets it when it goes", () => {
    const station = apStation()
    const rates = new ApRates(station, { kind: "arf", phy: ERP, random: () => new Prng(1) })
    rates.associated(A, 0)
    rates.associated(B, 0)
    // ARF starts at the PHY's rate, 54 Mb/s (ladder index 7).
    assert.strictEqual(station.chainFor(A)!.stages[0]!.rateIndex, 7)
    // Two failures in a row at the current rate: ARF steps down one rate, to 48 Mb/s (Kamerman & Monteban), for A alone.
    rates.report(A, at(7, 2, 0), 1, 1_000)
    assert.strictEqual(station.chainFor(A)!.stages[0]!.rateIndex, 6)
    assert.strictEqual(station.chainFor(B)!.stages[0]!.rateIndex, 7)
    // A station it keeps no controller for goes by the station's own chain (none: the PHY's rate).
    assert.isUndefined(station.chainFor(0x020000000299))
    rates.forget(A)
    assert.isUndefined(station.chainFor(A))
    assert.isDefined(station.chainFor(B))
    // A report for a station that is gone changes nothing.
    rates.report(A, at(7, 2, 0), 1, 2_000)
    assert.isUndefined(station.chainFor(A))
    rates.clear()
    assert.strictEqual(station.chains.size, 0)
  })

  it("keeps none with a fixed rate: every frame at the PHY's rate", () => {
    const station = apStation()
    const rates = new ApRates(station, { kind: "fixed", phy: ERP, random: () => new Prng(1) })
    rates.associated(A, 0)
    assert.strictEqual(station.chains.size, 0)
    assert.isUndefined(station.chainFor(A))
  })
})

/**
 * The most a saturated downlink of 1472-byte UDP datagrams can carry at 24 Mb/s on an ERP-OFDM link
 * with WMM and CCMP, one MPDU per exchange, no loss, by 802.11-2016's timings:
 * - the MPDU: 1500 bytes of IP, 8 of LLC/SNAP, a 26-byte QoS data header, 16 of CCMP and a 4-byte FCS = 1554 bytes;
 * - its PPDU: 20 µs of preamble and SIGNAL + 4 µs per symbol of 96 bits for SERVICE (16), the MPDU and 6 tail bits:
 *   ⌈(16 + 8 × 1554 + 6) / 96⌉ = 130 symbols, 540 µs (17.3.2.3, Table 17-4);
 * - the Ack at 24 Mb/s (the highest basic rate not above it): 14 bytes, ⌈(16 + 112 + 6) / 96⌉ = 2 symbols, 28 µs;
 * - AC_BE's AIFS = SIFS + 3 slots = 10 + 27 µs and a mean backoff of CWmin / 2 = 7.5 slots of 9 µs
 *   (10.22.2, Table 9-137, Table 18-17): 37 + 67.5 µs; SIFS before the Ack, 10 µs.
 * 1472 × 8 bits every 682.5 µs: 17.25 Mb/s.
 */
const CEILING_24_MBPS = (1472 * 8) / (37 + 67.5 + 540 + 10 + 28)

const distantDownlink = (apRateControl: string) => ({
  mode: "virtual-wifi",
  durationSeconds: 5,
  warmupSeconds: 1,
  card: { rateControl: "minstrel" },
  // SNR 13 dB: 24 Mb/s gets most frames through, 36 Mb/s and up next to none (seen on the air below).
  aps: [{ ssid: "far", bssid: "02:00:00:00:01:01", signalDbm: -82, rateControl: apRateControl }],
  vms: [{ name: "vm1", ssid: "far", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx", offeredMbps: "saturate" }] }]
})

/** The AP's protected data frames on the air (From DS; the handshake's EAPOL-Key frames go in the clear, at the basic rate), by rate: sent, and delivered (no bad-FCS flag). */
const apDataByRate = (bytes: Uint8Array) => {
  const sent = new Map<number, number>()
  const good = new Map<number, number>()
  for (const r of readPcap(bytes).records) {
    const rt = readRadiotap(r.data)
    const h = readDot11(r.data, rt.lengthBytes)
    if (h.type !== 2 || (h.flags & 0x03) !== 0x02 || h.subtype !== 8 || (h.flags & 0x40) === 0) continue // protected QoS data from the AP
    sent.set(rt.rateMbps!, (sent.get(rt.rateMbps!) ?? 0) + 1)
    if ((rt.flags & 0x40) === 0) good.set(rt.rateMbps!, (good.get(rt.rateMbps!) ?? 0) + 1)
  }
  return { sent, good }
}

describe("an AP's rate control on the air: a saturated downlink to a distant station", () => {
  it.effect("at a fixed 54 Mb/s next to nothing arrives; Minstrel and ARF find the link's rate, under its ceiling", () =>
    Effect.gen(function*() {
      const results = new Map<string, { downlinkMbps: number; topRateMbps: number | null; sent: Map<number, number>; good: Map<number, number> }>()
      for (const kind of ["fixed", "minstrel", "arf"]) {
        const c = collector()
        const { report } = yield* runChecked(yield* scenarioOf(distantDownlink(kind)), { seed: 1, pcap: c.sink })
        for (const [k, n] of Object.entries(report.invariants)) assert.strictEqual(n, 0, `${kind}: ${k}`)
        const onAir = apDataByRate(c.bytes())
        results.set(kind, { downlinkMbps: report.vms[0]!.downlinkMbps, topRateMbps: report.aps[0]!.rates.topRateMbps, ...onAir })
        // The report's attempts by rate are the AP's data MPDUs the capture saw, rate for rate, but for
        // those of the burst still under way at the end, whose TX status has not come: fewer than the 7
        // attempts a frame has at most (a fixed chain's; Minstrel's and ARF's have fewer).
        assert.strictEqual(report.aps[0]!.rates.algorithm, kind)
        const reported = report.aps[0]!.rates.attemptsByRateMbps
        for (const [rate, n] of onAir.sent) {
          const pending = n - (reported[String(rate)] ?? 0)
          assert.isTrue(pending >= 0 && pending < 7, `${kind}: ${n} on the air at ${rate} Mb/s, ${reported[String(rate)]} reported`)
        }
        assert.deepStrictEqual(Object.keys(reported).filter((rate) => !onAir.sent.has(Number(rate))), [], kind)
      }
      const fixed = results.get("fixed")!
      assert.deepStrictEqual([...fixed.sent.keys()].filter((r) => r !== 54), [], "fixed: every data frame at 54 Mb/s")
      assert.isBelow(fixed.downlinkMbps, 0.1)
      for (const kind of ["minstrel", "arf"]) {
        const r = results.get(kind)!
        assert.isAbove(r.downlinkMbps, 8, kind)
        assert.isAtMost(r.downlinkMbps, CEILING_24_MBPS, kind)
        // Next to nothing above 24 Mb/s got through (the loss model loses a 1554-byte frame at 36 Mb/s
        // and SNR 13 dB with probability 0.9993: a lucky one may pass): the goodput is bounded by 24 Mb/s's ceiling.
        for (const [rate, n] of r.good) if (rate > 24) assert.isAtMost(n, Math.max(1, 0.01 * r.sent.get(rate)!), `${kind}: delivered at ${rate} Mb/s`)
        // Most of what it sent went at 24 Mb/s or below: it sampled the higher rates, it did not stay there.
        const total = [...r.sent.values()].reduce((a, b) => a + b, 0)
        const low = [...r.sent].filter(([rate]) => rate <= 24).reduce((a, [, n]) => a + n, 0)
        assert.isAbove(low / total, 0.8, kind)
        assert.isAtMost(r.topRateMbps!, 24, kind)
      }
    }), { timeout: 60_000 })
})
