import { assert, describe, it } from "@effect/vitest"
import { channelCenterMhz } from "../../src/environment/Frequency.ts"
import { freeSpaceLossDb, pathLossDb } from "../../src/environment/PathLoss.ts"

// Friis computed by hand: FSPL(dB) = 20·log10(d_km) + 20·log10(f_MHz) + 32.44 (the textbook constant).
const friisDb = (dM: number, fMhz: number) => 20 * Math.log10(dM / 1000) + 20 * Math.log10(fMhz) + 32.44

describe("path loss", () => {
  it("channel centre frequencies follow the 2.4 and 5 GHz channel plans", () => {
    assert.strictEqual(channelCenterMhz(1), 2412)
    assert.strictEqual(channelCenterMhz(6), 2437)
    assert.strictEqual(channelCenterMhz(13), 2472)
    assert.strictEqual(channelCenterMhz(14), 2484)
    assert.strictEqual(channelCenterMhz(36), 5180)
  })

  it("is free-space loss up to the breakpoint (40 dB at 1 m on channel 6) and the near field keeps the 1 m loss", () => {
    assert.approximately(freeSpaceLossDb(1, 2437), friisDb(1, 2437), 0.01)
    assert.approximately(freeSpaceLossDb(1, 2437), 40.2, 0.05)
    assert.approximately(freeSpaceLossDb(7, 2437), friisDb(7, 2437), 0.01)
    assert.strictEqual(freeSpaceLossDb(0.2, 2437), freeSpaceLossDb(1, 2437))
  })

  it("falls 35 dB per decade beyond the breakpoint (TGn), continuous at it", () => {
    const model = { breakpointM: 10, exponentBeyond: 3.5 }
    assert.approximately(pathLossDb(10, 2437, model), friisDb(10, 2437), 0.01)
    assert.approximately(pathLossDb(100, 2437, model) - pathLossDb(10, 2437, model), 35, 1e-9)
    assert.approximately(pathLossDb(10.001, 2437, model), pathLossDb(10, 2437, model), 0.01)
    assert.approximately(pathLossDb(5, 2437, model), friisDb(5, 2437), 0.01)
  })
})
