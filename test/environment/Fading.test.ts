/**
 * Small-scale fading against theory computed here: the stationary law of |h|² (exponential for
 * Rayleigh, mean 1 for Ricean) and its correlation in time, the Fourier transform of TGn's bell-shaped
 * Doppler spectrum S(f) = 1/(1 + 9 (f/f_d)²), integrated numerically below (not the model's formula).
 */
import { assert, describe, it } from "@effect/vitest"
import { dopplerHz, ENVIRONMENT_SPEED_MPS, FadingLink } from "../../src/environment/Fading.ts"
import { Walk } from "../../src/environment/Mobility.ts"
import { TGN_D_BREAKPOINT_M, TGN_EXPONENT_BEYOND_BREAKPOINT } from "../../src/environment/PathLoss.ts"
import { HOST_NODE, RadioEnvironment } from "../../src/environment/RadioEnvironment.ts"
import { Prng } from "../../src/kernel/Prng.ts"

const uniform = (seed: number) => {
  const p = new Prng(seed)
  return () => p.nextDoubleUnsafe()
}

/** The normalized autocorrelation of a process with TGn's bell spectrum at lag `tauS`, by the midpoint rule over ±2000 f_d. */
const bellCorrelation = (fdHz: number, tauS: number): number => {
  const step = fdHz / 200
  let num = 0
  let den = 0
  for (let f = -2000 * fdHz + step / 2; f < 2000 * fdHz; f += step) {
    const s = 1 / (1 + 9 * (f / fdHz) ** 2)
    num += s * Math.cos(2 * Math.PI * f * tauS)
    den += s
  }
  return num / den
}

const linear = (db: number) => 10 ** (db / 10)

/** The sample correlation of successive values of `g`, and its mean. */
const lagOne = (g: ReadonlyArray<number>): { readonly mean: number; readonly correlation: number } => {
  const mean = g.reduce((a, x) => a + x, 0) / g.length
  let cov = 0
  let variance = 0
  for (let i = 0; i < g.length; i++) {
    variance += (g[i]! - mean) ** 2
    if (i > 0) cov += (g[i]! - mean) * (g[i - 1]! - mean)
  }
  return { mean, correlation: cov / variance }
}

describe("fading", () => {
  it("a still host's Doppler shift on channel 6: 2.7 Hz (1.2 km/h at 2,437 MHz)", () => {
    assert.approximately(dopplerHz(ENVIRONMENT_SPEED_MPS, 2437), (1.2 / 3.6) / (299_792_458 / 2.437e9), 1e-9)
    assert.approximately(dopplerHz(ENVIRONMENT_SPEED_MPS, 2437), 2.71, 0.01)
  })

  it("its law at any one time: Rayleigh |h|² exponential with mean 1, Ricean mean 1, a large K hardly fades", () => {
    const n = 100_000
    const u = uniform(3)
    // Many links, each read once: the stationary law.
    let sum = 0
    let deep = 0
    for (let i = 0; i < n; i++) {
      const g = linear(new FadingLink().gainDb(0, 2.7, 0, u))
      sum += g
      if (g < 0.1) deep++
    }
    assert.approximately(sum / n, 1, 0.02)
    // P(|h|² < 0.1) = 1 − e^−0.1 ≈ 9.5 %: deep fades are common.
    assert.approximately(deep / n, 1 - Math.exp(-0.1), 0.005)
    let ricean = 0
    for (let i = 0; i < n; i++) ricean += linear(new FadingLink().gainDb(0, 2.7, 2, u))
    assert.approximately(ricean / n, 1, 0.02)
    let spread = 0
    for (let i = 0; i < 1000; i++) spread = Math.max(spread, Math.abs(new FadingLink().gainDb(0, 2.7, 1000, u)))
    assert.isBelow(spread, 1)
  })

  it("one link over time keeps that law, and its power decorrelates as the bell spectrum says (|ρ|² for Rayleigh)", () => {
    const fd = 2.71
    const u = uniform(11)
    for (const dtMs of [20, 100, 300]) {
      const link = new FadingLink()
      const n = 200_000
      const g: Array<number> = []
      for (let i = 0; i < n; i++) g.push(linear(link.gainDb(i * dtMs * 1e6, fd, 0, u)))
      const { mean, correlation } = lagOne(g)
      assert.approximately(mean, 1, 0.03, `${dtMs} ms: mean power`)
      assert.approximately(correlation, bellCorrelation(fd, dtMs / 1e3) ** 2, 0.02, `${dtMs} ms: lag-one power correlation`)
    }
  })

  it("read twice at one instant, the same gain (a PPDU and its answer see one channel)", () => {
    const link = new FadingLink()
    const u = uniform(5)
    link.gainDb(0, 2.7, 0, u)
    const a = link.gainDb(1e9, 2.7, 0, u)
    assert.strictEqual(link.gainDb(1e9, 2.7, 0, u), a)
  })
})

