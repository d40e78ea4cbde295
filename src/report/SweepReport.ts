/** The results of `vwifi sweep-rate` (`sweep.json`) and its chart page (`sweep.html`). */
import { Effect, Schema } from "effect"
import type { TopLevelSpec } from "vega-lite"
import { renderSvg } from "./RenderSvg.ts"

export const SweepPointSchema = Schema.Struct({
  group: Schema.String,
  label: Schema.String,
  phy: Schema.String,
  phyRateMbps: Schema.Number,
  /** Saturated UDP goodput from the VM (or the host), Mbit/s. */
  goodputMbps: Schema.Number,
  /** Busy time of the one core over elapsed time, 0..1. */
  cpuUtilization: Schema.Number
})

export const SweepReport = Schema.Struct({
  seed: Schema.Number,
  simulatedSecondsPerRun: Schema.Number,
  points: Schema.Array(SweepPointSchema)
})
export type SweepReport = typeof SweepReport.Type

const lineChart = (r: SweepReport, field: "goodputMbps" | "cpu", title: string, axis: string): TopLevelSpec => ({
  $schema: "https://vega.github.io/schema/vega-lite/v6.json",
  title,
  width: 520,
  height: 260,
  data: { values: r.points.map((p) => ({ ...p, cpu: 100 * p.cpuUtilization })) },
  mark: { type: "line", point: true },
  encoding: {
    x: { field: "phyRateMbps", type: "quantitative", title: "PHY rate (Mb/s)" },
    y: { field, type: "quantitative", title: axis },
    color: { field: "label", type: "nominal", title: "group", legend: { labelLimit: 400 } }
  }
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
<style>body { font: 14px/1.4 system-ui, sans-serif; margin: 2em auto; max-width: 1000px } figure { margin: 2em 0 }</style></head><body>
<h1>CPU cost against PHY rate</h1>
<p>One VM (or the host) sending saturated UDP, ${r.simulatedSecondsPerRun} simulated seconds per point, seed ${r.seed}. Where the core saturates, goodput stops following the PHY rate.</p>
<figure>${goodput}</figure><figure>${cpu}</figure></body></html>
`
  })
