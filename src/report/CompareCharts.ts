/**
 * The comparison's charts as Vega-Lite specifications (pure data, built from a `CompareReport`):
 * throughput, ping round trips, the CPU breakdown stacked by Table 1's categories, and what each
 * optimization does to CPU use.
 */
import type { TopLevelSpec } from "vega-lite"
import { categories } from "../cpu/CpuCategory.ts"
import { table1, table1Groups } from "../cpu/Table1.ts"
import { txPathStages } from "../vocabulary/TxPath.ts"
import type { CompareReport } from "./CompareReport.ts"
import { chartSeedsPhrase } from "./Format.ts"
import { groupColourScale } from "./GroupColours.ts"

const WIDTH = 520
const groupOrder = (r: CompareReport) => r.groups.map((g) => g.label)
/** The workloads in the report's order (the tables' order), not alphabetical. */
const workloadOrder = (r: CompareReport) => r.groups[0]?.workloads.map((w) => w.workload) ?? []

/** The groups of Virtual WiFi (plain and each optimization), in the report's order. */
const virtualWifiGroups = (r: CompareReport) => r.groups.filter((g) => g.group.startsWith("virtual-wifi"))
/** Room for the longest group label ("Virtual WiFi + IOMMU + coalescing (seed's optimized system)"). */
const LABEL_LIMIT_PX = 520
/** Legends under the plot, one entry a line, in every chart of the report and the sweep: beside it, with long labels, a chart outgrew the page and its text was scaled down to ~8 px. */
export const LEGEND = { labelLimit: LABEL_LIMIT_PX, orient: "bottom", direction: "vertical" } as const

/** The 95% interval's ends around a mean (the mean itself when there is no interval). */
const interval = (mean: number, ci: number | null) => ({ lo: mean - (ci ?? 0), hi: mean + (ci ?? 0) })

export const throughputChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: "Goodput by workload (Mb/s)", subtitle: chartSeedsPhrase(r.seeds.length) },
  width: WIDTH,
  data: {
    values: r.groups.flatMap((g) =>
      g.workloads.filter((w) => w.throughputMbps !== null).map((w) => ({
        group: g.label, workload: w.workload, mbps: w.throughputMbps, ...interval(w.throughputMbps!, w.throughputCi95Mbps)
      }))
    )
  },
  encoding: {
    y: { field: "workload", type: "nominal", sort: workloadOrder(r), title: null },
    yOffset: { field: "group", type: "nominal", sort: groupOrder(r) }
  },
  layer: [
    {
      mark: "bar",
      encoding: {
        x: { field: "mbps", type: "quantitative", title: "Mb/s" },
        color: { field: "group", type: "nominal", sort: groupOrder(r), title: "group", scale: groupColourScale(r.groups), legend: LEGEND }
      }
    },
    { mark: { type: "rule", color: "#222" }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } }
  ]
})

export const rttChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: "Ping round trip (µs)", subtitle: `mean bar, 99th percentile tick (${chartSeedsPhrase(r.seeds.length)})` },
  width: WIDTH,
  data: {
    values: r.groups.map((g) => {
      const w = g.workloads.find((x) => x.workload === "ping")
      const mean = w?.rttMeanUs ?? 0
      return { group: g.label, mean, p99: w?.rttP99Us ?? 0, ...interval(mean, w?.rttMeanCi95Us ?? null) }
    })
  },
  encoding: { y: { field: "group", type: "nominal", sort: groupOrder(r), title: null, axis: { labelLimit: LABEL_LIMIT_PX } } },
  layer: [
    { mark: "bar", encoding: { x: { field: "mean", type: "quantitative", title: "µs" }, color: { value: "#4c78a8" } } },
    { mark: { type: "rule", color: "#222" }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } },
    { mark: { type: "tick", thickness: 2, size: 14 }, encoding: { x: { field: "p99", type: "quantitative" }, color: { value: "#e45756" } } }
  ]
})

/**
 * Colours of the CPU categories in Table 1's order: one family for the KVM rows (blues), one for the
 * host kernel's (oranges to reds), greys for the time Table 1 leaves out (guest, host user space).
 */
const CATEGORY_COLOURS: Readonly<Record<string, ReadonlyArray<string>>> = {
  kvm: ["#08306b", "#08519c", "#2171b5", "#4292c6", "#6baed6", "#9ecae1"],
  "host-kernel": ["#7f2704", "#a63603", "#d94801", "#f16913", "#fd8d3c", "#fdae6b", "#fdd0a2", "#b30000", "#e34a33"],
  "outside-table-1": ["#636363", "#bdbdbd"]
}

const categoryScale = () => {
  const used: Record<string, number> = {}
  return {
    domain: categories.map((c) => c.label),
    range: categories.map((c) => CATEGORY_COLOURS[c.group]![(used[c.group] = (used[c.group] ?? -1) + 1)]!)
  }
}

const categoryOrder = Object.fromEntries(categories.map((c, i) => [c.label, i]))

