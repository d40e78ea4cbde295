/**
 * `report.html` of a comparison: the charts (rendered to SVG by Vega, headless) and the tables, in one
 * self-contained page.
 */
import { Effect } from "effect"
import { renderSvg } from "./RenderSvg.ts"
import { categories } from "../cpu/CpuCategory.ts"
import { cpuBreakdownChart, optimizationChart, rttChart, throughputChart } from "./CompareCharts.ts"
import type { CompareReport } from "./CompareReport.ts"
import { sweepCharts } from "./SweepReport.ts"
import type { SweepReport } from "./SweepReport.ts"

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)

const fixed = (x: number | null, digits: number): string => (x === null ? "–" : x.toFixed(digits))

const metricsTable = (r: CompareReport): string => {
  const workloads = r.groups[0]?.workloads.map((w) => w.workload) ?? []
  const head = `<tr><th>group</th>${workloads.map((w) => `<th>${escape(w)}</th>`).join("")}</tr>`
  const rows = r.groups.map((g) =>
    `<tr><th>${escape(g.label)}</th>${g.workloads.map((w) => {
      const value = w.throughputMbps !== null ? `${fixed(w.throughputMbps, 2)} Mb/s` : `${fixed(w.rttMeanUs, 0)} µs`
      return `<td>${value}<br><small>× native ${fixed(w.ratioToNative, 2)} · CPU ${(100 * w.cpuUtilization).toFixed(1)}%</small></td>`
    }).join("")}</tr>`
  )
  return `<table>${head}${rows.join("")}</table>`
}

const cpuTable = (r: CompareReport): string => {
  const head = `<tr><th>category (% of total time, TCP TX)</th>${r.groups.map((g) => `<th>${escape(g.short)}</th>`).join("")}</tr>`
  const rows = categories.map((c) => `<tr><th>${escape(c.label)}</th>${r.groups.map((g) => `<td>${fixed(g.cpuBreakdownTcpTx[c.id] ?? 0, 2)}</td>`).join("")}</tr>`)
  return `<table>${head}${rows.join("")}</table>`
}

/** The comparison page; with a sweep, its charts form the last section. */
export const htmlReport = (r: CompareReport, sweep?: SweepReport): Effect.Effect<string> =>
  Effect.gen(function*() {
    const sweepSection = sweep === undefined ? "" : yield* Effect.map(sweepCharts(sweep), ([goodput, cpu]) =>
      `<h2>CPU cost against PHY rate</h2>
<p>Saturated UDP, ${sweep.simulatedSecondsPerRun} simulated seconds per point: where the one core saturates, goodput stops following the PHY rate.</p>
<figure>${goodput}</figure><figure>${cpu}</figure>`)
    const charts = [
      yield* renderSvg(throughputChart(r)),
      yield* renderSvg(rttChart(r)),
      yield* renderSvg(cpuBreakdownChart(r)),
      yield* renderSvg(optimizationChart(r))
    ]
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vwifi: Virtual WiFi vs. Native vs. Passthrough</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222 }
table { border-collapse: collapse; margin: 1em 0 } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right }
th:first-child { text-align: left } small { color: #666 } figure { margin: 2em 0 }
</style></head><body>
<h1>Virtual WiFi vs. Native vs. Passthrough</h1>
<p>${escape(r.phy)}, ${r.simulatedSecondsPerRun} simulated seconds per run (${r.warmupSeconds} s warm-up), seed ${r.seed}.
CPU costs are fitted to the seed's Table 1 (TCP TX of the three original groups); every other figure is the model's prediction.</p>
<h2>Throughput and latency</h2>
${metricsTable(r)}
<figure>${charts[0]}</figure>
<figure>${charts[1]}</figure>
<h2>CPU time, in Table 1's categories</h2>
<figure>${charts[2]}</figure>
${cpuTable(r)}
<h2>The optimizations</h2>
<p>IOMMU (address translation leaves the CPU), interrupt coalescing in the device model, and the fast data path.</p>
<figure>${charts[3]}</figure>
${sweepSection}
</body></html>
`
  })
