import { assert, describe, it } from "@effect/vitest"
import { crc32 } from "node:zlib"
import { crc32Of, crc32WithZeros } from "../../src/pcap/Crc32.ts"
import { Prng } from "../../src/kernel/Prng.ts"

// The reference is zlib's CRC-32 over the real bytes: an implementation independent of Crc32.ts.
describe("Crc32", () => {
  it("the check value of CRC-32 over \"123456789\" is CBF43926", () => {
    const bytes = new TextEncoder().encode("123456789")
    assert.strictEqual(crc32Of(bytes, 0, bytes.length), 0xcbf43926)
  })

  it("over any span and continued from any CRC, it equals zlib's", () => {
    const prng = new Prng(11)
    const bytes = new Uint8Array(600)
    for (let i = 0; i < bytes.length; i++) bytes[i] = prng.nextIntBelow(256)
    for (let k = 0; k < 500; k++) {
      const from = prng.nextIntBelow(300)
      const to = from + prng.nextIntBelow(300)
      const before = Math.floor(prng.nextDoubleUnsafe() * 0x1_0000_0000)
      assert.strictEqual(crc32Of(bytes, from, to, before), crc32(bytes.subarray(from, to), before))
    }
  })

  it("carried over a run of zeros without reading them, it equals zlib's over the bytes, for every run up to 5,000 bytes", () => {
    const prng = new Prng(12)
    const bytes = new Uint8Array(80 + 5_000)
    for (let n = 0; n <= 5_000; n += n < 100 ? 1 : 37) {
      const head = 1 + prng.nextIntBelow(80)
      for (let i = 0; i < head; i++) bytes[i] = prng.nextIntBelow(256)
      bytes.fill(0, head, head + n)
      const expected = crc32(bytes.subarray(0, head + n))
      assert.strictEqual(crc32WithZeros(crc32Of(bytes, 0, head), n), expected, `${head} bytes, then ${n} zeros`)
      assert.strictEqual(crc32WithZeros(crc32Of(bytes, 0, head), n), expected, "again, from the cache")
    }
    assert.strictEqual(crc32WithZeros(0, 9_000), crc32(new Uint8Array(9_000)), "past the cached lengths")
  })
})