export const cpuBreakdownChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: "CPU time by Table 1 category, TCP TX (percent of total time)", subtitle: "KVM rows blue, host kernel rows orange, outside Table 1 grey" },
  width: WIDTH,
  data: {
    values: r.groups.flatMap((g) =>
      categories.map((c) => ({ group: g.label, category: c.label, order: categoryOrder[c.label], percent: g.cpuBreakdownTcpTx[c.id] ?? 0 })).filter((x) => x.percent > 0)
    )
  },
  mark: "bar",
  encoding: {
    y: { field: "group", type: "nominal", sort: groupOrder(r), title: null, axis: { labelLimit: LABEL_LIMIT_PX } },
    x: { field: "percent", type: "quantitative", stack: "zero", title: "% of total time" },
    order: { field: "order", type: "quantitative" },
    color: { field: "category", type: "nominal", sort: categories.map((c) => c.label), title: "category", scale: categoryScale(), legend: LEGEND }
  }
})

/** The model's Table 1 (KVM and host kernel rows, TCP TX) beside the seed's, for the three groups Table 1 lists. */
export const table1Chart = (r: CompareReport): TopLevelSpec => {
  const rows = categories.filter((c) => c.group !== "outside-table-1")
  const values = table1Groups.flatMap((id) => {
    const g = r.groups.find((x) => x.group === id)
    if (g === undefined) return []
    return rows.flatMap((c) => [
      { bar: `${g.label}: vwifi`, category: c.label, order: categoryOrder[c.label], percent: g.cpuBreakdownTcpTx[c.id] ?? 0 },
      { bar: `${g.label}: seed`, category: c.label, order: categoryOrder[c.label], percent: table1[c.id]?.[id] ?? 0 }
    ])
  }).filter((x) => x.percent > 0)
  return {
    $schema: "https://vega.github.io/schema/vega-lite/v6.json",
    title: { text: "Table 1, the model's beside the seed's", subtitle: "KVM and host kernel time, TCP TX (percent of total time)" },
    width: WIDTH,
    data: { values },
    mark: "bar",
    encoding: {
      y: { field: "bar", type: "nominal", axis: { labelLimit: LABEL_LIMIT_PX }, sort: table1Groups.flatMap((id) => { const l = r.groups.find((x) => x.group === id)?.label; return l === undefined ? [] : [`${l}: vwifi`, `${l}: seed`] }), title: null },
      x: { field: "percent", type: "quantitative", stack: "zero", title: "% of total time" },
      order: { field: "order", type: "quantitative" },
      color: { field: "category", type: "nominal", sort: rows.map((c) => c.label), title: "category", scale: categoryScale(), legend: LEGEND }
    }
  }
}

export const optimizationChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: "CPU utilization per workload (%): what each optimization saves", subtitle: chartSeedsPhrase(r.seeds.length) },
  width: WIDTH,
  data: {
    values: virtualWifiGroups(r).flatMap((g) =>
      g.workloads.map((w) => ({ group: g.label, workload: w.workload, cpu: 100 * w.cpuUtilization, ...interval(100 * w.cpuUtilization, w.cpuUtilizationCi95 === null ? null : 100 * w.cpuUtilizationCi95) }))
    )
  },
  encoding: {
    y: { field: "workload", type: "nominal", sort: workloadOrder(r), title: null },
    yOffset: { field: "group", type: "nominal", sort: virtualWifiGroups(r).map((g) => g.label) }
  },
  layer: [
    {
      mark: "bar",
      encoding: {
        x: { field: "cpu", type: "quantitative", title: "CPU %" },
        // Each group in the colour the goodput chart gives it.
        color: { field: "group", type: "nominal", sort: virtualWifiGroups(r).map((g) => g.label), title: "group", scale: groupColourScale(virtualWifiGroups(r)), legend: LEGEND }
      }
    },
    { mark: { type: "rule", color: "#222" }, encoding: { x: { field: "lo", type: "quantitative" }, x2: { field: "hi" } } }
  ]
})

/** The seed's "VM additional latency on TX path": each group's ping, stage by stage, stacked (µs). */
export const txPathChart = (r: CompareReport): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: {
    text: "TX path of a ping, stage by stage",
    subtitle: ["mean µs from the guest's send to the Ack on the air; without a device model on the path (Native, Passthrough,", "the fast path) the whole software send path, the guest's or the host's, is the second stage"]
  },
  width: WIDTH,
  data: {
    values: r.groups.flatMap((g) =>
      txPathStages.map((stage, order) => ({ group: g.label, stage: stage.label, order, us: g.txPathPingUs[stage.id] ?? 0 })).filter((x) => x.us > 0)
    )
  },
  mark: "bar",
  encoding: {
    y: { field: "group", type: "nominal", sort: groupOrder(r), title: null, axis: { labelLimit: LABEL_LIMIT_PX } },
    x: { field: "us", type: "quantitative", stack: "zero", title: "µs" },
    order: { field: "order", type: "quantitative" },
    color: { field: "stage", type: "nominal", sort: txPathStages.map((s) => s.label), title: "stage", scale: { scheme: "tableau10" }, legend: LEGEND }
  }
})
