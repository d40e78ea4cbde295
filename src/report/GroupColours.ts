/**
 * One colour per compared group (Native, Passthrough, Virtual WiFi and each optimization), the same
 * in every chart of the report and of the sweep, whichever groups a chart shows: a group's colour is
 * its place in the study's list of groups (`compare/Study.ts`).
 */
import { groups } from "../compare/Study.ts"

/** Vega's tableau10: one colour for each of the study's groups. */
const GROUP_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"]

/** A Vega-Lite colour scale for the groups `shown` (by id and label), in the order given. */
export const groupColourScale = (shown: ReadonlyArray<{ readonly group: string; readonly label: string }>) => ({
  domain: shown.map((g) => g.label),
  range: shown.map((g) => GROUP_COLOURS[Math.max(0, groups.findIndex((x) => x.id === g.group)) % GROUP_COLOURS.length]!)
})
