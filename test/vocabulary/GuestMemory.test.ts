/**
 * The descriptor ring of a guest's memory against a plain list: random writes, reads of up to a
 * count (sometimes more than was written), and resets, long enough to compact the ring many times.
 */
import { assert, describe, it } from "@effect/vitest"
import type { TxDescriptor } from "../../src/vocabulary/CardCommand.ts"
import { GuestMemory } from "../../src/vocabulary/GuestMemory.ts"
import { TX_RING_DESCRIPTORS } from "../../src/vocabulary/ModelConstants.ts"
import { drawer } from "../support/draw.ts"

const descriptor = (seq: number): TxDescriptor => ({ dmaAddress: 4096 * seq, length: 100, src: 1, dst: 2, payload: 0, seq, createdNs: seq, echoNs: -1 })

describe("GuestMemory", () => {
  it("reads back what was written, oldest first, through compactions and resets", () => {
    const memory = new GuestMemory(1 << 30)
    const reference: Array<number> = []
    const draw = drawer(3)
    let seq = 0
    let readTotal = 0
    for (let step = 0; step < 30_000; step++) {
      const action = draw(100)
      if (action < 55 && step % 5000 !== 4999) {
        for (let n = 1 + draw(8); n > 0; n--) {
          // A full ring takes nothing more (a real one has TX_RING_DESCRIPTORS slots).
          const written = memory.write(descriptor(++seq))
          assert.strictEqual(written, reference.length < TX_RING_DESCRIPTORS)
          if (written) reference.push(seq)
        }
      } else if (action < 99 || step % 5000 === 4999) {
        // Reads trail the writes now and then (up to a full ring), so the read part grows past a compaction's threshold.
        const count = step % 5000 === 4999 ? reference.length + 3 : draw(step % 5000 < 2500 ? 4 : 12)
        const got = memory.read(count).map((d) => d.seq)
        assert.deepStrictEqual(got, reference.splice(0, count))
        readTotal += got.length
      } else {
        memory.clear()
        reference.length = 0
        assert.deepStrictEqual(memory.read(5), [])
      }
    }
    assert.deepStrictEqual(memory.read(reference.length + 1).map((d) => d.seq), reference)
    assert.isAbove(readTotal, 40_000)
  })
})
