/**
 * One colour per compared group (Native, Passthrough, Virtual WiFi and each optimization), by the
 * group's id: the same in every chart of the comparison's report and of a sweep's page, whichever
 * groups a chart shows. Vega's tableau10, in the study's order of its groups (`compare/Study.ts`).
 */
const GROUP_COLOURS: Readonly<Record<string, string>> = {
  native: "#4c78a8",
  passthrough: "#f58518",
  "virtual-wifi": "#e45756",
  "virtual-wifi-seed": "#72b7b2",
  "virtual-wifi-iommu": "#54a24b",
  "virtual-wifi-coalescing": "#eeca3b",
  "virtual-wifi-fast-path": "#b279a2",
  "virtual-wifi-optimized": "#ff9da6"
}

/** A group without a colour of its own (none of the study's). */
const OTHER_GROUP_COLOUR = "#bab0ac"

/** The colour of the group `id`. */
export const groupColour = (id: string): string => GROUP_COLOURS[id] ?? OTHER_GROUP_COLOUR

/** A Vega-Lite colour scale for the groups `shown` (by id and label), in the order given. */
export const groupColourScale = (shown: ReadonlyArray<{ readonly group: string; readonly label: string }>) => ({
  domain: shown.map((g) => g.label),
  range: shown.map((g) => groupColour(g.group))
})
