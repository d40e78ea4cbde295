/** The terminal's faults summary: the schedule's VM lifecycle events are not counted as faults. */
import { assert, describe, it } from "@effect/vitest"
import { renderFaults } from "../../src/cli/RunTable.ts"
import type { FaultsReport } from "../../src/report/RunReport.ts"

const report = (injectedByKind: Record<string, number>): FaultsReport => ({
  injected: Object.values(injectedByKind).reduce((a, b) => a + b, 0),
  injectedByKind,
  recoveries: 0,
  recoveriesByWhat: {},
  recent: [],
  actorRestarts: {},
  deadLetters: 0
})

describe("cli: the faults summary", () => {
  it("lists the VMs' stops, starts, scans and roams apart from the faults", () => {
    const lines = renderFaults(report({ "crash-nic": 2, "vm-scan": 10, "vm-roam": 2, "vm-stop": 1, "vm-start": 1 }))
    assert.strictEqual(lines[0], "faults: 2 injected (crash-nic 2)")
    assert.strictEqual(lines[1], "VM lifecycle events: 14 (vm-scan 10, vm-roam 2, vm-stop 1, vm-start 1)")
  })

  it("says none when only lifecycle events ran, and leaves the lifecycle line out when there were none", () => {
    assert.strictEqual(renderFaults(report({ "vm-scan": 3 }))[0], "faults: 0 injected (none)")
    assert.notInclude(renderFaults(report({ "ap-down": 1 })).join("\n"), "lifecycle")
  })
})
