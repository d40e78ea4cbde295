/**
 * `report.html` of a comparison: the charts (rendered to SVG by Vega, headless) and the tables, in one
 * self-contained page.
 */
import { fixed, intervalPhrase, seedsPhrase, withCi } from "./Format.ts"
import * as Effect from "effect/Effect"
import { renderSvg } from "./RenderSvg.ts"
import { categories } from "../cpu/CpuCategory.ts"
import { table1, table1Groups } from "../cpu/Table1.ts"
import { cpuBreakdownChart, optimizationChart, rttChart, table1Chart, throughputChart, txPathChart } from "./CompareCharts.ts"
import type { CompareReport } from "./CompareReport.ts"
import { sweepCharts } from "./SweepReport.ts"
import type { SweepReport } from "./SweepReport.ts"

const escape = (s: string): string => s.replace(/[&<>"]/g, (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" })[c]!)



const claimsTable = (r: CompareReport): string => {
  const head = `<tr><th>the seed's claim</th><th>seed</th><th>vwifi${r.seeds.length === 1 ? "" : " (mean ± 95% CI)"}</th><th>from</th></tr>`
  const rows = r.claims.map((c) =>
    `<tr><th>${escape(c.claim)}</th><td>${escape(c.seedFigure)}</td><td>${withCi(c.vwifi, c.vwifiCi95, c.unit.startsWith("×") ? 3 : 1)} ${escape(c.unit)}</td><td class="text">${escape(c.configuration)}</td></tr>`)
  return `<table>${head}${rows.join("")}</table>`
}

const metricsTable = (r: CompareReport): string => {
  const workloads = r.groups[0]?.workloads.map((w) => w.workload) ?? []
  const head = `<tr><th>group</th>${workloads.map((w) => `<th>${escape(w)}</th>`).join("")}</tr>`
  const rows = r.groups.map((g) =>
    `<tr><th>${escape(g.label)}</th>${g.workloads.map((w) => {
      const value = w.throughputMbps !== null ? `${withCi(w.throughputMbps, w.throughputCi95Mbps, 2)} Mb/s` : `${withCi(w.rttMeanUs, w.rttMeanCi95Us, 0)} µs`
      return `<td>${value}<br><small>× native ${withCi(w.ratioToNative, w.ratioToNativeCi95, 2)} · CPU ${withCi(w.cpuUtilization, w.cpuUtilizationCi95, 1, 100)}%</small></td>`
    }).join("")}</tr>`
  )
  return `<table>${head}${rows.join("")}</table>`
}

const cpuTable = (r: CompareReport): string => {
  const seedHeads = table1Groups.map((g) => `<th class="seed">Table 1: ${escape(g)}</th>`).join("")
  const head = `<tr><th>category (% of total time, TCP TX)</th>${r.groups.map((g) => `<th>${escape(g.short)}</th>`).join("")}${seedHeads}</tr>`
  const rows = categories.map((c) =>
    `<tr><th>${escape(c.label)}</th>${r.groups.map((g) => `<td>${fixed(g.cpuBreakdownTcpTx[c.id] ?? 0, 2)}</td>`).join("")}${
      table1Groups.map((g) => `<td class="seed">${table1[c.id] === undefined ? "–" : fixed(table1[c.id]![g], 2)}</td>`).join("")}</tr>`)
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
      yield* renderSvg(optimizationChart(r)),
      yield* renderSvg(table1Chart(r)),
      yield* renderSvg(txPathChart(r))
    ]
    return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>vwifi: Virtual WiFi vs. Native vs. Passthrough</title>
<style>
body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222 }
table { border-collapse: collapse; margin: 1em 0 } th, td { border: 1px solid #ccc; padding: 4px 8px; text-align: right }
th:first-child, td.text { text-align: left } .seed { background: #f3f3f3 } small { color: #666 } figure { margin: 2em 0 }
figure svg { max-width: 100%; height: auto }
</style></head><body>
<h1>Virtual WiFi vs. Native vs. Passthrough</h1>
<p>${escape(r.phy)}, ${r.simulatedSecondsPerRun} simulated seconds per run (${r.warmupSeconds} s warm-up), ${seedsPhrase(r.seeds)}:
${intervalPhrase(r.seeds.length)}.
CPU costs are fitted to the seed's Table 1 (TCP TX of the three original groups); every other figure is the model's prediction.</p>
<h2>The seed's claims</h2>
<p>The seed's summary for its optimized system (IOMMU + interrupt coalescing in the device model), beside vwifi's figure for the same configuration.</p>
${claimsTable(r)}
<p><small>Where vwifi's figure and the seed's differ, docs/compare.md ("Where vwifi and the seed disagree") says why, from
the model's own breakdown: a latency percentage depends on the wired side's delay, which the slides do not give (here
the scenario's <code>aps[].endpoint.wiredLatencyUs</code>, 100 µs by default); a CPU gap is what the optimizations leave on every packet (the host's interrupt
forwarded to the device model, the driver's command, the traps), which the seed leaves to its future fast data path.</small></p>
<h2>Throughput and latency</h2>
${metricsTable(r)}
<figure>${charts[0]}</figure>
<figure>${charts[1]}</figure>
<h2>Latency on the TX path</h2>
<p>Where a ping's echo request spends its time from the guest's send to its acknowledgement on the air, stage by stage (the seed's "VM additional latency on TX path"): a light load, so each stage shows its own cost rather than queueing behind bulk traffic.</p>
<figure>${charts[5]}</figure>
<h2>CPU time, in Table 1's categories</h2>
<figure>${charts[2]}</figure>
${cpuTable(r)}
<figure>${charts[4]}</figure>
<h2>The optimizations</h2>
<p>IOMMU (address translation leaves the CPU), interrupt coalescing in the device model, and the fast data path.</p>
<figure>${charts[3]}</figure>
${sweepSection}
</body></html>
`
  })
