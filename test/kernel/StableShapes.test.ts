/**
 * The helpers that make arrays and fields in V8's general forms must still give the plain values:
 * an empty array, n zeros, and a kernel whose clock starts at 0.
 */
import { assert, describe, it } from "@effect/vitest"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { appendTo, doubleArray, objectArray, shareNumbers } from "../../src/kernel/StableShapes.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"

describe("StableShapes", () => {
  it("objectArray is a new empty array each time", () => {
    const a = objectArray<{ readonly n: number }>()
    const b = objectArray<{ readonly n: number }>()
    assert.strictEqual(a.length, 0)
    assert.notStrictEqual(a, b)
    a.push({ n: 1 })
    assert.deepStrictEqual(a, [{ n: 1 }])
    assert.strictEqual(b.length, 0)
  })

  it("doubleArray(n, value) is n times the value, and takes fractions", () => {
    assert.deepStrictEqual(doubleArray(0, 0), [])
    assert.deepStrictEqual(doubleArray(2, -1), [-1, -1])
    const z = doubleArray(3, 0)
    assert.deepStrictEqual(z, [0, 0, 0])
    z[1]! += 0.25
    assert.deepStrictEqual(z, [0, 0.25, 0])
  })

  it("a new kernel's clock reads 0, not the seed its field is declared with", () => {
    const kernel = new Kernel()
    assert.isTrue(Object.is(kernel.nowNs, 0))
    kernel.setTimer(5, () => {})
    assert.strictEqual(kernel.runUntil(10), "idle")
    assert.strictEqual(kernel.nowNs, 5)
  })
})

describe("appendTo", () => {
  it("makes the list with the first item, then appends to it", () => {
    const first = appendTo(undefined, "a")
    assert.deepStrictEqual(first, ["a"])
    const same = appendTo(first, "b")
    assert.strictEqual(same, first)
    assert.deepStrictEqual(same, ["a", "b"])
  })
})

describe("shareNumbers", () => {
  it("clears the sample's fields named, and no other; objects made after it hold their numbers as given", () => {
    const make = (mac: number, n: number) => ({ mac, n })
    const sample = make(0x0200_0000_0001, 1)
    shareNumbers(sample, ["mac"])
    assert.deepStrictEqual(sample as unknown, { mac: null, n: 1 })
    const mac = 0x0200_0000_0002
    const later = make(mac, 2)
    assert.strictEqual(later.mac, mac)
    later.mac += 0.5
    assert.strictEqual(later.mac, mac + 0.5)
  })

  it("a frame (whose module shares its address fields) keeps 48-bit addresses and times exactly", () => {
    const f = new Frame(1, FrameKind.Data, 0xffff_ffff_fffe, 0x0200_0000_0100, 0x0200_0000_0200)
    f.createdNs = 2 ** 40 + 1
    f.keyId = 2 ** 47 + 3
    assert.deepStrictEqual([f.src, f.dst, f.bssid, f.ra, f.createdNs, f.keyId], [0xffff_ffff_fffe, 0x0200_0000_0100, 0x0200_0000_0200, 0x0200_0000_0100, 2 ** 40 + 1, 2 ** 47 + 3])
  })
})
