/**
 * The FCS's CRC-32 (802.11-2016 9.2.4.8: the generator polynomial of ISO/IEC 8802-3, sent least
 * significant bit first, so computed here on the bit-reversed polynomial), over a frame whose body
 * ends in a run of zeros without reading the zeros.
 *
 * Why: the model's payloads are zeros behind real headers, so a 1,500-byte data frame's CRC is its
 * first 62 bytes' CRC carried over 1,438 zeros. The CRC is linear: carrying a register over n zero
 * bytes multiplies it by x^(8n) modulo the polynomial, one multiplication of 32-bit polynomials,
 * whatever n (the same algebra as zlib's `crc32_combine`). Reading those bytes cost about 0.4 µs per
 * frame through `node:zlib`'s `crc32`, the largest single cost of a capture. The multiplication by a
 * run length's x^(8n) is itself linear in the register: a table per byte of the register, made once
 * per length, turns it into four lookups (a capture has a few lengths: one per payload size).
 */

/** The CRC-32 generator polynomial, bit-reversed (x^0 in bit 31): 0x04C11DB7 reflected (9.2.4.8). */
export const CRC32_POLYNOMIAL_REFLECTED = 0xedb88320
/** x^0, the polynomial 1, in the reflected representation. */
const X_POWER_0 = 0x8000_0000
/** x^8: the multiplier of one byte's shift. */
const X_POWER_8 = X_POWER_0 >>> 8
/** Zero runs up to this many bytes keep their x^(8n) once computed (a frame's body is at most 2,304 bytes plus headers). */
const MAX_ZERO_RUN_CACHED_BYTES = 4096
/** Run lengths that get a table (4 KiB each); further lengths multiply bit by bit (about 0.1 µs against 0.01). */
const MAX_ZERO_RUN_TABLES = 64

/** The byte-at-a-time table: entry b is the register after shifting b through eight steps. */
const TABLE = (() => {
  const table = new Uint32Array(256)
  for (let b = 0; b < 256; b++) {
    let c = b
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ CRC32_POLYNOMIAL_REFLECTED : c >>> 1
    table[b] = c >>> 0
  }
  return table
})()

/** The product of two polynomials modulo the generator, both reflected. */
const multiplyModPolynomial = (a: number, b: number): number => {
  let product = 0
  for (let bit = X_POWER_0; bit !== 0 && a !== 0; bit >>>= 1) {
    if (a & bit) {
      product ^= b
      a ^= bit
    }
    b = b & 1 ? (b >>> 1) ^ CRC32_POLYNOMIAL_REFLECTED : b >>> 1 // b · x
  }
  return product >>> 0
}

/** x^(8n) modulo the generator, by squaring; 0 in the cache means not computed yet (x^k is never 0 modulo a polynomial with a constant term). */
const zeroRunPowers = new Uint32Array(MAX_ZERO_RUN_CACHED_BYTES + 1)
const xPowerOfBytes = (n: number): number => {
  if (n <= MAX_ZERO_RUN_CACHED_BYTES && zeroRunPowers[n] !== 0) return zeroRunPowers[n]!
  let power = X_POWER_0
  let square = X_POWER_8
  for (let e = n; e > 0; e = Math.floor(e / 2)) {
    if (e % 2 === 1) power = multiplyModPolynomial(power, square)
    square = multiplyModPolynomial(square, square)
  }
  if (n <= MAX_ZERO_RUN_CACHED_BYTES) zeroRunPowers[n] = power
  return power
}

/** The CRC-32 of `bytes[from, to)` continued from `crc` (the CRC of what came before; 0 for none), as `node:zlib`'s `crc32(data, crc)`. */
export const crc32Of = (bytes: Uint8Array, from: number, to: number, crc = 0): number => {
  let register = ~crc
  for (let i = from; i < to; i++) register = TABLE[(register ^ bytes[i]!) & 0xff]! ^ (register >>> 8)
  return ~register >>> 0
}

/** Per run length, the product of each byte of a register (at each of its four places) by the run's x^(8n): 4 × 256 entries. */
const zeroRunTables = new Map<number, Uint32Array>()
let lastRunBytes = -1
let lastRunTable: Uint32Array | undefined = undefined

const tableOfRun = (n: number): Uint32Array | undefined => {
  if (n === lastRunBytes) return lastRunTable
  let table = zeroRunTables.get(n)
  if (table === undefined && zeroRunTables.size < MAX_ZERO_RUN_TABLES) {
    const power = xPowerOfBytes(n)
    table = new Uint32Array(4 * 256)
    for (let place = 0; place < 4; place++) {
      for (let b = 0; b < 256; b++) table[place * 256 + b] = multiplyModPolynomial((b << (8 * place)) >>> 0, power)
    }
    zeroRunTables.set(n, table)
  }
  lastRunBytes = n
  lastRunTable = table
  return table
}

/** The CRC-32 of what gave `crc`, followed by `zeroBytes` zeros, without reading them. */
export const crc32WithZeros = (crc: number, zeroBytes: number): number => {
  if (zeroBytes === 0) return crc
  const register = ~crc >>> 0
  const table = tableOfRun(zeroBytes)
  if (table === undefined) return ~multiplyModPolynomial(register, xPowerOfBytes(zeroBytes)) >>> 0
  return ~(table[register & 0xff]! ^ table[256 + ((register >>> 8) & 0xff)]! ^ table[512 + ((register >>> 16) & 0xff)]! ^
    table[768 + (register >>> 24)]!) >>> 0
}
