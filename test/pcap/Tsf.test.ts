import { assert, describe, it } from "@effect/vitest"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { tsfOfPsduByteUs } from "../../src/pcap/Tsf.ts"

describe("Tsf: when a PSDU's bytes go on the air", () => {
  it("ERP-OFDM: behind 20 µs of preamble and SIGNAL, in the 4 µs data symbol that carries the byte's first bit", () => {
    const at6: PhyConfig = { standard: "802.11g", rateMbps: 6 }
    const at54: PhyConfig = { standard: "802.11g", rateMbps: 54 }
    // 802.11-2016 Table 17-5: preamble 16 µs + SIGNAL 4 µs; the first data symbol holds SERVICE and the MPDU's first bits.
    assert.strictEqual(tsfOfPsduByteUs(at6, 1_000_000, 0), 1_000 + 20)
    // A beacon's Timestamp at 6 Mb/s (N_DBPS 24, Table 17-4): SERVICE 16 bits + 24 header bytes = 208 bits,
    // so its first bit is in data symbol 8 (counting from 0): 20 + 8 × 4 µs.
    assert.strictEqual(tsfOfPsduByteUs(at6, 1_000_000, 24), 1_000 + 20 + 32)
    // At 54 Mb/s (N_DBPS 216) the first symbol still holds it.
    assert.strictEqual(tsfOfPsduByteUs(at54, 1_000_000, 24), 1_000 + 20)
    // The TSF counts whole µs: a PPDU starting 999 ns into a µs.
    assert.strictEqual(tsfOfPsduByteUs(at6, 999, 0), 20)
  })

  it("HT-mixed MCS 15 HT40 short GI: 40 µs of preamble for two streams, then 3.6 µs symbols", () => {
    const ht: PhyConfig = { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }
    // 802.11-2016 19.4.3: L-STF 8 + L-LTF 8 + L-SIG 4 + HT-SIG 8 + HT-STF 4 + 2 HT-LTFs × 4 = 40 µs.
    assert.strictEqual(tsfOfPsduByteUs(ht, 0, 0), 40)
    // N_DBPS = 108 data subcarriers × 6 bits × 5/6 × 2 streams = 1080 (Table 19-33): byte 200's first bit
    // (bit 16 + 1600) is in symbol 1, 3.6 µs after the first: 43.6 µs, whole µs 43.
    assert.strictEqual(tsfOfPsduByteUs(ht, 0, 132), 40) // its first bit, 16 + 1056, is still in symbol 0
    assert.strictEqual(tsfOfPsduByteUs(ht, 0, 200), 43)
  })
})
