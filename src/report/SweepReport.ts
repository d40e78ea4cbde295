/** The results of `vwifi sweep-rate` (`sweep.json`) and its chart page (`sweep.html`). */
import * as Effect from "effect/Effect"
import * as Schema from "effect/Schema"
import type { TopLevelSpec } from "vega-lite"
import { chartSeedsPhrase, intervalPhrase, seedsPhrase } from "./Format.ts"
import { LEGEND } from "./CompareCharts.ts"
import { groupColourScale } from "./GroupColours.ts"
import { renderSvg } from "./RenderSvg.ts"

export const SweepPointSchema = Schema.Struct({
  group: Schema.String,
  label: Schema.String,
  phy: Schema.String,
  phyRateMbps: Schema.Number,
  /** Saturated UDP goodput from the VM (or the host), Mbit/s: mean over the seeds, and its 95% half-width (null with one seed). */
  goodputMbps: Schema.Number,
  goodputCi95Mbps: Schema.NullOr(Schema.Number),
  /** Busy time of the one core over elapsed time, 0..1: mean and 95% half-width. */
  cpuUtilization: Schema.Number,
  cpuUtilizationCi95: Schema.NullOr(Schema.Number),
  /** The trace digest of each seed's run, in seed order. */
  traceDigests: Schema.Array(Schema.String),
  /** Invariant violations, all seeds together (must be 0). */
  invariantViolations: Schema.Number
})

export const SweepReport = Schema.Struct({
  /** The first seed, and every seed each point ran with. */
  seed: Schema.Number,
  seeds: Schema.Array(Schema.Number),
  simulatedSecondsPerRun: Schema.Number,
  points: Schema.Array(SweepPointSchema)
})
export type SweepReport = typeof SweepReport.Type

/** The groups the sweep's points cover, each once, in the order of the points. */
const sweepGroupsOf = (r: SweepReport) => [...new Map(r.points.map((p) => [p.group, { group: p.group, label: p.label }])).values()]

const lineChart = (r: SweepReport, field: "goodputMbps" | "cpu", title: string, axis: string): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title: { text: title, subtitle: chartSeedsPhrase(r.seeds.length) },
  width: 520,
  height: 260,
  data: {
    values: r.points.map((p) => {
      const cpu = 100 * p.cpuUtilization
      const cpuCi = 100 * (p.cpuUtilizationCi95 ?? 0)
      const gCi = p.goodputCi95Mbps ?? 0
      return field === "cpu"
        ? { ...p, cpu, lo: cpu - cpuCi, hi: cpu + cpuCi }
        : { ...p, cpu, lo: p.goodputMbps - gCi, hi: p.goodputMbps + gCi }
    })
  },
  encoding: {
    x: { field: "phyRateMbps", type: "quantitative", title: "PHY rate (Mb/s)" },
    // Each group in the colour the comparison's charts give it, the legend under the plot as theirs.
    color: { field: "label", type: "nominal", title: "group", scale: groupColourScale(sweepGroupsOf(r)), legend: LEGEND }
  },
  layer: [
    { mark: { type: "line", point: true }, encoding: { y: { field, type: "quantitative", title: axis } } },
    { mark: { type: "rule" }, encoding: { y: { field: "lo", type: "quantitative" }, y2: { field: "hi" } } }
  ]
})

/** The two sweep charts as SVG: goodput and CPU utilization against PHY rate. */
export const sweepCharts = (r: SweepReport): Effect.Effect<readonly [string, string]> =>
  Effect.all([
    renderSvg(lineChart(r, "goodputMbps", "Saturated UDP goodput against PHY rate", "goodput (Mb/s)")),
    renderSvg(lineChart(r, "cpu", "CPU utilization of the one core against PHY rate", "CPU (%)"))
  ])

export const sweepHtml = (r: SweepReport): Effect.Effect<string> =>
  Effect.gen(function*() {
    const [goodput, cpu] = yield* sweepCharts(r)
    return `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>vwifi: CPU cost against PHY rate</title>
<style>body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1000px } figure { margin: 2em 0 } figure svg { max-width: 100%; height: auto }</style></head><body>
<h1>CPU cost against PHY rate</h1>
<p>One VM (or the host) sending saturated UDP, ${r.simulatedSecondsPerRun} simulated seconds per point, ${seedsPhrase(r.seeds)}: ${intervalPhrase(r.seeds.length)}. Where the core saturates, goodput stops following the PHY rate.</p>
<figure>${goodput}</figure><figure>${cpu}</figure></body></html>
`
  })
