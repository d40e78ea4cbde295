/** An AP's power-save bookkeeping (`ap/PsBuffer.ts`): the TIM, and U-APSD's triggers and service periods (802.11-2016 11.2.3.5). */
import { assert, describe, it } from "@effect/vitest"
import * as Ps from "../../src/ap/PsBuffer.ts"
import { timHas } from "../../src/vocabulary/Tim.ts"

const STA = 0x020000000200
const OTHER = 0x020000000201

describe("an AP's power-save buffer", () => {
  it("the TIM names a dozing station it holds frames for, U-APSD or not (every AC delivery-enabled, 11.2.3.6)", () => {
    const b = Ps.emptyPsBuffer()
    const aid = Ps.assignAid(b, STA)
    Ps.noteUapsd(b, STA, 0)
    Ps.noteQueued(b, STA, 2)
    assert.isTrue(timHas(Ps.nextTim(b, new Map([[STA, 0]]), 2), aid))
    assert.isFalse(timHas(Ps.nextTim(b, new Map(), 2), aid), "awake: nothing held")
  })

  it("a trigger: QoS data or QoS Null with PM=1 from a U-APSD station already in power save, no service period under way", () => {
    const b = Ps.emptyPsBuffer()
    Ps.noteUapsd(b, STA, 4)
    assert.isFalse(Ps.trigger(b, STA, true, false, true), "the frame that enters power save is no trigger")
    assert.isFalse(Ps.trigger(b, STA, true, true, false), "PM=0 leaves power save")
    assert.isFalse(Ps.trigger(b, STA, false, true, true), "a non-QoS null (a PM announcement) is no trigger")
    assert.isFalse(Ps.trigger(b, OTHER, true, true, true), "a legacy station's frames are never triggers")
    assert.isTrue(Ps.trigger(b, STA, true, true, true))
    assert.strictEqual(Ps.maxSpLengthOf(b, STA), 4)
    assert.isFalse(Ps.trigger(b, STA, true, true, true), "one service period at a time")
  })

  it("a service period ends with its EOSP frame (sent or given up), or when the station leaves power save", () => {
    const b = Ps.emptyPsBuffer()
    Ps.noteUapsd(b, STA, 0)
    Ps.trigger(b, STA, true, true, true)
    assert.isTrue(Ps.servicePeriodEndsWith(b, STA, 42))
    Ps.eospDone(b, STA, 41) // an EOSP frame of an earlier service period
    assert.isFalse(Ps.trigger(b, STA, true, true, true), "still under way")
    Ps.eospDone(b, STA, 42)
    assert.isTrue(Ps.trigger(b, STA, true, true, true), "over: a new trigger starts the next")
    Ps.awake(b, STA)
    assert.isFalse(Ps.servicePeriodEndsWith(b, STA, 43), "it ended when the station woke: nothing to wait for")
    Ps.noteUapsd(b, STA, undefined) // re-associated without U-APSD
    assert.isFalse(Ps.trigger(b, STA, true, true, true))
    Ps.noteUapsd(b, STA, 2)
    Ps.forgetStation(b, STA)
    assert.isFalse(Ps.trigger(b, STA, true, true, true), "gone: its U-APSD went with it")
  })

  it("a departing station keeps its AID in the TIM and its U-APSD until its farewell is out, and no longer", () => {
    const b = Ps.emptyPsBuffer()
    const aid = Ps.assignAid(b, STA)
    Ps.noteUapsd(b, STA, 0)
    Ps.noteQueued(b, STA, 1) // the deauthentication, held
    Ps.departing(b, STA, 7)
    assert.isTrue(Ps.isDeparting(b, STA))
    assert.isTrue(timHas(Ps.nextTim(b, new Map([[STA, 0]]), 1), aid), "the TIM calls it to fetch the farewell")
    assert.isTrue(Ps.trigger(b, STA, true, true, true), "its trigger starts a service period")
    assert.strictEqual(Ps.assignAid(b, OTHER), aid + 1, "its AID is not handed out meanwhile")
    assert.isFalse(Ps.isFarewell(b, STA, 6))
    assert.isFalse(Ps.isFarewell(b, OTHER, 7))
    assert.isTrue(Ps.isFarewell(b, STA, 7))
    Ps.forgetStation(b, STA)
    assert.isFalse(Ps.isDeparting(b, STA))
    assert.isFalse(Ps.isFarewell(b, STA, 7), "gone: a later outcome or timeout of the farewell finds nothing")
    assert.isFalse(timHas(Ps.nextTim(b, new Map([[STA, 0]]), 1), aid))
  })
})
