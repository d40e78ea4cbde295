import { assert, describe, it } from "@effect/vitest"
import { Cat, categories } from "../../src/cpu/CpuCategory.ts"
import { CpuCore } from "../../src/cpu/CpuCore.ts"
import { Kernel } from "../../src/kernel/Kernel.ts"

describe("cpu core", () => {
  it("serves requests FIFO: a request on a busy core waits for the work ahead of it", () => {
    const kernel = new Kernel()
    const cpu = new CpuCore(kernel, 2.5)
    assert.strictEqual(cpu.runCycles(Cat.guest, 2500), 1000)
    assert.strictEqual(cpu.runNs(Cat.copy, 500), 1500)
    kernel.nowNs = 3000
    assert.strictEqual(cpu.runNs(Cat.io, 100), 3100, "an idle core starts at once")
  })

  it("accounts busy time by category, and busy + idle = elapsed even with work still queued", () => {
    const kernel = new Kernel()
    const cpu = new CpuCore(kernel, 1)
    cpu.runNs(Cat.guest, 600)
    cpu.runNs(Cat.virtualIrq, 600)
    kernel.nowNs = 1000
    const s = cpu.snapshot()
    assert.strictEqual(s.busyNs, 1000)
    assert.strictEqual(s.idleNs, 0)
    assert.strictEqual(s.busyNs + s.idleNs, s.elapsedNs)
    kernel.nowNs = 4000
    const later = cpu.snapshot()
    assert.strictEqual(later.busyNs, 1200)
    assert.strictEqual(later.breakdownNs["guest"], 600)
    assert.strictEqual(later.breakdownNs["kvm.virtualIrq"], 600)
    assert.closeTo(later.utilization, 0.3, 1e-12)
  })

  it("has exactly Table 1's categories, in its order, plus guest and user space", () => {
    assert.strictEqual(categories.filter((c) => c.group === "kvm").length, 6)
    assert.strictEqual(categories.filter((c) => c.group === "host-kernel").length, 9)
    assert.strictEqual(categories[0]!.label, "Delivering virtual IRQs")
    assert.strictEqual(categories[14]!.label, "Network Stack")
  })
})
