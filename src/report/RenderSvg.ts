/** Renders a Vega-Lite chart to an SVG string, headless (no browser, no canvas). */
import { Effect } from "effect"
import * as vega from "vega"
import { compile } from "vega-lite"
import type { TopLevelSpec } from "vega-lite"

export const renderSvg = (spec: TopLevelSpec): Effect.Effect<string> =>
  Effect.promise(() => new vega.View(vega.parse(compile(spec).spec), { renderer: "none" }).toSVG())
