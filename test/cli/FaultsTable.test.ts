/** The terminal's faults summary: the schedule's VM lifecycle events are not counted as faults. */
import { assert, describe, it } from "@effect/vitest"
import { renderFaults } from "../../src/cli/RunTable.ts"
import type { FaultsReport } from "../../src/report/RunReport.ts"

const report = (injectedByKind: Record<string, number>, skippedByReason: Record<string, number> = {}): FaultsReport => ({
  injected: Object.values(injectedByKind).reduce((a, b) => a + b, 0),
  injectedByKind,
  skipped: Object.values(skippedByReason).reduce((a, b) => a + b, 0),
  skippedByReason,
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

  it("names the schedule entries skipped at their time, and why; no line when none were", () => {
    const lines = renderFaults(report({ "vm-stop": 1 }, { "vm-stop: the VM was off": 2, "vm-scan: the VM was off": 1 }))
    assert.include(lines, "schedule entries skipped: 3 (vm-stop: the VM was off 2, vm-scan: the VM was off 1)")
    assert.notInclude(renderFaults(report({ "vm-stop": 1 })).join("\n"), "skipped")
  })
})
