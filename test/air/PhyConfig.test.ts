import { assert, describe, it } from "@effect/vitest"
import { describePhy, isValidPhyConfig, spatialStreams } from "../../src/air/PhyConfig.ts"
import type { PhyConfig } from "../../src/air/PhyConfig.ts"
import { erp, ht } from "./support.ts"

describe("PhyConfig", () => {
  it("spatial streams: 1 for 802.11g; MCS 8k..8k+7 use k+1 streams", () => {
    assert.strictEqual(spatialStreams(erp(54)), 1)
    assert.deepStrictEqual([0, 7, 8, 15, 16, 23].map((mcs) => spatialStreams(ht(mcs))), [1, 1, 2, 2, 3, 3])
  })

  it("describes a configuration with its rate", () => {
    assert.strictEqual(describePhy(erp(54)), "802.11g 54 Mbps")
    // MCS 15 = 2 streams × 540 bits per 3.6 µs symbol = 1080 / 3.6 = 300 Mbit/s
    assert.strictEqual(describePhy(ht(15, 40, "short")), "802.11n MCS 15 HT40 short GI (300 Mbps)")
    // MCS 0 = 26 bits per 4 µs = 6.5 Mbit/s
    assert.strictEqual(describePhy(ht(0)), "802.11n MCS 0 HT20 long GI (6.5 Mbps)")
    // MCS 7 short GI = 260 / 3.6 = 72.22… → one decimal
    assert.strictEqual(describePhy(ht(7, 20, "short")), "802.11n MCS 7 HT20 short GI (72.2 Mbps)")
  })

  it("tells real configurations from values that only claim to be one", () => {
    assert.isTrue(isValidPhyConfig(erp(6)))
    assert.isTrue(isValidPhyConfig(ht(23, 40, "short")))
    const bogus = [
      { standard: "802.11g", rateMbps: 11 },
      { standard: "802.11n", mcs: 24, channelWidthMhz: 20, guardInterval: "long" },
      { standard: "802.11n", mcs: -1, channelWidthMhz: 20, guardInterval: "long" },
      { standard: "802.11n", mcs: 1.5, channelWidthMhz: 20, guardInterval: "long" },
      { standard: "802.11n", mcs: 7, channelWidthMhz: 80, guardInterval: "long" },
      { standard: "802.11n", mcs: 7, channelWidthMhz: 20, guardInterval: "medium" },
      { standard: "802.11ac", mcs: 7, channelWidthMhz: 20, guardInterval: "long" }
    ] as unknown as ReadonlyArray<PhyConfig>
    for (const cfg of bogus) assert.isFalse(isValidPhyConfig(cfg), JSON.stringify(cfg))
  })
})
