import { assert, describe, it } from "@effect/vitest"
import { Schema } from "effect"
import * as Vmacs from "../../src/driver/VmacTable.ts"

describe("driver: vMAC table", () => {
  it("gives each VM its own vMAC, the same one again on re-init, and none past K", () => {
    let t = Vmacs.empty(2)
    const a = Vmacs.allocate(t, 7)!
    t = a.table
    const b = Vmacs.allocate(t, 3)!
    t = b.table
    assert.deepStrictEqual([a.vmac, b.vmac], [0, 1])
    assert.strictEqual(Vmacs.allocate(t, 7)?.vmac, 0)
    assert.isUndefined(Vmacs.allocate(t, 9))
    t = Vmacs.release(t, 7)
    assert.strictEqual(Vmacs.allocate(t, 9)?.vmac, 0, "a released vMAC can be given to another VM")
    assert.strictEqual(Vmacs.vmOf(t, 1), 3)
  })

  it.prop("stays consistent under any sequence of allocations and releases",
    [Schema.Array(Schema.Tuple([Schema.Boolean, Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 6 }))]))],
    ([ops]) => {
      let t = Vmacs.empty(4)
      for (const [alloc, vm] of ops) t = alloc ? (Vmacs.allocate(t, vm)?.table ?? t) : Vmacs.release(t, vm)
      return Vmacs.isConsistent(t) && t.owner.length === 4
    })
})