/** The host and one placed AP, Rayleigh fading; the host walks east at `speedMps` (0: stands). */
const environment = (speedMps: number) =>
  new RadioEnvironment(
    {
      pathLoss: { breakpointM: TGN_D_BREAKPOINT_M, exponentBeyond: TGN_EXPONENT_BEYOND_BREAKPOINT },
      shadowingWithinDb: 0,
      shadowingBeyondDb: 0,
      shadowingDecorrelationM: 3,
      fading: "rayleigh",
      riceanK: 1,
      noiseFloorDbm: -95
    },
    [{ kind: "placed", position: { x: 0, y: 0 }, txPowerDbm: 15 }, { kind: "placed", position: { x: 5, y: 8 }, txPowerDbm: 15 }],
    new Walk({ start: { x: 0, y: 0 }, waypoints: [{ x: 1e6, y: 0 }], speedMps, loop: false }),
    (name) => new Prng(17 + name.length)
  )

/** The lag-one correlation of a link's power gain read every `dtMs` on `channel`, over `n` reads. */
const powerCorrelation = (env: RadioEnvironment, channel: number, dtMs: number, n: number): number => {
  const g: Array<number> = []
  for (let i = 0; i < n; i++) g.push(linear(env.fadeDb(HOST_NODE, 1, channel, i * dtMs * 1e6)))
  return lagOne(g).correlation
}

describe("fading in the radio environment", () => {
  it("is one process per link, the same both ways, its own on each channel", () => {
    const env = environment(0)
    for (let i = 0; i < 100; i++) {
      const t = i * 37e6
      assert.strictEqual(env.fadeDb(1, HOST_NODE, 6, t), env.fadeDb(HOST_NODE, 1, 6, t))
    }
    const ch1: Array<number> = []
    const ch6: Array<number> = []
    for (let i = 0; i < 20_000; i++) {
      ch1.push(linear(env.fadeDb(HOST_NODE, 1, 1, i * 1e9)))
      ch6.push(linear(env.fadeDb(HOST_NODE, 1, 6, i * 1e9)))
    }
    let cross = 0
    for (let i = 0; i < ch1.length; i++) cross += (ch1[i]! - 1) * (ch6[i]! - 1)
    assert.approximately(cross / ch1.length, 0, 0.05, "channels 1 and 6 fade independently")
  })

  it("a still host's links change at the environment's pace; a walking host's at its own, faster", () => {
    // At 100 ms, channel 6: the environment's 1.2 km/h, and a host at 1.4 m/s (5 km/h).
    const still = powerCorrelation(environment(0), 6, 100, 100_000)
    const walking = powerCorrelation(environment(1.4), 6, 100, 100_000)
    assert.approximately(still, bellCorrelation(dopplerHz(1.2 / 3.6, 2437), 0.1) ** 2, 0.02)
    assert.approximately(walking, bellCorrelation(dopplerHz(1.4, 2437), 0.1) ** 2, 0.02)
    assert.isBelow(walking, still - 0.2)
  })
})
