/**
 * Fitting the per-operation costs to Table 1 (pure). For each group the simulation gives how many
 * times each operation ran and the elapsed time; a category's share is then linear in the costs:
 *
 *   share(group, category) = 100 · Σ_{op in category} count(group, op) · cycles(op) / (GHz · elapsed(group))
 *
 * The fit is non-negative least squares over every (group, category) cell of Table 1, with a pull
 * towards the first estimates (so that operations Table 1 cannot tell apart keep their estimated
 * proportions), solved exactly (`Nnls.ts`). How strong that pull is, is chosen by leave-one-out
 * error over the cells (`chooseWeight`): the weight whose fits best predict the cell they did not
 * see. Operations measured directly elsewhere can be held at their estimates: they count in the
 * shares but are not fitted.
 */
import { categories } from "./CpuCategory.ts"
import { costNames } from "./CostTable.ts"
import type { CostName, CostTable } from "./CostTable.ts"
import { nnls } from "./Nnls.ts"
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

/**
 * Weights of the pull towards the estimates (relative to one percentage point squared, on costs
 * measured in units of their estimate) that `chooseWeight` compares.
 */
export const PRIOR_WEIGHTS: ReadonlyArray<number> = [1e-6, 1e-5, 1e-4, 1e-3, 1e-2, 1e-1, 1]

/** Shares to fit, percent of total time, per category and group (Table 1 unless given). */
export type Targets = Readonly<Record<string, Readonly<Record<Table1Group, number>>>>

/** One Table 1 cell as a linear equation in the costs (`a · y = target`, y in units of each estimate). */
interface Cell {
  readonly cat: string
  readonly group: Table1Group
  readonly target: number
  readonly a: Float64Array
}

const cellsOf = (runs: Readonly<Record<Table1Group, GroupCounts>>, estimates: CostTable, ghz: number, targets: Targets): Array<Cell> => {
  const catIndex = new Map(categories.map((c, i) => [i, c.id]))
  const cells: Array<Cell> = []
  for (const [cat, row] of Object.entries(targets)) {
    for (const group of table1Groups) {
      const run = runs[group]
      const a = new Float64Array(costNames.length)
      costNames.forEach((name, j) => {
        if (catIndex.get(estimates[name].category) === cat) a[j] = (100 * run.counts[name] * estimates[name].cycles) / (ghz * run.elapsedNs)
      })
      cells.push({ cat, group, target: row[group], a })
    }
  }
  return cells
}

/**
 * y ≥ 0 minimizing Σ (a · y − target)² + weight · Σ (y − 1)² over the free operations, the held ones
 * at 1 (their estimate): non-negative least squares on the cells and one prior row per free operation.
 */
const solve = (cells: ReadonlyArray<Cell>, held: ReadonlyArray<boolean>, weight: number): Float64Array => {
  const n = costNames.length
  const rows: Array<Float64Array> = []
  const rhs: Array<number> = []
  for (const c of cells) {
    const row = new Float64Array(n)
    let target = c.target
    for (let j = 0; j < n; j++) {
      if (held[j]) target -= c.a[j]!
      else row[j] = c.a[j]!
    }
    rows.push(row)
    rhs.push(target)
  }
  const root = Math.sqrt(weight)
  for (let j = 0; j < n; j++) {
    if (held[j]) continue
    const row = new Float64Array(n)
    row[j] = root
    rows.push(row)
    rhs.push(root)
  }
  const y = nnls(rows, Float64Array.from(rhs), n)
  for (let j = 0; j < n; j++) if (held[j]) y[j] = 1
  return y
}

const predict = (c: Cell, y: Float64Array): number => {
  let p = 0
  for (let j = 0; j < y.length; j++) p += c.a[j]! * y[j]!
  return p
}

/**
 * Leave-one-out error of a prior weight: each informative cell (one some operation contributes to)
 * is predicted by a fit on all the others; the root mean square of those prediction errors,
 * percentage points.
 */
export const leaveOneOutError = (
  runs: Readonly<Record<Table1Group, GroupCounts>>,
  estimates: CostTable,
  ghz: number,
  weight: number,
  targets: Targets = table1,
  heldNames: ReadonlyArray<CostName> = []
): number => {
  const cells = cellsOf(runs, estimates, ghz, targets)
  const held = costNames.map((name) => heldNames.includes(name))
  let sum = 0
  let count = 0
  cells.forEach((cell, i) => {
    if (cell.a.every((v) => v === 0)) return
    const y = solve(cells.filter((_, k) => k !== i), held, weight)
    sum += (predict(cell, y) - cell.target) ** 2
    count++
  })
  return Math.sqrt(sum / count)
}

/** The prior weight of `PRIOR_WEIGHTS` with the smallest leave-one-out error (the larger on a tie), and every weight's error. */
export const chooseWeight = (
  runs: Readonly<Record<Table1Group, GroupCounts>>,
  estimates: CostTable,
  ghz: number,
  targets: Targets = table1,
  held: ReadonlyArray<CostName> = []
): { readonly weight: number; readonly errors: ReadonlyArray<{ readonly weight: number; readonly looRmse: number }> } => {
  const errors = PRIOR_WEIGHTS.map((weight) => ({ weight, looRmse: leaveOneOutError(runs, estimates, ghz, weight, targets, held) }))
  let best = errors[0]!
  for (const e of errors) if (e.looRmse <= best.looRmse + 1e-9) best = e
  return { weight: best.weight, errors }
}

export const fit = (
  runs: Readonly<Record<Table1Group, GroupCounts>>,
  estimates: CostTable,
  ghz: number,
  targets: Targets = table1,
  heldNames: ReadonlyArray<CostName> = [],
  weight = 1e-3
): FitResult => {
  const cells = cellsOf(runs, estimates, ghz, targets)
  const y = solve(cells, costNames.map((name) => heldNames.includes(name)), weight)
  const cycles = Object.fromEntries(costNames.map((name, j) => [name, Math.round(y[j]! * estimates[name].cycles)])) as Record<CostName, number>
  const residuals: Record<string, Record<Table1Group, number>> = {}
  let maxAbsResidual = 0
  for (const c of cells) {
    const res = predict(c, y) - c.target
    ;(residuals[c.cat] ??= { "virtual-wifi": 0, passthrough: 0, native: 0 })[c.group] = res
    maxAbsResidual = Math.max(maxAbsResidual, Math.abs(res))
  }
  return { cycles, residuals, maxAbsResidual }
}

/** A category's share of total time in a run, as percent, from that run's CPU snapshot. */
export const sharesOf = (breakdownNs: Readonly<Record<string, number>>, elapsedNs: number): Record<string, number> =>
  Object.fromEntries(Object.entries(breakdownNs).map(([id, ns]) => [id, (100 * ns) / elapsedNs]))
