import { assert, describe, it } from "@effect/vitest"
import * as Pair from "../../src/driver/PairState.ts"
import { Status } from "../../src/vocabulary/Frame.ts"

const ok = Status.Success
const refused = Status.Success + 1

describe("driver: the per-pair state machine", () => {
  it("walks a join: authenticate, authenticated, associate, connected", () => {
    const walk: Array<Pair.PairState> = [
      Pair.afterCommand("Authenticate"),
      Pair.afterEvent({ _tag: "AuthResult", status: ok }),
      Pair.afterCommand("Associate"),
      Pair.afterEvent({ _tag: "AssocResult", status: ok })
    ]
    assert.deepStrictEqual(walk, ["authenticating", "authenticated", "associating", "connected"])
  })

  it("falls back to ready on a refusal, a disassociation, a lost link or a vMAC reset", () => {
    assert.strictEqual(Pair.afterEvent({ _tag: "AuthResult", status: refused }), "ready")
    assert.strictEqual(Pair.afterEvent({ _tag: "AssocResult", status: refused }), "ready")
    assert.strictEqual(Pair.afterCommand("Disassociate"), "ready")
    for (const tag of ["Disconnected", "FirmwareError", "WatchdogReset"] as const) {
      assert.strictEqual(Pair.afterEvent({ _tag: tag }), "ready", tag)
    }
  })

  it("reads a pair back from the card's registers as the exchange left it", () => {
    // After a crash the driver rebuilds from the card: the card's states map onto the walk above.
    assert.strictEqual(Pair.fromCard("associated"), Pair.afterEvent({ _tag: "AssocResult", status: ok }))
    assert.strictEqual(Pair.fromCard("authenticated"), Pair.afterEvent({ _tag: "AuthResult", status: ok }))
    assert.strictEqual(Pair.fromCard("authenticating"), Pair.afterCommand("Authenticate"))
    assert.strictEqual(Pair.fromCard("associating"), Pair.afterCommand("Associate"))
    assert.strictEqual(Pair.fromCard("idle"), "ready")
    assert.strictEqual(Pair.fromCard("stopped"), "ready")
  })
})
