/**
 * Fitting the per-operation costs to Table 1 (pure). For each group the simulation gives how many
 * times each operation ran and the elapsed time; a category's share is then linear in the costs:
 *
 *   share(group, category) = 100 · Σ_{op in category} count(group, op) · cycles(op) / (GHz · elapsed(group))
 *
 * The fit is non-negative least squares over every (group, category) cell of Table 1, with a small
 * pull towards the first estimates (so that operations Table 1 cannot tell apart keep their
 * estimated proportions), solved by projected gradient descent. Operations measured directly
 * elsewhere can be held at their estimates: they count in the shares but are not fitted.
 */
import { categories } from "./CpuCategory.ts"
import { costNames } from "./CostTable.ts"
import type { CostName, CostTable } from "./CostTable.ts"
import { table1, table1Groups } from "./Table1.ts"
import type { Table1Group } from "./Table1.ts"

/** What one TCP TX run of a group says about operations. */
export interface GroupCounts {
  readonly counts: Readonly<Record<CostName, number>>
  readonly elapsedNs: number
}

export interface FitResult {
  readonly cycles: Readonly<Record<CostName, number>>
  /** Model share minus Table 1's, percentage points, per category and group (at the fitted costs, same counts). */
  readonly residuals: Readonly<Record<string, Readonly<Record<Table1Group, number>>>>
  readonly maxAbsResidual: number
}

/** Weight of the pull towards the estimates (relative to one percentage point squared). */
const PRIOR_WEIGHT = 1e-3
const ITERATIONS = 200_000

/** Shares to fit, percent of total time, per category and group (Table 1 unless given). */
export type Targets = Readonly<Record<string, Readonly<Record<Table1Group, number>>>>

export const fit = (
  runs: Readonly<Record<Table1Group, GroupCounts>>,
  estimates: CostTable,
  ghz: number,
  targets: Targets = table1,
  held: ReadonlyArray<CostName> = []
): FitResult => {
  const isHeld = costNames.map((name) => held.includes(name))
  const catIndex = new Map(categories.map((c, i) => [i, c.id]))
  // A[row][op]: share contributed per unit of y(op), where cycles(op) = y(op) · estimate(op).
  const rows: Array<{ readonly cat: string; readonly group: Table1Group; readonly target: number; readonly a: Float64Array }> = []
  for (const [cat, row] of Object.entries(targets)) {
    for (const group of table1Groups) {
      const run = runs[group]
      const a = new Float64Array(costNames.length)
      costNames.forEach((name, j) => {
        if (catIndex.get(estimates[name].category) === cat) {
          a[j] = (100 * run.counts[name] * estimates[name].cycles) / (ghz * run.elapsedNs)
        }
      })
      rows.push({ cat, group, target: row[group], a })
    }
  }
  // Projected gradient descent on ||A y − t||² + w ||y − 1||², y ≥ 0.
  const n = costNames.length
  const y = new Float64Array(n).fill(1)
  let lipschitz = PRIOR_WEIGHT
  for (const r of rows) lipschitz += r.a.reduce((s, v) => s + v * v, 0)
  const step = 1 / (2 * lipschitz)
  const grad = new Float64Array(n)
  for (let it = 0; it < ITERATIONS; it++) {
    for (let j = 0; j < n; j++) grad[j] = 2 * PRIOR_WEIGHT * (y[j]! - 1)
    for (const r of rows) {
      let pred = 0
      for (let j = 0; j < n; j++) pred += r.a[j]! * y[j]!
      const e = 2 * (pred - r.target)
      for (let j = 0; j < n; j++) grad[j]! += e * r.a[j]!
    }
    for (let j = 0; j < n; j++) y[j] = isHeld[j] ? 1 : Math.max(0, y[j]! - step * grad[j]!)
  }
  const cycles = Object.fromEntries(costNames.map((name, j) => [name, Math.round(y[j]! * estimates[name].cycles)])) as Record<CostName, number>
  const residuals: Record<string, Record<Table1Group, number>> = {}
  let maxAbsResidual = 0
  for (const r of rows) {
    let pred = 0
    for (let j = 0; j < n; j++) pred += r.a[j]! * y[j]!
    const res = pred - r.target
    ;(residuals[r.cat] ??= { "virtual-wifi": 0, passthrough: 0, native: 0 })[r.group] = res
    maxAbsResidual = Math.max(maxAbsResidual, Math.abs(res))
  }
  return { cycles, residuals, maxAbsResidual }
}

/** A category's share of total time in a run, as percent, from that run's CPU snapshot. */
export const sharesOf = (breakdownNs: Readonly<Record<string, number>>, elapsedNs: number): Record<string, number> =>
  Object.fromEntries(Object.entries(breakdownNs).map(([id, ns]) => [id, (100 * ns) / elapsedNs]))
