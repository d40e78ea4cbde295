/**
 * The reader of 802.11 MAC headers (`readDot11`) on headers vwifi never writes but a capture from
 * elsewhere holds: four addresses (To DS and From DS), HT Control (+HTC), a frame cut short. It read a
 * 4-address frame's Address 4 as its QoS Control and put the body 6 bytes early, and ignored HT Control.
 */
import { assert, describe, it } from "@effect/vitest"
import { readDot11 } from "../../src/pcap/PcapReader.ts"

/** A header built byte by byte (802.11-2016 9.2.3: little-endian fields, addresses as sent). */
const header = (fc0: number, flags: number, extra: ReadonlyArray<number>): Uint8Array => {
  const address = (last: number) => [0x02, 0, 0, 0, 0, last]
  return new Uint8Array([fc0, flags, 0x2c, 0x00, ...address(1), ...address(2), ...address(3), 0x50, 0x01, ...extra, 0xaa, 0xbb])
}
/** QoS Data: type 2, subtype 8 (Frame Control's first octet 0x88). */
const QOS_DATA = 0x88

describe("readDot11", () => {
  it("reads a four-address QoS data frame: Address 4, then QoS Control, then the body", () => {
    const frame = header(QOS_DATA, 0x03, [0x02, 0, 0, 0, 0, 4, 0x05, 0x00])
    const h = readDot11(frame, 0)
    assert.strictEqual(h.addr4, 0x020000000004)
    assert.strictEqual(h.qosControl, 5)
    assert.strictEqual(h.bodyOffset, 24 + 6 + 2)
    assert.strictEqual(h.sequence, 0x0150 >> 4) // Sequence Control 0x0150: fragment 0, sequence 21
    assert.strictEqual(frame[h.bodyOffset], 0xaa)
  })

  it("reads HT Control after QoS Control when the Order bit is set", () => {
    const frame = header(QOS_DATA, 0x80, [0x07, 0x00, 0x01, 0x02, 0x03, 0x04])
    const h = readDot11(frame, 0)
    assert.strictEqual(h.qosControl, 7)
    assert.strictEqual(h.htControl, 0x04030201)
    assert.strictEqual(h.addr4, undefined)
    assert.strictEqual(h.bodyOffset, 24 + 2 + 4)
  })

  it("names a frame shorter than its header and an offset that is no place, instead of DataView's bare error", () => {
    // An RTS (control, subtype 11) of 10 bytes: it has two addresses, 16 bytes.
    assert.throws(() => readDot11(new Uint8Array([0xb4, 0, 0, 0, 2, 0, 0, 0, 0, 1]), 0), RangeError, "control frame (subtype 11) shorter than its 16-byte header")
    assert.throws(() => readDot11(header(QOS_DATA, 0x03, [0x02, 0, 0]), 0), RangeError, "QoS data frame shorter than its 32-byte header")
    assert.throws(() => readDot11(header(QOS_DATA, 0, [5, 0]), -2), RangeError, "offset -2")
  })
})
