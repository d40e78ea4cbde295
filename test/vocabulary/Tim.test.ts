/** The TIM element (802.11-2016 9.4.2.6): which bits, which octets, what size, computed by hand from the clause. */
import { assert, describe, it } from "@effect/vitest"
import { bitmapControl, makeTim, timElementBytes, timHas } from "../../src/vocabulary/Tim.ts"

describe("TIM element", () => {
  it("no station buffered: one zero octet, offset 0, the 6-octet element", () => {
    const tim = makeTim([], 0, 2)
    assert.deepStrictEqual([...tim.partialBitmap], [0])
    assert.strictEqual(tim.offsetOctets, 0)
    assert.strictEqual(timElementBytes(tim), 6)
    assert.isFalse(timHas(tim, 1))
  })

  it("AIDs 1 and 3: octet 0 = 0b00001010", () => {
    const tim = makeTim([3, 1], 1, 2)
    assert.deepStrictEqual([...tim.partialBitmap], [0b1010])
    assert.isTrue(timHas(tim, 1))
    assert.isTrue(timHas(tim, 3))
    assert.isFalse(timHas(tim, 2))
    assert.strictEqual(tim.dtimCount, 1)
  })

  it("AIDs 17 and 20 (octet 2), 33 (octet 4): N1 = 2, octets 2..4, offset field 1", () => {
    const tim = makeTim([17, 20, 33], 0, 1)
    // Octet 2 holds AIDs 16..23: bits 1 (17) and 4 (20) = 0x12; octet 3 empty; octet 4 bit 1 (33) = 0x02.
    assert.deepStrictEqual([...tim.partialBitmap], [0x12, 0x00, 0x02])
    assert.strictEqual(tim.offsetOctets, 2)
    assert.strictEqual(bitmapControl(tim), 0b10) // Bitmap Offset 1 in bits 1–7, no group traffic
    assert.strictEqual(timElementBytes(tim), 2 + 3 + 3)
    for (const aid of [17, 20, 33]) assert.isTrue(timHas(tim, aid), `AID ${aid}`)
    for (const aid of [1, 16, 18, 25, 32, 34, 2007]) assert.isFalse(timHas(tim, aid), `AID ${aid}`)
  })

  it("N1 is rounded down to an even octet: AID 24 (octet 3) starts the partial bitmap at octet 2", () => {
    const tim = makeTim([24], 0, 1)
    assert.strictEqual(tim.offsetOctets, 2)
    assert.deepStrictEqual([...tim.partialBitmap], [0x00, 0x01])
    assert.isTrue(timHas(tim, 24))
  })

  it("refuses an AID outside 1..2007", () => {
    assert.throws(() => makeTim([0], 0, 1))
    assert.throws(() => makeTim([2008], 0, 1))
  })

  it("each TIM stands alone: neither a refused AID nor an earlier TIM's bits reach the next", () => {
    assert.throws(() => makeTim([5, 40, 0], 0, 1))
    const first = makeTim([9], 0, 1)
    // AID 9 alone: octet 1, bit 1; N1 = 0, so octets 0..1.
    assert.deepStrictEqual([...first.partialBitmap], [0x00, 0x02])
    first.partialBitmap[0] = 0xff
    assert.deepStrictEqual([...makeTim([], 0, 1).partialBitmap], [0])
    const next = makeTim([17], 0, 1)
    assert.deepStrictEqual([...next.partialBitmap], [0x02])
    assert.strictEqual(next.offsetOctets, 2)
    assert.deepStrictEqual([...first.partialBitmap], [0xff, 0x02])
  })
})
