/** The terminal form of a comparison: one table per metric, then the CPU breakdown in Table 1's layout. */
import { fixed, withCi } from "../report/Format.ts"
import { categories } from "../cpu/CpuCategory.ts"
import type { CompareReport } from "../report/CompareReport.ts"
import { seedCount, sweepRuns, sweepViolations } from "./SweepTable.ts"

const GROUP_COL = 42
const pad = (s: string, n: number): string => (s.length >= n ? s : s + " ".repeat(n - s.length))
const right = (s: string, n: number): string => (s.length >= n ? s : " ".repeat(n - s.length) + s)

type Result = CompareReport["groups"][number]["workloads"][number]


const metricTable = (r: CompareReport, workload: string, title: string, unit: string, pick: (w: Result) => readonly [number | null, number | null], digits: number): string => {
  const lines = [title, `  ${pad("group", GROUP_COL)}${right(unit, 18)}${right("× native", 16)}${right("CPU %", 14)}`]
  for (const g of r.groups) {
    const w = g.workloads.find((x) => x.workload === workload)
    if (w === undefined) continue
    const [mean, ci] = pick(w)
    lines.push(`  ${pad(g.label, GROUP_COL)}${right(withCi(mean, ci, digits), 18)}${right(withCi(w.ratioToNative, w.ratioToNativeCi95, 2), 16)}${right(withCi(w.cpuUtilization, w.cpuUtilizationCi95, 1, 100), 14)}`)
  }
  return lines.join("\n")
}

/** The seed's headline claims, each beside vwifi's figure and the configuration it comes from. */
const claimsTable = (r: CompareReport): string =>
  ["The seed's claims for its optimized system (IOMMU + coalescing) and vwifi's figures",
    `  ${pad("claim", 30)}${pad("seed", 14)}${pad("vwifi (95% CI)", 20)}from`,
    ...r.claims.map((c) => `  ${pad(c.claim, 30)}${pad(c.seedFigure, 14)}${pad(`${withCi(c.vwifi, c.vwifiCi95, c.unit.startsWith("×") ? 3 : 1)}`, 20)}${c.configuration} (${c.unit})`)
  ].join("\n")

export const renderCompare = (r: CompareReport): string => {
  const parts = [
    `Virtual WiFi vs. Native vs. Passthrough — ${r.phy}, ${r.simulatedSecondsPerRun} s per run (${r.warmupSeconds} s warm-up), ` +
    (r.seeds.length === 1
      ? `seed ${r.seeds[0]}: one run per configuration, so no confidence interval (--seeds 2 or more gives one)`
      : `seeds ${seedsText(r.seeds)}: mean ± half-width of the 95% confidence interval`),
    claimsTable(r),
    metricTable(r, "tcp-tx", "TCP throughput, VM → endpoint", "Mb/s", (w) => [w.throughputMbps, w.throughputCi95Mbps], 2),
    metricTable(r, "tcp-rx", "TCP throughput, endpoint → VM", "Mb/s", (w) => [w.throughputMbps, w.throughputCi95Mbps], 2),
    metricTable(r, "udp-tx", "UDP throughput, VM → endpoint", "Mb/s", (w) => [w.throughputMbps, w.throughputCi95Mbps], 2),
    metricTable(r, "udp-rx", "UDP throughput, endpoint → VM", "Mb/s", (w) => [w.throughputMbps, w.throughputCi95Mbps], 2),
    metricTable(r, "ping", "Ping round trip (mean; ratio to native seed by seed)", "µs", (w) => [w.rttMeanUs, w.rttMeanCi95Us], 0),
    pingDetail(r)
  ]
  const header = `  ${pad("category (percent of total time, TCP TX)", 58)}${r.groups.map((g) => right(g.short, 10)).join("")}`
  const rows = categories.map((c) => `  ${pad(c.label, 58)}${r.groups.map((g) => right(fixed(g.cpuBreakdownTcpTx[c.id] ?? 0, 2) + "%", 10)).join("")}`)
  parts.push(["CPU breakdown, Table 1's layout (KVM rows, host kernel rows, then time outside Table 1)", header, ...rows].join("\n"))
  const violations = r.groups.flatMap((g) => g.workloads).reduce((n, w) => n + w.invariantViolations, 0) + (r.sweep === undefined ? 0 : sweepViolations(r.sweep))
  const configurations = r.groups.length * (r.groups[0]?.workloads.length ?? 0)
  const runs = configurations * r.seeds.length
  const swept = r.sweep === undefined ? "" : ` and the sweep's ${sweepRuns(r.sweep)} (${r.sweep.points.length} points × ${seedCount(r.sweep.seeds.length)})`
  parts.push(`invariant violations across all runs: ${violations}; ${runs} runs (${configurations} configurations × ${seedCount(r.seeds.length)})${swept} in ${r.wallSeconds.toFixed(1)} s`)
  const empty = emptyConfigurations(r)
  if (empty.length > 0) {
    parts.push(`warning: ${empty.length} of ${configurations} configurations measured nothing (no data delivered, or no ping answered): ` +
      `${empty.length > 6 ? `${empty.slice(0, 6).join(", ")} and ${empty.length - 6} more` : empty.join(", ")}. Did the VM join its AP (signal, passphrase, rate)? \`vwifi run\` on the base scenario shows its link.`)
  }
  return parts.join("\n\n")
}

/** The (group, workload) pairs whose runs measured nothing: zero goodput, or a ping with no round trip. */
export const emptyConfigurations = (r: CompareReport): ReadonlyArray<string> =>
  r.groups.flatMap((g) =>
    g.workloads
      .filter((w) => (w.workload === "ping" ? w.rttMeanUs === null : w.throughputMbps === null || w.throughputMbps === 0))
      .map((w) => `${g.short} ${w.workload}`)
  )

const seedsText = (seeds: ReadonlyArray<number>): string =>
  seeds.length === 1 ? String(seeds[0]) : `${seeds[0]}–${seeds[seeds.length - 1]}`

const pingDetail = (r: CompareReport): string =>
  ["Ping round trip detail (µs, means over the seeds)", `  ${pad("group", GROUP_COL)}${right("median", 12)}${right("p99", 10)}`,
    ...r.groups.map((g) => {
      const w = g.workloads.find((x) => x.workload === "ping")
      return `  ${pad(g.label, GROUP_COL)}${right(fixed(w?.rttMedianUs ?? null, 0), 12)}${right(fixed(w?.rttP99Us ?? null, 0), 10)}`
    })].join("\n")
