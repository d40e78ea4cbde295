import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import {
  ackDurationNs,
  ackTimeoutNs,
  ampduBytes,
  blockAckDurationNs,
  dataSymbols,
  ampduAppend,
  ampduFits,
  exchangeAirtimeNs,
  maxAmpduMpdus,
  ppduDurationNs,
  psduExchangeNs
} from "../../src/air/Airtime.ts"
import { dataMpduBytes } from "../../src/air/FrameBytes.ts"

/** The QoS data MPDU of an IP packet on an open link (`FrameBytes.ts`, tested there). */
const mpduBytes = (ipBytes: number): number => dataMpduBytes(ipBytes, true, false)
import { ALL_PHYS, erp, ht } from "./support.ts"

// A 1500-byte IP packet becomes a 1500 + 8 (LLC/SNAP) + 26 (QoS header) + 4 (FCS) = 1538-byte MPDU,
// and 16 SERVICE + 8 × 1538 + 6 tail = 12326 bits to encode.

describe("Airtime: sizes", () => {
  it("an A-MPDU built one MPDU at a time has the size of the whole list", () => {
    let psdu = 0
    for (const size of [1538, 1538, 100]) psdu = ampduAppend(psdu, size)
    assert.strictEqual(psdu, ampduBytes([1538, 1538, 100]))
    assert.strictEqual(ampduAppend(0, 1538), 1_542)
  })

  it("A-MPDU: 4-byte delimiters, every subframe but the last padded to 4 bytes", () => {
    // 4 + 1538 = 1542 → padded 1544; 31 × 1544 + 1542 = 47864 + 1542
    assert.strictEqual(ampduBytes(32, 1538), 49_406)
    assert.strictEqual(ampduBytes(1, 1538), 1_542)
    // 1544 + 1544 + (4 + 100)
    assert.strictEqual(ampduBytes([1538, 1538, 100]), 3_192)
    // 4 + 101 = 105 → 108, then 4 + 3 = 7 unpadded at the end
    assert.strictEqual(ampduBytes([101, 3]), 115)
    assert.throws(() => ampduBytes([]), RangeError)
    assert.throws(() => ampduBytes(0, 1538), RangeError)
  })

  it.prop(
    "A-MPDU size from a count equals the size from the list",
    [Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 64 })), Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 3000 }))],
    ([count, size]) => {
      assert.strictEqual(ampduBytes(count, size), ampduBytes(Array.from({ length: count }, () => size)))
    }
  )
})

describe("Airtime: PPDUs", () => {
  it("802.11g 54 Mbit/s, 1500-byte packet: 12326 / 216 = 57.06 → 58 symbols; 20 + 58 × 4 + 6 = 258 µs", () => {
    assert.strictEqual(dataSymbols(erp(54), 1538), 58)
    assert.strictEqual(ppduDurationNs(erp(54), 1538), 258_000)
  })

  it("802.11g 6 Mbit/s, 1500-byte packet: 12326 / 24 = 513.6 → 514 symbols; 20 + 2056 + 6 = 2082 µs", () => {
    assert.strictEqual(ppduDurationNs(erp(6), 1538), 2_082_000)
  })

  it("Ack (14 bytes = 134 bits) and BlockAck (32 bytes = 278 bits) at the control-response rate", () => {
    // 54 Mbit/s → Ack at 24 Mbit/s: ⌈134 / 96⌉ = 2 symbols: 20 + 8 = 28 µs + 6 µs extension
    assert.strictEqual(ackDurationNs(erp(54)), 34_000)
    // 6 Mbit/s → Ack at 6: ⌈134 / 24⌉ = 6 symbols: 20 + 24 + 6 = 50 µs
    assert.strictEqual(ackDurationNs(erp(6)), 50_000)
    // 24 Mbit/s: ⌈278 / 96⌉ = 3 symbols: 20 + 12 + 6 = 38 µs
    assert.strictEqual(blockAckDurationNs(ht(15, 40, "short")), 38_000)
    // HT MCS 0 → 6 Mbit/s: ⌈278 / 24⌉ = 12 symbols: 20 + 48 + 6 = 74 µs
    assert.strictEqual(blockAckDurationNs(ht(0)), 74_000)
  })

  it("HT MCS 7 HT20 long GI, 1500-byte packet: ⌈12326 / 260⌉ = 48 symbols; 36 + 192 + 6 = 234 µs", () => {
    assert.strictEqual(ppduDurationNs(ht(7), 1538), 234_000)
  })

  it("HT MCS 0 HT20 long GI, 1500-byte packet: ⌈12326 / 26⌉ = 475 symbols; 36 + 1900 + 6 = 1942 µs", () => {
    assert.strictEqual(ppduDurationNs(ht(0), 1538), 1_942_000)
  })

  it("HT short GI rounds the data field up to whole 4 µs", () => {
    // MCS 15 HT40: ⌈12326 / 1080⌉ = 12 symbols × 3.6 = 43.2 µs → 4 × ⌈10.8⌉ = 44 µs; 40 + 44 + 6 = 90 µs
    assert.strictEqual(ppduDurationNs(ht(15, 40, "short"), 1538), 90_000)
    // MCS 23 HT40 (2 encoders): ⌈(16 + 12304 + 12) / 1620⌉ = 8 symbols × 3.6 = 28.8 → 32 µs; 48 + 32 + 6 = 86 µs
    assert.strictEqual(ppduDurationNs(ht(23, 40, "short"), 1538), 86_000)
  })

  it("the second encoder's 6 tail bits count: 159 bytes at HT40 MCS 21 need a second symbol", () => {
    // one encoder: 16 + 1272 + 6 = 1294 ≤ 1296 would fit one symbol; two: 1300 > 1296 → 2
    assert.strictEqual(dataSymbols(ht(21, 40), 159), 2)
    assert.strictEqual(dataSymbols(ht(21, 40), 158), 1) // 16 + 1264 + 12 = 1292
  })

  it.prop(
    "every PPDU lasts whole 4 µs steps before its extension, and never shrinks as the PSDU grows",
    [
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: ALL_PHYS.length - 1 })),
      Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 65_534 }))
    ],
    ([which, bytes]) => {
      const cfg = ALL_PHYS[which]!
      const d = ppduDurationNs(cfg, bytes)
      assert.strictEqual((d - 6_000) % 4_000, 0)
      assert.isAtLeast(ppduDurationNs(cfg, bytes + 1), d)
    }
  )
})

