/**
 * Renders a Vega-Lite chart to an SVG string, headless (no browser, no canvas). Vega is loaded on
 * the first chart: the commands that write none (`vwifi run`, `vwifi soak`) do not pay for its
 * modules in memory and start-up time (issue 14).
 */
import { Effect } from "effect"
import type { TopLevelSpec } from "vega-lite"

export const renderSvg = (spec: TopLevelSpec): Effect.Effect<string> =>
  Effect.promise(async () => {
    const [vega, { compile }] = await Promise.all([import("vega"), import("vega-lite")])
    return new vega.View(vega.parse(compile(spec).spec), { renderer: "none" }).toSVG()
  })
