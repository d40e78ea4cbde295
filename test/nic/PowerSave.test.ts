/** One vMAC's legacy power save, step by step (`nic/PowerSave.ts`): doze after idle, wake for its beacons, PS-Poll what the TIM says is held. */
import { assert, describe, it } from "@effect/vitest"
import * as Ps from "../../src/nic/PowerSave.ts"

const MS = 1e6
const BEACON = 102.4 * MS
const config: Ps.PsConfig = { listenInterval: 1, dynamicTimeoutNs: 100 * MS }

const timerOf = (step: Ps.PsStep) => {
  const t = step.actions.find((a) => a._tag === "Timer")
  if (t === undefined || t._tag !== "Timer") throw new Error("no timer")
  return t
}
const tags = (step: Ps.PsStep) => step.actions.map((a) => a._tag)

/** Enabled at 0, a beacon heard at TBTT 0, idle: dozed at 100 ms. */
const dozed = (): Ps.PsStep => {
  const on = Ps.enable(Ps.psOff, config, 5, 0)
  const heard = Ps.beacon(on.state, 0, BEACON, false, 0.3 * MS)
  return Ps.timer(heard.state, timerOf(on).token, 100 * MS, false)
}

describe("legacy power save of one vMAC", () => {
  it("off: traffic changes nothing and asks for nothing", () => {
    const step = Ps.activity(Ps.psOff, 5 * MS, true)
    assert.strictEqual(step.state, Ps.psOff)
    assert.deepStrictEqual(step.actions, [])
  })

  it("dozes after the dynamic timeout without traffic, announcing it with a PM=1 null, until the next TBTT less the wake lead", () => {
    const step = dozed()
    assert.strictEqual(step.state.phase, "dozing")
    assert.deepStrictEqual(tags(step), ["SendDozeNull", "Timer"])
    assert.strictEqual(timerOf(step).atNs, BEACON - Ps.WAKE_LEAD_NS, "the TBTT at 102.4 ms is still ahead of the wake lead")
    assert.isTrue(Ps.dozingAtAp(step.state))
    assert.isFalse(Ps.needsRadioWhileDozing(step.state))
  })

  it("does not doze while traffic moved within the timeout, or while its frames are in flight", () => {
    const on = Ps.enable(Ps.psOff, config, 5, 0)
    const busy = Ps.activity(on.state, 60 * MS, true)
    const early = Ps.timer(busy.state, timerOf(on).token, 100 * MS, false)
    assert.strictEqual(early.state.phase, "active")
    assert.strictEqual(timerOf(early).atNs, 160 * MS)
    const inFlight = Ps.timer(early.state, timerOf(early).token, 160 * MS, true)
    assert.strictEqual(inFlight.state.phase, "active")
  })

  it("wakes to listen, and dozes again when the TIM has no bit for it", () => {
    const d = dozed()
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false)
    assert.strictEqual(listen.state.phase, "listening")
    assert.isTrue(Ps.needsRadioWhileDozing(listen.state))
    const clear = Ps.beacon(listen.state, 2 * BEACON, BEACON, false, 2 * BEACON + 0.2 * MS)
    assert.strictEqual(clear.state.phase, "dozing")
    assert.deepStrictEqual(tags(clear), ["Timer"], "no second announcement: it still dozes at its AP")
    assert.strictEqual(timerOf(clear).atNs, 3 * BEACON - Ps.WAKE_LEAD_NS)
  })

  it("polls when the TIM has its bit, polls again on More Data, dozes after the last frame", () => {
    const d = dozed()
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false)
    const set = Ps.beacon(listen.state, 2 * BEACON, BEACON, true, 2 * BEACON + 0.2 * MS)
    assert.strictEqual(set.state.phase, "polling")
    assert.deepStrictEqual(tags(set), ["SendPsPoll", "Timer"])
    const more = Ps.released(set.state, true, 2 * BEACON + 1 * MS)
    assert.deepStrictEqual(tags(more), ["SendPsPoll", "Timer"])
    const last = Ps.released(more.state, false, 2 * BEACON + 2 * MS)
    assert.strictEqual(last.state.phase, "dozing")
    assert.deepStrictEqual(tags(last), ["Timer"])
  })

  it("a missed beacon or an unanswered poll: dozes until the next listen TBTT", () => {
    const d = dozed()
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false)
    const missed = Ps.timer(listen.state, timerOf(listen).token, timerOf(listen).atNs, false)
    assert.strictEqual(missed.state.phase, "dozing")
    assert.isAbove(timerOf(missed).atNs, timerOf(listen).atNs)
  })

  it("sending wakes it (its frames carry PM=0); a frame received while it dozes does not", () => {
    const d = dozed()
    assert.strictEqual(Ps.activity(d.state, 150 * MS, false).state.phase, "dozing")
    const woke = Ps.activity(d.state, 150 * MS, true)
    assert.strictEqual(woke.state.phase, "active")
    assert.strictEqual(timerOf(woke).atNs, 250 * MS)
    assert.strictEqual(Ps.timer(woke.state, timerOf(d).token, timerOf(d).atNs, false).state, woke.state, "the old timer is void")
  })

  it("listen interval 3: wakes for every third beacon from the last one heard", () => {
    const s: Ps.PsState = { ...Ps.psOff, config: { ...config, listenInterval: 3 }, tbttNs: 10 * BEACON, beaconIntervalNs: BEACON }
    assert.strictEqual(Ps.nextListenTbttNs(s, 10 * BEACON + MS), 13 * BEACON)
    assert.strictEqual(Ps.nextListenTbttNs(s, 13 * BEACON - Ps.WAKE_LEAD_NS / 2), 16 * BEACON, "too late for 13: the radio could not be up")
  })
})
