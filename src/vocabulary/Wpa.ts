/**
 * WPA2-PSK's keys and the EAPOL-Key frames of the 4-way handshake, as both ends compute them
 * (IEEE 802.11-2016 12.7): the PMK from the passphrase, the PTK from the PMK and both nonces, and the
 * MIC that proves a message was made with the same PTK. Pure functions over `node:crypto`; the
 * handshake's two state machines (`nic/WpaSupplicant.ts`, `ap/WpaAuthenticator.ts`) use them.
 */
import { createHmac, createSecretKey, pbkdf2Sync } from "node:crypto"
import type { KeyObject } from "node:crypto"

/** PBKDF2 iterations of the passphrase-to-PSK mapping (802.11-2016 J.4.1). */
export const PMK_ITERATIONS = 4096
/** PMK, nonce, and PTK part sizes for CCMP-128 (802.11-2016 12.7.1.3, Table 12-8: PTK 384 bits = KCK 128 + KEK 128 + TK 128). */
export const PMK_BYTES = 32
export const NONCE_BYTES = 32
export const PTK_BITS = 384
/** Each part of a CCMP-128 PTK (KCK, KEK, TK), and the GTK: 128 bits (Table 12-8, 12.7.1.4). */
export const KEY_PART_BYTES = 16
/** A key's identity in the model: its TK's first 48 bits. */
const KEY_ID_BYTES = 6
/** The MIC field of an EAPOL-Key frame: HMAC-SHA1 truncated to 128 bits (key descriptor version 2, 12.7.2). */
export const MIC_BYTES = 16

const pmkCache = new Map<string, Uint8Array>()

/**
 * HMAC-SHA1 under `key`, made a key object first: Node 24's `createHmac` took 14–26 µs with the key
 * as bytes and 4–8 µs through `createSecretKey` (measured, 5,000 calls each); model (c)'s sixteen
 * handshakes make about 200 of them per run.
 */
const hmacSha1 = (key: KeyObject) => createHmac("sha1", key)

/**
 * The PMK of a passphrase and SSID: PBKDF2-HMAC-SHA1 over 4096 iterations, 256 bits (802.11-2016
 * J.4.1). Cached per (passphrase, SSID): each computation takes milliseconds of real time.
 */
export const pmkOf = (passphrase: string, ssid: string): Uint8Array => {
  const key = `${passphrase}\u0000${ssid}`
  let pmk = pmkCache.get(key)
  if (pmk === undefined) {
    pmk = new Uint8Array(pbkdf2Sync(passphrase, ssid, PMK_ITERATIONS, PMK_BYTES, "sha1"))
    pmkCache.set(key, pmk)
  }
  return pmk
}

/**
 * PRF-`bits` (802.11-2016 12.7.1.2): HMAC-SHA1(K, A ‖ 0 ‖ B ‖ i) for i = 0, 1, … concatenated and
 * cut to `bits`.
 */
export const prf = (key: Uint8Array, label: string, data: Uint8Array, bits: number): Uint8Array => {
  const out = new Uint8Array(bits / 8)
  const a = Buffer.from(label, "ascii")
  const k = createSecretKey(key)
  for (let i = 0, at = 0; at < out.length; i++) {
    const block = hmacSha1(k).update(a).update(Buffer.from([0])).update(data).update(Buffer.from([i])).digest()
    out.set(block.subarray(0, Math.min(block.length, out.length - at)), at)
    at += block.length
  }
  return out
}

/** A 48-bit MAC address (as the model's numbers) in transmission order. */
export const macBytes = (mac: number): Uint8Array => {
  const b = new Uint8Array(6)
  for (let i = 5, m = mac; i >= 0; i--, m = Math.floor(m / 256)) b[i] = m % 256
  return b
}

const compare = (a: Uint8Array, b: Uint8Array): number => Buffer.compare(a, b)
const minMax = (a: Uint8Array, b: Uint8Array): Uint8Array => {
  const [lo, hi] = compare(a, b) <= 0 ? [a, b] : [b, a]
  const out = new Uint8Array(lo.length + hi.length)
  out.set(lo)
  out.set(hi, lo.length)
  return out
}

