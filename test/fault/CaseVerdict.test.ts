/**
 * The verdict the property test and every campaign trust: a report with a broken invariant, a run
 * that did not complete, a VM not connected (unless on its way to an AP with its data moving until
 * then), or a connected VM whose traffic stopped must each fail.
 */
import { assert, describe, it } from "@effect/vitest"
import * as Effect from "effect/Effect"
import { caseVerdict, failedRunVerdict } from "../../src/fault/FaultCase.ts"
import { problemClass } from "../../src/fault/CaseShrink.ts"
import { SimulationFailed } from "../../src/run/RunWorld.ts"
import type { RunReport } from "../../src/report/RunReport.ts"
import { runScenario } from "../../src/run/RunScenario.ts"
import { defaultScenario } from "../../src/scenario/ScenarioLoad.ts"

describe("fault case verdict", () => {
  it.effect("passes a clean run and fails each kind of bad report, saying why", () =>
    Effect.gen(function*() {
      const clean: RunReport = yield* runScenario(defaultScenario, { seed: 1, durationNs: 3e9 })
      assert.deepStrictEqual(caseVerdict(clean), [], "the default scenario's run is clean")
      const vm = clean.vms[0]!
      const withVm = (patch: Partial<typeof vm>): RunReport => ({ ...clean, vms: [{ ...vm, ...patch }] })
      const cases: ReadonlyArray<readonly [string, RunReport, string]> = [
        ["a broken invariant", { ...clean, invariants: { ...clean.invariants, crossVmWrites: 2 } }, "invariant crossVmWrites = 2"],
        ["a run that did not complete", { ...clean, outcome: "runaway" }, "the run ended runaway"],
        // Still scanning, and silent for 2.5 s: not on its way, stuck.
        ["a VM still scanning", withVm({ state: "scanning", lastDataAtSeconds: 0.5 }), "vm1 is scanning"],
        ["a VM that failed", withVm({ state: "failed" }), "vm1 is failed"],
        ["a connected VM that never moved data", withVm({ lastDataAtSeconds: null }), "vm1 has moved no data since the start"],
        // The run ends at 3 s; data last moved at 0.5 s: 2.5 s of silence, past the 2 s allowed.
        ["a connected VM whose traffic stopped", withVm({ lastDataAtSeconds: 0.5 }), "vm1 has moved no data since 0.5 s"]
      ]
      for (const [what, report, expected] of cases) {
        const problems = caseVerdict(report)
        assert.lengthOf(problems, 1, what)
        assert.include(problems[0]!, expected, what)
      }
      // Data 1.5 s before the end is within the 2 s allowed.
      assert.deepStrictEqual(caseVerdict(withVm({ lastDataAtSeconds: 1.5 })), [])
      // A roam or a join begun less than the silence allowed before the end, its data moving until
      // then, is on its way (campaign seed 721, case 25: a roam begun in the run's last millisecond).
      for (const state of ["associating", "authenticating", "scanning"]) {
        assert.deepStrictEqual(caseVerdict(withVm({ state, lastDataAtSeconds: 2.999 })), [], state)
      }
      // One frame crossing to another VM is one problem, named by its kind (not again as the sum of the kinds).
      const crossed = caseVerdict({ ...clean, invariants: { ...clean.invariants, frameIsolation: 1, isolationViolations: 1 } })
      assert.deepStrictEqual(crossed, ["invariant frameIsolation = 1"])
    }), { timeout: 60_000 })

  it("judges a run that died (a deadlock, a runaway fiber, an error) as the case's failure, of the class the shrinker keeps", () => {
    const stats = {
      seed: 3, outcome: "deadlock" as const, eventsProcessed: 10, virtualTimeNs: 2.5e9, wallTimeMs: 1,
      traceEvents: 10, traceDigest: "0123456789abcdef", randomDraws: 0, pendingTimers: 0
    }
    const died = failedRunVerdict(new SimulationFailed(stats, "every fiber waits", undefined))
    assert.deepStrictEqual(died.problems, ["the run ended deadlock at 2.5 s: every fiber waits"])
    assert.deepStrictEqual([died.traceDigest, died.simulatedSeconds], ["0123456789abcdef", 2.5])
    assert.include(died.detail, "SimulationFailed", "the replay gets the stack")
    assert.strictEqual(problemClass(died.problems[0]!), "the run ended deadlock")
    const bug = new TypeError("x is undefined")
    const failed = failedRunVerdict(new SimulationFailed({ ...stats, outcome: "completed" }, bug.message, bug))
    assert.deepStrictEqual(failed.problems, ["the run ended with TypeError at 2.5 s: x is undefined"])
    assert.strictEqual(failed.detail, bug.stack)
    assert.strictEqual(problemClass(failed.problems[0]!), "the run ended with TypeError")
    const threw = failedRunVerdict(new RangeError("boom"))
    assert.deepStrictEqual(threw.problems, ["the run ended with RangeError: boom"])
    // A shrink of one death does not wander to another kind.
    assert.notStrictEqual(problemClass(threw.problems[0]!), problemClass(failed.problems[0]!))
    assert.notStrictEqual(problemClass(died.problems[0]!), problemClass(failed.problems[0]!))
  })
})
