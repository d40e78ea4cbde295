/**
 * One colour per compared group (Native, Passthrough, Virtual WiFi and each optimization), the same
 * in every chart of a report, whichever groups a chart shows: a group's colour is its place among all
 * the report's groups (the comparison's, in the study's order; a sweep alone, its own).
 */

/** Vega's tableau10. */
const GROUP_COLOURS = ["#4c78a8", "#f58518", "#e45756", "#72b7b2", "#54a24b", "#eeca3b", "#b279a2", "#ff9da6", "#9d755d", "#bab0ac"]

interface GroupName {
  readonly group: string
  readonly label: string
}

/** A Vega-Lite colour scale for the groups `shown`, in the order given, coloured by their place in `all`. */
export const groupColourScale = (shown: ReadonlyArray<GroupName>, all: ReadonlyArray<string> = shown.map((g) => g.group)) => ({
  domain: shown.map((g) => g.label),
  range: shown.map((g) => GROUP_COLOURS[Math.max(0, all.indexOf(g.group)) % GROUP_COLOURS.length]!)
})
