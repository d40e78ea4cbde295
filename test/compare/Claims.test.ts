import { assert, describe, it } from "@effect/vitest"
import { seedClaims } from "../../src/compare/Claims.ts"
import type { ClaimSample } from "../../src/compare/Claims.ts"
import { SEED_OPTIMIZED } from "../../src/compare/Study.ts"

// Two seeds. Native: 20 and 22 Mb/s, pings 500 and 600 µs, CPU 10% and 12%.
const native: Record<string, ReadonlyArray<ClaimSample>> = {
  "tcp-tx": [{ throughputMbps: 20, rttMeanUs: null, cpuUtilization: 0.10 }, { throughputMbps: 22, rttMeanUs: null, cpuUtilization: 0.12 }],
  ping: [{ throughputMbps: null, rttMeanUs: 500, cpuUtilization: 0.01 }, { throughputMbps: null, rttMeanUs: 600, cpuUtilization: 0.01 }]
}
const optimized: Record<string, ReadonlyArray<ClaimSample>> = {
  "tcp-tx": [{ throughputMbps: 19, rttMeanUs: null, cpuUtilization: 0.15 }, { throughputMbps: 22, rttMeanUs: null, cpuUtilization: 0.18 }],
  ping: [{ throughputMbps: null, rttMeanUs: 550, cpuUtilization: 0.02 }, { throughputMbps: null, rttMeanUs: 600, cpuUtilization: 0.02 }]
}
const none: ReadonlyArray<ClaimSample> = [{ throughputMbps: 1, rttMeanUs: null, cpuUtilization: 0 }, { throughputMbps: 1, rttMeanUs: null, cpuUtilization: 0 }]
const samples = (group: string, workload: string) => (group === SEED_OPTIMIZED ? optimized : native)[workload] ?? none

describe("compare: the seed's claims", () => {
  const claims = seedClaims(samples)
  const byId = (id: string) => claims.find((c) => c.id === id)!

  it("pairs each seed's runs: throughput ratio, extra latency in percent, extra CPU in points", () => {
    // Ratios 0.95 and 1.0; latencies +10% and +0%; CPU +5 and +6 points.
    assert.closeTo(byId("throughput-tcp-tx").vwifi!, 0.975, 1e-12)
    assert.closeTo(byId("extra-latency").vwifi!, 5, 1e-9)
    assert.closeTo(byId("extra-cpu").vwifi!, 5.5, 1e-9)
    // Two seeds: t(0.975, 1) = 12.706, s = 0.7071 points, half-width 12.706 · 0.7071 / √2 = 6.353.
    assert.closeTo(byId("extra-cpu").vwifiCi95!, 6.353, 1e-3)
  })

  it("states the seed's own figures beside them", () => {
    assert.strictEqual(byId("extra-latency").seedValue, 7)
    assert.strictEqual(byId("extra-cpu").seedValue, 9)
    assert.deepStrictEqual(claims.map((c) => c.id), ["throughput-tcp-tx", "throughput-tcp-rx", "throughput-udp-tx", "throughput-udp-rx", "extra-latency", "extra-cpu"])
  })
})
