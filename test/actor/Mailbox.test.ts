/** The mailbox's ring, which starts small and doubles up to its capacity, against a plain array kept by the test. */
import { assert, describe, it } from "@effect/vitest"
import { INITIAL_RING_SLOTS, Mailbox, MAX_RING_KEPT_SLOTS } from "../../src/actor/Mailbox.ts"
import { Kernel } from "../../src/kernel/Kernel.ts"
import { drawer } from "../support/draw.ts"

describe("Mailbox ring", () => {
  it("keeps FIFO order through growth and wrap-around, and refuses past its capacity", () => {
    // 100 is no power of two, and more than the initial ring: the last doubling stops at the capacity.
    // 3,000: past the size a ring keeps once empty, so it also shrinks and grows again.
    for (const capacity of [1, INITIAL_RING_SLOTS, 100, 3000]) {
      const box = new Mailbox<number>(new Kernel(), capacity, "test")
      const reference: Array<number> = []
      const draw = drawer(11)
      let next = 0
      for (let step = 0; step < 40_000; step++) {
        // Phases that mostly fill, then mostly drain, so the ring both grows and wraps.
        const filling = Math.floor(step / 5000) % 2 === 0
        if (draw(10) < (filling ? 8 : 2)) {
          const accepted = box.offer(next)
          assert.strictEqual(accepted, reference.length < capacity)
          if (accepted) reference.push(next)
          next++
        } else if (reference.length > 0) {
          assert.strictEqual(box.take(), reference.shift())
        }
        assert.strictEqual(box.size, reference.length)
      }
      assert.strictEqual(box.highWater, capacity)
      const left = box.close()
      assert.deepStrictEqual(left, reference)
    }
  })

  it("gives a flood's ring back once it is empty, and keeps a small one", () => {
    const box = new Mailbox<number>(new Kernel(), 1 << 16, "flooded")
    for (let i = 0; i < 5000; i++) box.offer(i)
    assert.isAbove(box.ringSlots, MAX_RING_KEPT_SLOTS)
    for (let i = 0; i < 4999; i++) box.take()
    assert.isAbove(box.ringSlots, MAX_RING_KEPT_SLOTS) // not yet empty
    assert.strictEqual(box.take(), 4999)
    assert.strictEqual(box.ringSlots, INITIAL_RING_SLOTS)
    // A ring that never grew past the kept size stays as it is when empty.
    for (let i = 0; i < 500; i++) box.offer(i)
    for (let i = 0; i < 500; i++) box.take()
    assert.strictEqual(box.ringSlots, 512)
  })
})