/** A pairwise transient key and its parts; `id` names the TK the model's frames are "encrypted" under. */
export interface Ptk {
  /** EAPOL-Key confirmation key: the MICs. */
  readonly kck: Uint8Array
  /** EAPOL-Key encryption key: wraps the group key in message 3. */
  readonly kek: Uint8Array
  /** Temporal key: CCMP's. */
  readonly tk: Uint8Array
  /**
   * The key's identity in the model, its TK's first 48 bits as a number (never 0): a frame carries it
   * as `Frame.keyId` in place of being encrypted, and a receiver accepts it only under the same.
   */
  readonly id: number
}

/**
 * PTK = PRF-384(PMK, "Pairwise key expansion", min(AA, SPA) ‖ max(AA, SPA) ‖ min(ANonce, SNonce) ‖
 * max(ANonce, SNonce)) (802.11-2016 12.7.1.3); KCK, KEK, TK are its three 16-byte parts in order.
 */
export const ptkOf = (pmk: Uint8Array, aa: number, spa: number, anonce: Uint8Array, snonce: Uint8Array): Ptk => {
  const addresses = minMax(macBytes(aa), macBytes(spa))
  const nonces = minMax(anonce, snonce)
  const data = new Uint8Array(addresses.length + nonces.length)
  data.set(addresses)
  data.set(nonces, addresses.length)
  const ptk = prf(pmk, "Pairwise key expansion", data, PTK_BITS)
  const tk = ptk.subarray(2 * KEY_PART_BYTES, 3 * KEY_PART_BYTES)
  let id = 0
  for (let i = 0; i < KEY_ID_BYTES; i++) id = id * 256 + tk[i]!
  return { kck: ptk.subarray(0, KEY_PART_BYTES), kek: ptk.subarray(KEY_PART_BYTES, 2 * KEY_PART_BYTES), tk, id: id === 0 ? 1 : id }
}

/** Key Information bits (802.11-2016 12.7.2, Figure 12-33): version 2 (HMAC-SHA1/AES), pairwise, install, ack, MIC, secure, encrypted key data. */
export const KeyInfo = {
  Version2: 0x0002,
  Pairwise: 0x0008,
  Install: 0x0040,
  Ack: 0x0080,
  Mic: 0x0100,
  Secure: 0x0200,
  EncryptedKeyData: 0x1000
} as const

/** Each message's Key Information (12.7.6.2–12.7.6.5). */
export const KEY_INFO_OF_MESSAGE: Readonly<Record<1 | 2 | 3 | 4, number>> = {
  1: KeyInfo.Version2 | KeyInfo.Pairwise | KeyInfo.Ack,
  2: KeyInfo.Version2 | KeyInfo.Pairwise | KeyInfo.Mic,
  3: KeyInfo.Version2 | KeyInfo.Pairwise | KeyInfo.Install | KeyInfo.Ack | KeyInfo.Mic | KeyInfo.Secure | KeyInfo.EncryptedKeyData,
  4: KeyInfo.Version2 | KeyInfo.Pairwise | KeyInfo.Mic | KeyInfo.Secure
}

/** The RSN element for WPA2-PSK with CCMP (9.4.2.25): message 2 carries the station's, message 3 the AP's. */
export const RSN_ELEMENT_BYTES = 22
/** GTK KDE (12.7.2, Table 12-6): type and length 2, OUI and data type 4, key ID 2, GTK 16. */
export const GTK_KDE_BYTES = 24
/** Message 3's key data: the RSN element and the GTK KDE, padded to a multiple of 8 and AES-key-wrapped (+8 bytes, RFC 3394; 12.7.2). */
export const MESSAGE_3_KEY_DATA_BYTES = Math.ceil((RSN_ELEMENT_BYTES + GTK_KDE_BYTES) / 8) * 8 + 8
/** Key data each message carries, bytes (12.7.6.2–12.7.6.5). */
export const KEY_DATA_BYTES_OF_MESSAGE: Readonly<Record<1 | 2 | 3 | 4, number>> = {
  1: 0,
  2: RSN_ELEMENT_BYTES,
  3: MESSAGE_3_KEY_DATA_BYTES,
  4: 0
}