describe("Airtime: exchanges", () => {
  it("802.11g 54 Mbit/s, one 1500-byte packet: PPDU 258 + SIFS 10 + Ack 34 = 302 µs", () => {
    assert.strictEqual(exchangeAirtimeNs(erp(54), mpduBytes(1500), 1), 302_000)
  })

  it("802.11g 6 Mbit/s: 2082 + 10 + 50 = 2142 µs", () => {
    assert.strictEqual(exchangeAirtimeNs(erp(6), mpduBytes(1500), 1), 2_142_000)
  })

  it("802.11n MCS 7 HT20, one MPDU: 234 + 10 + 34 = 278 µs; MCS 0: 1942 + 10 + 50 = 2002 µs", () => {
    assert.strictEqual(exchangeAirtimeNs(ht(7), mpduBytes(1500), 1), 278_000)
    assert.strictEqual(exchangeAirtimeNs(ht(0), mpduBytes(1500), 1), 2_002_000)
  })

  it("802.11n MCS 15 HT40 short GI, A-MPDU of 32 × 1500 bytes: 1366 + 10 + 38 = 1414 µs", () => {
    // 49406 bytes: 16 + 395248 + 6 = 395270 bits / 1080 = 365.99 → 366 symbols × 3.6 = 1317.6 → 1320 µs;
    // + preamble 40 + extension 6 = 1366 µs; BlockAck at 24 Mbit/s 38 µs
    assert.strictEqual(ppduDurationNs(ht(15, 40, "short"), ampduBytes(32, mpduBytes(1500))), 1_366_000)
    assert.strictEqual(exchangeAirtimeNs(ht(15, 40, "short"), mpduBytes(1500), 32), 1_414_000)
  })

  it("AckTimeout = SIFS 10 + slot 9 + 20 µs of Ack preamble and SIGNAL = 39 µs", () => {
    assert.strictEqual(ackTimeoutNs(erp(54)), 39_000)
    assert.strictEqual(ackTimeoutNs(ht(7)), 39_000)
  })

  it("format limits are a RangeError", () => {
    assert.throws(() => exchangeAirtimeNs(erp(54), mpduBytes(1500), 2), RangeError) // no A-MPDU on 802.11g
    assert.throws(() => exchangeAirtimeNs(erp(54), mpduBytes(4058), 1), RangeError) // 4096-byte PSDU > 4095
    assert.doesNotThrow(() => exchangeAirtimeNs(erp(54), mpduBytes(4057), 1))
    assert.throws(() => exchangeAirtimeNs(ht(7), mpduBytes(1500), 0), RangeError)
    assert.throws(() => exchangeAirtimeNs(ht(15, 40, "short"), mpduBytes(10), 65), RangeError) // > 64 MPDUs
    // 43 × 1500: 42 × 1544 + 1542 = 66390 bytes > 65535; 42: 41 × 1544 + 1542 = 64846 fits
    assert.throws(() => exchangeAirtimeNs(ht(15, 40, "short"), mpduBytes(1500), 43), RangeError)
    assert.doesNotThrow(() => exchangeAirtimeNs(ht(15, 40, "short"), mpduBytes(1500), 42))
    // MCS 7 HT20: 28 MPDUs = 43230 bytes → ⌈345862 / 260⌉ = 1331 symbols: 36 + 5324 = 5360 µs ≤ 5484;
    // 29 MPDUs = 44774 bytes → ⌈358214 / 260⌉ = 1378 symbols: 36 + 5512 = 5548 µs > 5484
    assert.doesNotThrow(() => exchangeAirtimeNs(ht(7), mpduBytes(1500), 28))
    assert.throws(() => exchangeAirtimeNs(ht(7), mpduBytes(1500), 29), RangeError)
  })

  it("maxAmpduMpdus: the largest burst each limit allows", () => {
    assert.strictEqual(maxAmpduMpdus(erp(54), mpduBytes(1500)), 1)
    assert.strictEqual(maxAmpduMpdus(ht(7), mpduBytes(1500)), 28) // PPDU time, above
    assert.strictEqual(maxAmpduMpdus(ht(15, 40, "short"), mpduBytes(1500)), 42) // 65535 bytes, above
    assert.strictEqual(maxAmpduMpdus(ht(15, 40, "short"), mpduBytes(64)), 64) // BlockAck bitmap
    // MCS 0: 2 MPDUs = 3086 bytes → ⌈24710 / 26⌉ = 951 symbols: 36 + 3804 = 3840 µs;
    // 3 MPDUs = 4630 bytes → ⌈37062 / 26⌉ = 1426 symbols: 36 + 5704 = 5740 µs > 5484
    assert.strictEqual(maxAmpduMpdus(ht(0), mpduBytes(1500)), 2)
  })
})

