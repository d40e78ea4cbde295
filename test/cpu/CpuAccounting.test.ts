import { assert, describe, it } from "@effect/vitest"
import { cpuAccountingErrorNs } from "../../src/cpu/CpuAccounting.ts"

const SECOND_NS = 1e9
const snapshot = (categoriesNs: Array<number>, threadsNs: Array<number>, switchNs: number, elapsedNs = SECOND_NS) => ({
  elapsedNs,
  breakdownNs: Object.fromEntries(categoriesNs.map((ns, i) => [`c${i}`, ns])),
  threads: threadsNs.map((busyNs, i) => ({ name: `t${i}`, vm: undefined, busyNs })),
  switchNs
})

describe("the CPU accounting invariant", () => {
  it("is 0 when the busy time by category equals the threads' with the switches, within the elapsed time", () => {
    assert.strictEqual(cpuAccountingErrorNs(snapshot([300e6, 200e6], [250e6, 230e6], 20e6)), 0)
    // Rounding far below a nanosecond in a simulated second is not an error.
    assert.strictEqual(cpuAccountingErrorNs(snapshot([300e6, 200e6 + 0.01], [250e6, 230e6], 20e6)), 0)
  })

  it("reports work booked by category that no thread ran, or the reverse", () => {
    assert.strictEqual(cpuAccountingErrorNs(snapshot([300e6, 200e6 + 5_000], [250e6, 230e6], 20e6)), 5_000)
    assert.strictEqual(cpuAccountingErrorNs(snapshot([300e6, 200e6], [250e6, 230e6], 20e6 + 7_000)), 7_000)
  })

  it("reports a core busier than the time that passed, even when both sums agree", () => {
    // 1.2 s of work in 1 s on one core: 0.2 s over.
    assert.strictEqual(cpuAccountingErrorNs(snapshot([700e6, 500e6], [1_100e6], 100e6)), 200e6)
  })
})
