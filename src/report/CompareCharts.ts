/**
 * The comparison's charts as Vega-Lite specifications (pure data, built from a `CompareReport`):
 * throughput, ping round trips, the CPU breakdown stacked by Table 1's categories, and what each
 * optimization does to CPU use.
 */
import type { TopLevelSpec } from "vega-lite"
import { categories } from "../cpu/CpuCategory.ts"
import type { CompareReport } from "./CompareReport.ts"

const WIDTH = 520
const groupOrder = (r: CompareReport) => r.groups.map((g) => g.label)

/** The 95% interval's ends around a mean (the mean itself when there is no interval). */
const interval = (mean: number, ci: number | null) => ({ lo: mean - (ci ?? 0), hi: mean + (ci ?? 0) })

export const throughputChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: `Goodput by workload (Mb/s): mean over ${r.seeds.length} seeds, bar = 95% confidence interval`,
  width: WIDTH,
  data: {
    values: r.groups.flatMap((g) =>
      g.workloads.filter((w) => w.throughputMbps !== null).map((w) => ({
        group: g.label, workload: w.workload, mbps: w.throughputMbps, ...interval(w.throughputMbps!, w.throughputCi95Mbps)
      }))
    )
  },
  encoding: {
    y: { field: "workload", type: "nominal", title: null },
    yOffset: { field: "group", type: "nominal", sort: groupOrder(r) }
  },
  layer: [
    {
      mark: "bar",
      encoding: {
        x: { field: "mbps", type: "quantitative", title: "Mb/s" },
        color: { field: "group", type: "nominal", sort: groupOrder(r), title: "group", legend: { labelLimit: 400 } }
      }
    },
    { mark: { type: "rule", color: "#222" }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } }
  ]
})

export const rttChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: `Ping round trip (µs): mean bar with its 95% interval, 99th percentile tick (${r.seeds.length} seeds)`,
  width: WIDTH,
  data: {
    values: r.groups.map((g) => {
      const w = g.workloads.find((x) => x.workload === "ping")
      const mean = w?.rttMeanUs ?? 0
      return { group: g.label, mean, p99: w?.rttP99Us ?? 0, ...interval(mean, w?.rttMeanCi95Us ?? null) }
    })
  },
  encoding: { y: { field: "group", type: "nominal", sort: groupOrder(r), title: null } },
  layer: [
    { mark: "bar", encoding: { x: { field: "mean", type: "quantitative", title: "µs" }, color: { value: "#4c78a8" } } },
    { mark: { type: "rule", color: "#222" }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
    { mark: { type: "tick", thickness: 2, size: 14 }, encoding: { x: { field: "p99", type: "quantitative" }, color: { value: "#e45756" } } }
  ]
})

export const cpuBreakdownChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "CPU time by Table 1 category, TCP TX (percent of total time)",
  width: WIDTH,
  data: {
    values: r.groups.flatMap((g) =>
      categories.map((c) => ({ group: g.label, category: c.label, percent: g.cpuBreakdownTcpTx[c.id] ?? 0 })).filter((x) => x.percent > 0)
    )
  },
  mark: "bar",
  encoding: {
    y: { field: "group", type: "nominal", sort: groupOrder(r), title: null },
    x: { field: "percent", type: "quantitative", stack: "zero", title: "% of total time" },
    color: { field: "category", type: "nominal", sort: categories.map((c) => c.label), title: "category", scale: { scheme: "tableau20" }, legend: { labelLimit: 400 } }
  }
})

export const optimizationChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: "CPU utilization per workload: what each optimization saves (%)",
  width: WIDTH,
  data: {
    values: r.groups.filter((g) => g.group.startsWith("virtual-wifi")).flatMap((g) =>
      g.workloads.map((w) => ({ group: g.label, workload: w.workload, cpu: 100 * w.cpuUtilization }))
    )
  },
  mark: "bar",
  encoding: {
    y: { field: "workload", type: "nominal", title: null },
    yOffset: { field: "group", type: "nominal" },
    x: { field: "cpu", type: "quantitative", title: "CPU %" },
    color: { field: "group", type: "nominal", title: "group", legend: { labelLimit: 400 } }
  }
})