describe("Airtime: the burst builder's pieces", () => {
  it("an A-MPDU fits while it stays within 65,535 bytes and 5.484 ms", () => {
    // 42 MPDUs of 1538 bytes: 41 × 1544 + 1542 = 64,846 bytes; 43 would be 66,390.
    assert.isTrue(ampduFits(ht(15, 40, "short"), ampduBytes(42, 1538)))
    assert.isFalse(ampduFits(ht(15, 40, "short"), ampduBytes(43, 1538)))
    // MCS 7 HT20: 28 fit in the PPDU's time, 29 do not (as maxAmpduMpdus says).
    assert.isTrue(ampduFits(ht(7), ampduBytes(28, 1538)))
    assert.isFalse(ampduFits(ht(7), ampduBytes(29, 1538)))
  })

  it("one PSDU's exchange: data, SIFS, then an Ack or a BlockAck", () => {
    // 54 Mbit/s, one 1538-byte MPDU (802.11-2016 17.4.3, Table 18-5): ⌈12326 / 216⌉ = 58 symbols,
    // 20 + 232 + 6 (signal extension) = 258 µs; SIFS 10; Ack at 24 Mbit/s (10.7.6.5.2):
    // ⌈(16 + 112 + 6) / 96⌉ = 2 symbols, 20 + 8 + 6 = 34 µs. 258 + 10 + 34 = 302 µs.
    const erpExchangeNs = 302_000
    assert.strictEqual(psduExchangeNs(erp(54), 1538, false), erpExchangeNs)
    assert.strictEqual(exchangeAirtimeNs(erp(54), 1538, 1), erpExchangeNs)
    // MCS 15, 40 MHz, short GI, 32 MPDUs = 49,406 bytes (19.4.3): N_DBPS 1080, N_ES 1 (Table 19-32):
    // ⌈(16 + 395,248 + 6) / 1080⌉ = 366 symbols × 3.6 = 1317.6 µs, rounded up to 4 µs: 1320;
    // HT-mixed preamble 20 + 8 (HT-SIG) + 4 (HT-STF) + 2 × 4 (HT-LTF) = 40; + 6 extension: 1366 µs.
    // SIFS 10; BlockAck (32 bytes) at 24 Mbit/s, the reference rate of 64-QAM 5/6 being 54:
    // ⌈(16 + 256 + 6) / 96⌉ = 3 symbols, 20 + 12 + 6 = 38 µs. 1366 + 10 + 38 = 1414 µs.
    const htExchangeNs = 1_414_000
    assert.strictEqual(psduExchangeNs(ht(15, 40, "short"), ampduBytes(32, 1538), true), htExchangeNs)
    assert.strictEqual(exchangeAirtimeNs(ht(15, 40, "short"), 1538, 32), htExchangeNs)
  })
})

