/** Seeds per configuration by default, for the comparison and the sweep: enough for a 95% interval (t = 2.776 at 4 degrees of freedom). */
export const DEFAULT_SEEDS = 5
