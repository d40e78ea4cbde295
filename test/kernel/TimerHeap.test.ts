/**
 * The kernel's timer heap against a reference kept by the test: a list of live timers, each
 * `reschedule` done the slow way (cancel, then set a new one), fired earliest first, ties in the
 * order they were set.
 */
import { assert, describe, it } from "@effect/vitest"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { TimerHeap } from "../../src/kernel/TimerHeap.ts"
import type { Timer } from "../../src/kernel/TimerHeap.ts"
import { drawer } from "../support/draw.ts"

describe("TimerHeap", () => {
  it("fires in the same order whether a timer is rescheduled in place or cancelled and set again", () => {
    const heap = new TimerHeap()
    // The reference: live timers as [atNs, order set, name]; a rescheduled one gets a new order.
    let order = 0
    const reference: Array<{ atNs: number; order: number; name: number }> = []
    const handles: Array<{ timer: Timer; name: number }> = []
    const fired: Array<number> = []
    const expected: Array<number> = []
    const draw = drawer(5)
    let names = 0
    const remove = (name: number) => {
      const i = reference.findIndex((r) => r.name === name)
      if (i >= 0) reference.splice(i, 1)
    }
    let now = 0
    for (let step = 0; step < 20_000; step++) {
      const choice = draw(10)
      if (choice < 3 || handles.length === 0) {
        const name = names++
        // Few distinct times, so that ties are common.
        const atNs = now + draw(8) * 10
        handles.push({ timer: heap.push(atNs, () => fired.push(name)), name })
        reference.push({ atNs, order: order++, name })
      } else if (choice < 7) {
        // Reschedule any handle: live, cancelled or already fired.
        const h = handles[draw(handles.length)]!
        const atNs = now + draw(8) * 10
        heap.reschedule(h.timer, atNs, () => fired.push(h.name))
        remove(h.name)
        reference.push({ atNs, order: order++, name: h.name })
      } else if (choice < 8) {
        const h = handles[draw(handles.length)]!
        heap.cancel(h.timer)
        remove(h.name)
      } else {
        const t = heap.pop()
        reference.sort((x, y) => x.atNs - y.atNs || x.order - y.order)
        const first = reference.shift()
        assert.strictEqual(t === undefined, first === undefined)
        if (t !== undefined && first !== undefined) {
          assert.strictEqual(t.atNs, first.atNs)
          now = t.atNs
          expected.push(first.name)
          const fire = t.fire!
          t.fire = undefined // as the kernel does
          fire()
        }
      }
      assert.strictEqual(heap.size, reference.length)
    }
    assert.deepStrictEqual(fired, expected)
    assert.isAbove(fired.length, 1000)
  })
})

describe("message timers (Kernel.tellAt)", () => {
  it("deliver in the same order as closure timers, ties in the order set; a cancelled one never; none keeps its message", () => {
    const kernel = new Kernel()
    const got: Array<string> = []
    const port = { tellUnsafe: (m: string) => (got.push(`${kernel.nowNs}:${m}`), true) }
    kernel.tellAt(20, port, "m20a")
    kernel.setTimer(10, () => got.push(`${kernel.nowNs}:c10`))
    kernel.tellAt(10, port, "m10")
    const cancelled = kernel.tellAt(15, port, "never")
    kernel.setTimer(20, () => got.push(`${kernel.nowNs}:c20`))
    kernel.tellAt(20, port, "m20b")
    const fired = kernel.tellAt(5, port, "m5")
    kernel.cancelTimer(cancelled)
    assert.strictEqual(kernel.runUntil(Infinity), "idle")
    assert.deepStrictEqual(got, ["5:m5", "10:c10", "10:m10", "20:m20a", "20:c20", "20:m20b"])
    // Fired or cancelled, a timer holds neither its target nor its message (a long run keeps no frames alive through them).
    for (const t of [fired, cancelled]) assert.deepStrictEqual([t.fire, t.target, t.message], [undefined, undefined, undefined])
  })
})
