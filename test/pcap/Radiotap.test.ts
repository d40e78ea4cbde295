import { assert, describe, it } from "@effect/vitest"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { LINKTYPE_IEEE802_11_RADIOTAP, PCAP_MAGIC_NANOSECONDS, writeFileHeader, writeRecordHeader } from "../../src/pcap/PcapFormat.ts"
import { readPcap, readRadiotap } from "../../src/pcap/PcapReader.ts"
import { channelFrequencyMhz, radiotapBytes, RadiotapFlag, writeRadiotap } from "../../src/pcap/Radiotap.ts"

const ERP: PhyConfig = { standard: "802.11g", rateMbps: 54 }
const HT40: PhyConfig = { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }

const header = (phy: PhyConfig, signalDbm: number, reference: number): Uint8Array => {
  const bytes = new Uint8Array(64).fill(0xee)
  const n = writeRadiotap(new DataView(bytes.buffer), 0, 5_000_000_123, RadiotapFlag.FcsAtEnd, phy, 6, signalDbm, reference, true)
  assert.strictEqual(n, radiotapBytes(phy, !Number.isNaN(signalDbm), reference >= 0))
  return bytes.slice(0, n)
}

describe("Radiotap: how each PPDU went on the air", () => {
  it("channel centre frequencies (2407 + 5n MHz, channel 14 at 2484)", () => {
    assert.deepStrictEqual([1, 6, 11, 13, 14].map(channelFrequencyMhz), [2412, 2437, 2462, 2472, 2484])
  })

  it("a non-HT PPDU: TSFT, flags, rate in 500 kb/s, channel, signal, each at its alignment", () => {
    const h = header(ERP, -61.6, -1)
    // 8 header + TSFT 8 + flags 1 + rate 1 + channel 4 + signal 1 = 23.
    assert.strictEqual(h.length, 23)
    const r = readRadiotap(h)
    assert.strictEqual(r.present, 0b101111)
    assert.strictEqual(r.tsftUs, 5_000_000_123)
    assert.strictEqual(r.flags, 0x10)
    assert.strictEqual(r.rateMbps, 54)
    assert.strictEqual(r.channelMhz, 2437)
    assert.strictEqual(r.channelFlags, 0x00c0)
    assert.strictEqual(r.signalDbm, -62)
    assert.strictEqual(r.mcs, undefined)
  })

  it("an HT A-MPDU subframe: MCS field (index, 40 MHz, short GI) instead of the rate, A-MPDU status 4-aligned, no signal", () => {
    const h = header(HT40, NaN, 77)
    // 8 + 8 + 1, channel at 18 (2-aligned) + 4 = 22, MCS 3 = 25, A-MPDU at 28 + 8 = 36.
    assert.strictEqual(h.length, 36)
    const r = readRadiotap(h)
    assert.strictEqual(r.rateMbps, undefined)
    assert.strictEqual(r.signalDbm, undefined)
    assert.deepStrictEqual(r.mcs, { known: 0x7f, flags: 0x05, index: 15 })
    assert.deepStrictEqual(r.ampdu, { reference: 77, flags: 0x0c })
  })

  it("the Flags field's short-GI bit (0x80) agrees with the MCS field's guard interval; a non-HT PPDU never has it", () => {
    // radiotap.org "Flags": 0x10 FCS at end, 0x80 short guard interval.
    assert.strictEqual(readRadiotap(header(HT40, -60, -1)).flags, 0x10 | 0x80)
    assert.strictEqual(readRadiotap(header({ ...HT40, guardInterval: "long" }, -60, -1)).flags, 0x10)
    assert.strictEqual(readRadiotap(header(ERP, -60, -1)).flags, 0x10)
  })
})

describe("PcapReader: the file format", () => {
  const file = (records: ReadonlyArray<readonly [number, Uint8Array]>): Uint8Array => {
    const bytes = new Uint8Array(24 + records.reduce((n, [, d]) => n + 16 + d.length, 0))
    const view = new DataView(bytes.buffer)
    let at = writeFileHeader(view, 0)
    for (const [t, d] of records) {
      at += writeRecordHeader(view, at, t, d.length)
      bytes.set(d, at)
      at += d.length
    }
    return bytes
  }

  it("reads back the header (nanosecond magic, version 2.4, link type 127) and the records' times to the nanosecond", () => {
    const bytes = file([[1_500_000_007, new Uint8Array([1, 2, 3])], [2_000_000_000, new Uint8Array(0)]])
    assert.strictEqual(new DataView(bytes.buffer).getUint32(0, true), PCAP_MAGIC_NANOSECONDS)
    const p = readPcap(bytes)
    assert.isTrue(p.nanosecondResolution)
    assert.deepStrictEqual([p.versionMajor, p.versionMinor, p.linkType], [2, 4, LINKTYPE_IEEE802_11_RADIOTAP])
    assert.deepStrictEqual(p.records.map((r) => r.timeNs), [1_500_000_007, 2_000_000_000])
    assert.deepStrictEqual([...p.records[0]!.data], [1, 2, 3])
  })

  it("refuses what is not pcap, and a file cut inside a record", () => {
    assert.throws(() => readPcap(new Uint8Array(24)), RangeError, "magic")
    const bytes = file([[0, new Uint8Array(10)]])
    assert.throws(() => readPcap(bytes.subarray(0, bytes.length - 1)), RangeError, "cut")
    assert.throws(() => readPcap(bytes.subarray(0, 30)), RangeError, "cut")
  })
})
