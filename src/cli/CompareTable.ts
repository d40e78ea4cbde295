/** The terminal form of a comparison: one table per metric, then the CPU breakdown in Table 1's layout. */
import { categories } from "../cpu/CpuCategory.ts"
import type { CompareReport } from "../report/CompareReport.ts"

const GROUP_COL = 42
const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length))
const right = (s: string, n: number): string => (s.length >= n ? s : " ".repeat(n - s.length) + s)
const fixed = (x: number | null, digits: number): string => (x === null ? "–" : x.toFixed(digits))

const metricTable = (r: CompareReport, workload: string, title: string, unit: string, pick: (w: CompareReport["groups"][number]["workloads"][number]) => number | null, digits: number): string => {
  const lines = [title, `  ${pad("group", GROUP_COL)}${right(unit, 12)}${right("× native", 10)}${right("CPU %", 8)}`]
  for (const g of r.groups) {
    const w = g.workloads.find((x) => x.workload === workload)
    if (w === undefined) continue
    lines.push(`  ${pad(g.label, GROUP_COL)}${right(fixed(pick(w), digits), 12)}${right(fixed(w.ratioToNative, 2), 10)}${right((100 * w.cpuUtilization).toFixed(1), 8)}`)
  }
  return lines.join("\n")
}

export const renderCompare = (r: CompareReport): string => {
  const parts = [
    `Virtual WiFi vs. Native vs. Passthrough — ${r.phy}, ${r.simulatedSecondsPerRun} s per run (${r.warmupSeconds} s warm-up), seed ${r.seed}`,
    metricTable(r, "tcp-tx", "TCP throughput, VM → endpoint", "Mb/s", (w) => w.throughputMbps, 2),
    metricTable(r, "tcp-rx", "TCP throughput, endpoint → VM", "Mb/s", (w) => w.throughputMbps, 2),
    metricTable(r, "udp-tx", "UDP throughput, VM → endpoint", "Mb/s", (w) => w.throughputMbps, 2),
    metricTable(r, "udp-rx", "UDP throughput, endpoint → VM", "Mb/s", (w) => w.throughputMbps, 2),
    metricTable(r, "ping", "Ping round trip (mean; ratio of means)", "µs", (w) => w.rttMeanUs, 0),
    pingDetail(r)
  ]
  const header = `  ${pad("category (percent of total time, TCP TX)", 58)}${r.groups.map((g) => right(g.short, 10)).join("")}`
  const rows = categories.map((c) => `  ${pad(c.label, 58)}${r.groups.map((g) => right(fixed(g.cpuBreakdownTcpTx[c.id] ?? 0, 2) + "%", 10)).join("")}`)
  parts.push(["CPU breakdown, Table 1's layout (KVM rows, host kernel rows, then time outside Table 1)", header, ...rows].join("\n"))
  const violations = r.groups.flatMap((g) => g.workloads).reduce((n, w) => n + w.invariantViolations, 0)
  parts.push(`invariant violations across all runs: ${violations}; ${r.groups.length * (r.groups[0]?.workloads.length ?? 0)} runs in ${r.wallSeconds.toFixed(1)} s`)
  return parts.join("\n\n")
}

const pingDetail = (r: CompareReport): string =>
  ["Ping round trip detail (µs)", `  ${pad("group", GROUP_COL)}${right("median", 12)}${right("p99", 10)}`,
    ...r.groups.map((g) => {
      const w = g.workloads.find((x) => x.workload === "ping")
      return `  ${pad(g.label, GROUP_COL)}${right(fixed(w?.rttMedianUs ?? null, 0), 12)}${right(fixed(w?.rttP99Us ?? null, 0), 10)}`
    })].join("\n")
