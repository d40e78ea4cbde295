import { assert, describe, it } from "@effect/vitest"
import { Exit, Schema } from "effect"
import { fixedChain, makeChain, stageAt } from "../../src/air/RetryChain.ts"
import { checkRate } from "../../src/device-model/CommandCheck.ts"
import { CardCommand } from "../../src/vocabulary/CardCommand.ts"

const G54 = { standard: "802.11g", rateMbps: 54 } as const

describe("retry chains", () => {
  it("gives each attempt its stage's rate, and nothing once the chain is used up", () => {
    const chain = makeChain(G54, [{ rateIndex: 7, tries: 2 }, { rateIndex: 5, tries: 1 }, { rateIndex: 0, tries: 3 }])
    assert.strictEqual(chain.attempts, 6)
    assert.deepStrictEqual([0, 1, 2, 3, 4, 5, 6].map((failed) => stageAt(chain, failed)?.rateIndex), [7, 7, 5, 0, 0, 0, undefined])
    assert.deepStrictEqual(stageAt(chain, 2)?.phy, { standard: "802.11g", rateMbps: 36 })
  })

  it("a fixed rate is one stage of 7 attempts: dot11ShortRetryLimit counts transmissions, the first included", () => {
    const chain = fixedChain(G54)
    assert.strictEqual(chain.attempts, 7)
    assert.strictEqual(stageAt(chain, 6)?.rateIndex, 7, "the 7th transmission, after 6 failures")
    assert.isUndefined(stageAt(chain, 7), "no 8th")
  })

  it("a rate command's chain is checked at the trust boundary", () => {
    const view = { mac: 1, memoryBytes: 1 << 20, rateCount: 8 }
    assert.isUndefined(checkRate(view, 7, [{ rateIndex: 7, tries: 2 }, { rateIndex: 0, tries: 14 }]))
    assert.strictEqual(checkRate(view, 7, [{ rateIndex: 7, tries: 2 }, { rateIndex: 0, tries: 15 }]), "bad-retry-chain")
    assert.strictEqual(checkRate(view, 7, [{ rateIndex: 6, tries: 2 }]), "bad-retry-chain")
    assert.strictEqual(checkRate(view, 7, [{ rateIndex: 7, tries: 2 }, { rateIndex: 8, tries: 2 }]), "rate-out-of-range")
    const decode = Schema.decodeUnknownExit(CardCommand)
    assert.isTrue(Exit.isFailure(decode({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [] })))
    assert.isTrue(Exit.isFailure(decode({ _tag: "SetRate", vmac: 0, rateIndex: 7, chain: [{ rateIndex: 7, tries: 17 }] })))
    assert.isTrue(Exit.isSuccess(decode({ _tag: "SetRate", vmac: 0, rateIndex: 7 })), "a plain rate command still decodes")
  })
})
