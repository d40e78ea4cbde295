/** The comparison's terminal table: what it says when a configuration measured nothing, and with one seed. */
import { assert, describe, it } from "@effect/vitest"
import { emptyConfigurations, renderCompare } from "../../src/cli/CompareTable.ts"
import type { CompareReport } from "../../src/report/CompareReport.ts"

const workload = (name: string, mbps: number | null, rtt: number | null) => ({
  workload: name, throughputMbps: mbps, throughputCi95Mbps: null, rttMeanUs: rtt, rttMeanCi95Us: null, rttMedianUs: rtt, rttP99Us: rtt,
  cpuUtilization: 0.1, cpuUtilizationCi95: null, ratioToNative: null, ratioToNativeCi95: null, traceDigests: ["0"], invariantViolations: 0
})
const report = (udpMbps: number, pingUs: number | null): CompareReport => ({
  seed: 1, seeds: [1], simulatedSecondsPerRun: 2, warmupSeconds: 1, phy: "802.11g 54 Mbps", wallSeconds: 1, claims: [],
  groups: [{ group: "native", label: "Native", short: "native", cpuBreakdownTcpTx: {}, txPathPingUs: {},
    workloads: [workload("udp-tx", udpMbps, null), workload("ping", null, pingUs)] }]
} as unknown as CompareReport)

describe("cli: the comparison's table", () => {
  it("warns, naming them, of configurations that measured nothing: no data delivered, or no ping answered", () => {
    assert.deepStrictEqual(emptyConfigurations(report(0, null)), ["native udp-tx", "native ping"])
    assert.deepStrictEqual(emptyConfigurations(report(28.9, 612)), [])
    assert.include(renderCompare(report(0, 612)), "warning: 1 of 2 configurations measured nothing (no data delivered, or no ping answered): native udp-tx.")
    assert.notInclude(renderCompare(report(28.9, 612)), "warning")
  })

  it("with one seed, says there is no confidence interval rather than promising one", () => {
    const first = renderCompare(report(28.9, 612)).split("\n")[0]!
    assert.include(first, "seed 1: one run per configuration, so no confidence interval")
    assert.notInclude(first, "95%")
  })
})
