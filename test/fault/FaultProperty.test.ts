/**
 * Property: under any generated topology and fault schedule, every invariant stays at zero and every
 * VM is connected again within the bound after the last fault.
 *
 * VWIFI_PROP_RUNS raises the number of cases (default 300). VWIFI_PROP_SEED sets the generator's
 * seed: by default a fixed one, so `npm test` (and CI) checks the same cases every run; `random`
 * draws fresh cases, as the long campaigns do. VWIFI_PROP_REPLAY takes the "Replay: [...]" token a
 * failure prints and replays that case alone. A failure also prints the shrunk case's scenario (faults included) and its simulation seed:
 * `vwifi run scenario.json --seed N` on it replays the run exactly.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { caseScenario, caseVerdict, FaultCase } from "../../src/fault/FaultCase.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { encodeScenario } from "../../src/scenario/ScenarioLoad.ts"

const runs = Number(process.env["VWIFI_PROP_RUNS"] ?? 300)
/** The generator's seed unless VWIFI_PROP_SEED says otherwise (any fixed value serves). */
const DEFAULT_SEED = 20_261_125
const seedText = process.env["VWIFI_PROP_SEED"]
const seed = seedText === "random" ? undefined : seedText === undefined ? DEFAULT_SEED : Number(seedText)
if (seed !== undefined && !Number.isInteger(seed)) throw new Error(`VWIFI_PROP_SEED must be an integer or "random", not ${seedText}`)
const replay = process.env["VWIFI_PROP_REPLAY"] === undefined ? undefined : JSON.parse(process.env["VWIFI_PROP_REPLAY"])

describe("fault injection: generated cases", () => {
  it.effect.prop("no invariant breaks and every VM reconnects within the bound", [FaultCase], ([c]) =>
    Effect.gen(function*() {
      const scenario = yield* caseScenario(c)
      const report = yield* runScenario(scenario, { seed: c.seed })
      const problems = caseVerdict(report)
      if (problems.length > 0) {
        // The shrunk case is the last one printed before the property fails.
        console.error(`fault case failed (simulation seed ${c.seed}): ${problems.join("; ")}\n` +
          `scenario: ${JSON.stringify(encodeScenario(scenario))}`)
      }
      assert.deepStrictEqual(problems, [])
      // Long campaigns get time in proportion (a case takes well under a second).
    }), { timeout: Math.max(570_000, runs * 2_000), arbitrary: { runs, ...(seed === undefined ? {} : { seed }), ...(replay === undefined ? {} : { replay }) } })
})
