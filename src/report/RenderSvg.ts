/**
 * Renders a Vega-Lite chart to an SVG string, headless (no browser, no canvas).
 *
 * Vega and Vega-Lite are loaded on the first chart, not with the module: every command of the CLI
 * imports this one (through the compare and sweep reports), and loading the two libraries took
 * about 1.3 s of the start of `vwifi run`, which draws no chart (issue 14).
 */
import * as Effect from "effect/Effect"
import type { TopLevelSpec } from "vega-lite"

// The module loader keeps what it loaded: only the first chart waits for it.
const libraries = Effect.promise(() => Promise.all([import("vega"), import("vega-lite")]))

export const renderSvg = (spec: TopLevelSpec): Effect.Effect<string> =>
  Effect.flatMap(libraries, ([vega, vegaLite]) =>
    Effect.promise(() => new vega.View(vega.parse(vegaLite.compile(spec).spec), { renderer: "none" }).toSVG()))
