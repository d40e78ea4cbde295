/** WPA2-PSK's key derivation against the standard's test vectors, and the EAPOL-Key MIC. */
import { assert, describe, it } from "@effect/vitest"
import { eapolKey, macBytes, micValid, pmkOf, prf, ptkOf } from "../../src/vocabulary/Wpa.ts"

const hex = (b: Uint8Array): string => Buffer.from(b).toString("hex")
const nonce = (fill: number): Uint8Array => new Uint8Array(32).fill(fill)

describe("WPA2-PSK keys", () => {
  it("the PMK is PBKDF2-HMAC-SHA1(passphrase, SSID, 4096, 256 bits): IEEE 802.11-2016 J.4.2's vectors", () => {
    assert.strictEqual(hex(pmkOf("password", "IEEE")), "f42c6fc52df0ebef9ebb4b90b38a5f902e83fe1b135a70e23aed762e9710a12e")
    assert.strictEqual(hex(pmkOf("ThisIsAPassword", "ThisIsASSID")), "0dc0d6eb90555ed6419756b9a15ec3e3209b63df707dd508d14581f8982721af")
    assert.strictEqual(pmkOf("password", "IEEE"), pmkOf("password", "IEEE"), "cached per (passphrase, SSID)")
  })

  it("the PRF of 12.7.1.2: IEEE 802.11-2016 J.3's vectors (test cases 1 and 2)", () => {
    assert.strictEqual(hex(prf(new Uint8Array(20).fill(0x0b), "prefix", Buffer.from("Hi There"), 192)), "bcd4c650b30b9684951829e0d75f9d54b862175ed9f00606")
    assert.strictEqual(
      hex(prf(Buffer.from("Jefe"), "prefix", Buffer.from("what do ya want for nothing?"), 256)),
      "51f4de5b33f249adf81aeb713a3c20f4fe631446fabdfa58244759ae58ef9009"
    )
  })

  it("the PTK orders addresses and nonces (min ‖ max), so both ends derive the same; other nonces or addresses give another", () => {
    const pmk = pmkOf("vwifi-lab-key", "lab")
    const ap = ptkOf(pmk, 0x020000000100, 0x020000001000, nonce(1), nonce(2))
    // The station computes it with its own roles: the same inputs, the same key.
    assert.strictEqual(hex(ptkOf(pmk, 0x020000000100, 0x020000001000, nonce(1), nonce(2)).tk), hex(ap.tk))
    assert.strictEqual(ap.kck.length + ap.kek.length + ap.tk.length, 48, "PRF-384")
    assert.notStrictEqual(ptkOf(pmk, 0x020000000100, 0x020000001000, nonce(1), nonce(3)).id, ap.id)
    assert.notStrictEqual(ptkOf(pmk, 0x020000000100, 0x020000001001, nonce(1), nonce(2)).id, ap.id)
    assert.strictEqual(hex(macBytes(0x0a0b0c0d0e0f)), "0a0b0c0d0e0f")
  })

  it("an EAPOL-Key MIC verifies under its KCK only, and covers the frame's fields", () => {
    const kck = new Uint8Array(16).fill(7)
    const m2 = eapolKey(2, 1, nonce(9), new Uint8Array(0), kck)
    assert.strictEqual(m2.mic.length, 16)
    assert.isTrue(micValid(kck, m2))
    assert.isFalse(micValid(new Uint8Array(16).fill(8), m2), "another KCK")
    assert.isFalse(micValid(kck, { ...m2, replayCounter: 2 }), "a field changed")
    assert.isFalse(micValid(kck, { ...m2, nonce: nonce(10) }), "another nonce")
    assert.strictEqual(eapolKey(1, 1, nonce(1), new Uint8Array(0), undefined).mic.length, 0, "message 1 has no MIC")
  })
})