/**
 * The fields of an EAPOL-Key frame the model keeps (802.11-2016 12.7.2, Figure 12-32). Key IV, RSC
 * and the reserved field are zero in these messages and left out; the key data is kept as the bytes
 * that matter (message 3's GTK, unwrapped: the wrap's size is counted, its work is not done).
 */
export interface EapolKey {
  readonly message: 1 | 2 | 3 | 4
  readonly keyInfo: number
  /** Key Replay Counter: the AP's, incremented per message it sends (12.7.2); the station echoes it. */
  readonly replayCounter: number
  /** ANonce in messages 1 and 3, SNonce in 2, zero in 4. */
  readonly nonce: Uint8Array
  readonly keyData: Uint8Array
  /** Its size on the air (`KEY_DATA_BYTES_OF_MESSAGE`). */
  readonly keyDataBytes: number
  /** 16 bytes, or empty in message 1 (no MIC). */
  readonly mic: Uint8Array
}

const ZERO_NONCE = new Uint8Array(NONCE_BYTES)
const NO_MIC = new Uint8Array(0)

/**
 * The frame's fields in their order on the air with the MIC field left out: what the MIC is
 * computed over. The standard computes it over the whole EAPOL frame with the MIC field zero (12.7.2
 * "Key MIC"); the fields below are the ones that frame's content depends on in the model.
 */
const micInput = (k: Omit<EapolKey, "mic">): Uint8Array => {
  const head = Buffer.alloc(1 + 2 + 8)
  head.writeUInt8(k.message, 0)
  head.writeUInt16BE(k.keyInfo, 1)
  head.writeBigUInt64BE(BigInt(k.replayCounter), 3)
  const len = Buffer.alloc(2)
  len.writeUInt16BE(k.keyDataBytes, 0)
  return Buffer.concat([head, k.nonce, len, k.keyData])
}

/** HMAC-SHA1 of the frame's fields under the KCK, truncated to 128 bits (12.7.2, key descriptor version 2). */
export const micOf = (kck: Uint8Array, k: Omit<EapolKey, "mic">): Uint8Array =>
  new Uint8Array(hmacSha1(createSecretKey(kck)).update(micInput(k)).digest().subarray(0, MIC_BYTES))

/** Whether `k`'s MIC is the one `kck` gives (constant-time comparison is not a concern of a simulator). */
export const micValid = (kck: Uint8Array, k: EapolKey): boolean =>
  k.mic.length === MIC_BYTES && Buffer.compare(Buffer.from(k.mic), Buffer.from(micOf(kck, k))) === 0

/** Builds message `message`, with its MIC under `kck` unless it is message 1. */
export const eapolKey = (
  message: 1 | 2 | 3 | 4,
  replayCounter: number,
  nonce: Uint8Array | undefined,
  keyData: Uint8Array,
  kck: Uint8Array | undefined
): EapolKey => {
  const fields = {
    message,
    keyInfo: KEY_INFO_OF_MESSAGE[message],
    replayCounter,
    nonce: nonce ?? ZERO_NONCE,
    keyData,
    keyDataBytes: KEY_DATA_BYTES_OF_MESSAGE[message]
  }
  return { ...fields, mic: kck === undefined ? NO_MIC : micOf(kck, fields) }
}

/** Draws a 32-byte nonce from a simulation stream (the same seed gives the same nonces). */
export const nonceFrom = (next32: () => number): Uint8Array => {
  const b = Buffer.alloc(NONCE_BYTES)
  for (let i = 0; i < NONCE_BYTES; i += 4) b.writeUInt32BE(next32() >>> 0, i)
  return new Uint8Array(b)
}
