/**
 * The simulation's one source of randomness: xoshiro128** (Blackman & Vigna, 2018), a small, fast
 * 32-bit generator with a 2^128 − 1 period, seeded through SplitMix32 so that nearby seeds give
 * unrelated streams. A run's seed fixes every draw: the run's own instance, and one stream per
 * subsystem derived from it (`streamSeed`), so a draw added in one subsystem (the air, the fault
 * plan, the hostile guests) never shifts another's sequence (as TigerBeetle's VOPR splits its seed).
 *
 * It implements Effect's `Random` interface, so `effect/Random` calls inside a simulation are
 * deterministic too.
 */
import type * as Random from "effect/Random"

const TWO_POW_32 = 4294967296

/** SplitMix32 step: expands one 32-bit seed word into well-mixed state words. */
const splitMix32 = (state: { s: number }): number => {
  state.s = (state.s + 0x9e3779b9) | 0
  let z = state.s
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b)
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35)
  return (z ^ (z >>> 16)) >>> 0
}

// Salts of the high-word mixes (arbitrary odd constants: the first is SplitMix64's increment's low word, the second its high word).
const HIGH_WORD_SALT = 0x7f4a7c15
const HIGH_WORD_SALT_2 = 0x9e3779b9

/** A 32-bit word from a seed's high word: 0 for 0, and one-to-one in `hi` (SplitMix32 is a bijection of its state). */
const highWordMix = (hi: number, salt: number): number => (hi === 0 ? 0 : splitMix32({ s: (hi ^ salt) | 0 }))

const rotl = (x: number, k: number): number => (x << k) | (x >>> (32 - k))

/** A seeded xoshiro128** generator. */
export class Prng implements Random.Random {
  private a: number
  private b: number
  private c: number
  private d: number
  /** How many 32-bit words have been drawn (for run statistics). */
  draws = 0

  constructor(seed: number) {
    // Fold the seed into 32 bits; the high half is spread by a golden-ratio multiply. Two seeds may
    // fold alike: a run's seed goes through `forRun` and `forStream`, which keep them apart.
    const mix = { s: (seed >>> 0) ^ Math.imul(Math.floor(seed / TWO_POW_32), 0x9e3779b1) }
    this.a = splitMix32(mix)
    this.b = splitMix32(mix)
    this.c = splitMix32(mix)
    this.d = splitMix32(mix)
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1 // the all-zero state is a fixed point
  }

  /**
   * The generator of a run's seed (any whole number up to 2^53 − 1): as `new Prng(seed)`, with the
   * seed's high word mixed into the state as well (`mixHighWord`). A seed below 2^32 has no high
   * word: the same generator as `new Prng(seed)`.
   */
  static forRun(seed: number): Prng {
    const p = new Prng(seed)
    p.mixHighWord(Math.floor(seed / TWO_POW_32), 0)
    return p
  }

  /**
   * Subsystem `name`'s own generator for a run's seed: `new Prng(streamSeed(runSeed, name))`, with
   * the run seed's high word mixed into the state (`mixHighWord`). The stream's seed alone cannot
   * keep run seeds apart: it folds them into 32 bits first, and is a 64-bit number a double rounds.
   */
  static forStream(runSeed: number, name: string): Prng {
    const p = new Prng(streamSeed(runSeed, name))
    p.mixHighWord(Math.floor(runSeed / TWO_POW_32), nameHash(name))
    return p
  }

  /**
   * Seeds that fold alike into 32 bits start from one state; their high words differ, and so do
   * these words of the state after the mix: `b` (the output is a function of it alone, so the first
   * draw differs too) and `d`. One-to-one in `hi` for a given `salt`; nothing for `hi` = 0.
   */
  private mixHighWord(hi: number, salt: number): void {
    if (hi === 0) return
    this.b ^= highWordMix(hi, salt ^ HIGH_WORD_SALT)
    this.d ^= highWordMix(hi, salt ^ HIGH_WORD_SALT_2)
    if ((this.a | this.b | this.c | this.d) === 0) this.a = 1
  }

  /** The next uniformly distributed unsigned 32-bit integer. */
  nextUint32(): number {
    return this.nextWord() >>> 0
  }

  /**
   * The next 32 random bits as a signed integer: what `nextUint32` and `nextDoubleUnsafe` take their
   * bits from. Always a small integer to V8, where an unsigned result past 2^31 returned from a call
   * it did not inline was boxed (two draws a frame in model (a)).
   */
  private nextWord(): number {
    this.draws++
    const result = Math.imul(rotl(Math.imul(this.b, 5), 7), 9)
    const t = this.b << 9
    this.c ^= this.a
    this.d ^= this.b
    this.b ^= this.c
    this.a ^= this.d
    this.c ^= t
    this.d = rotl(this.d, 11)
    return result
  }

  /** A double in [0, 1) with 53 random bits. */
  nextDoubleUnsafe(): number {
    const hi = this.nextWord() >>> 5 // 27 bits
    const lo = this.nextWord() >>> 6 // 26 bits
    return (hi * 67108864 + lo) / 9007199254740992
  }

  /** A signed 32-bit integer (Effect's `Random.nextInt` contract). */
  nextIntUnsafe(): number {
    return this.nextWord()
  }

  /**
   * An integer uniformly drawn from [0, bound), for 0 < bound ≤ 2^32 (no modulo bias); 0 for a bound
   * of 1 or less. A bound past 2^32 (every draw would be rejected: a loop for ever), not a whole
   * number, or NaN throws a `RangeError`.
   */
  nextIntBelow(bound: number): number {
    if (bound <= 1) return 0
    if (!(bound <= TWO_POW_32 && Number.isInteger(bound))) throw new RangeError(`nextIntBelow: the bound must be a whole number up to 2^32, got ${bound}`)
    const limit = TWO_POW_32 - (TWO_POW_32 % bound)
    let x = this.nextUint32()
    while (x >= limit) x = this.nextUint32()
    return x % bound
  }

  /** True with probability `p`. */
  chance(p: number): boolean {
    return p > 0 && (p >= 1 || this.nextDoubleUnsafe() < p)
  }

  /** An exponentially distributed draw with the given mean. */
  nextExponential(mean: number): number {
    return -mean * Math.log(1 - this.nextDoubleUnsafe())
  }
}

/** FNV-1a over a name's UTF-16 code units: a stable 32-bit label for a stream. */
const nameHash = (name: string): number => {
  let h = 0x811c9dc5
  for (let i = 0; i < name.length; i++) h = Math.imul(h ^ name.charCodeAt(i), 0x01000193)
  return h >>> 0
}

/**
 * The seed of subsystem `name`'s own stream, derived from the run's seed (mixed through SplitMix32);
 * `Prng.forStream` makes the stream's generator from it, keeping run seeds that fold alike apart.
 */
export const streamSeed = (runSeed: number, name: string): number => {
  const mix = { s: ((runSeed >>> 0) ^ Math.imul(Math.floor(runSeed / TWO_POW_32), 0x9e3779b1) ^ nameHash(name)) | 0 }
  splitMix32(mix)
  return splitMix32(mix) * TWO_POW_32 + splitMix32(mix)
}
