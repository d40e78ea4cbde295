/** The boundary's decode remembers its verdict only for writes that cannot change, and agrees with the Schema on every write. */
import { assert, describe, it } from "@effect/vitest"
import { Exit, Schema } from "effect"
import { CardCommand } from "../../src/vocabulary/CardCommand.ts"
import { decodeCardCommand } from "../../src/vocabulary/CardCommandDecode.ts"

const schemaDecode = Schema.decodeUnknownExit(CardCommand)

describe("decodeCardCommand", () => {
  it("a frozen plain doorbell decodes once: the same verdict comes back, equal to the Schema's", () => {
    const raw = Object.freeze({ _tag: "TxDoorbell", vmac: 0, count: 1 })
    const first = decodeCardCommand(raw)
    assert.isTrue(Exit.isSuccess(first))
    assert.strictEqual(decodeCardCommand(raw), first)
    assert.deepStrictEqual(first, schemaDecode(raw))
  })

  it("a write that can change is decoded afresh each time, and a change is seen", () => {
    const raw: { _tag: string; vmac: number; count: number } = { _tag: "TxDoorbell", vmac: 0, count: 1 }
    const first = decodeCardCommand(raw)
    assert.notStrictEqual(decodeCardCommand(raw), first)
    raw.count = 0 // out of range: the next decode must refuse it
    assert.isTrue(Exit.isFailure(decodeCardCommand(raw)))
  })

  it("a frozen write with a getter is not remembered: it may answer differently next time", () => {
    let count = 1
    const raw = Object.freeze(Object.defineProperties({ _tag: "TxDoorbell", vmac: 0 }, { count: { get: () => count, enumerable: true } }))
    assert.isTrue(Exit.isSuccess(decodeCardCommand(raw)))
    count = 1000
    assert.isTrue(Exit.isFailure(decodeCardCommand(raw)))
  })

  it("a frozen malformed write is refused every time", () => {
    const raw = Object.freeze({ _tag: "TxDoorbell", vmac: 0, count: 999 })
    assert.isTrue(Exit.isFailure(decodeCardCommand(raw)))
    assert.isTrue(Exit.isFailure(decodeCardCommand(raw)))
  })
})
