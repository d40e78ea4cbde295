/** One vMAC's legacy power save, step by step (`nic/PowerSave.ts`): doze after idle, wake for its beacons, PS-Poll what the TIM says is held. */
import { assert, describe, it } from "@effect/vitest"
import * as Ps from "../../src/nic/PowerSave.ts"

const MS = 1e6
const BEACON = 102.4 * MS
const config: Ps.PsConfig = { listenInterval: 1, dynamicTimeoutNs: 100 * MS, uapsd: false }

const timerOf = (step: Ps.PsStep) => {
  const t = step.actions.find((a) => a._tag === "Timer")
  if (t === undefined || t._tag !== "Timer") throw new Error("no timer")
  return t
}
const tags = (step: Ps.PsStep) => step.actions.map((a) => a._tag)

/** Enabled at 0 with `c`, a beacon heard at TBTT 0, idle: announced its doze at 100 ms. */
const announcedWith = (c: Ps.PsConfig): Ps.PsStep => {
  const on = Ps.enable(Ps.psOff, c, 5, 0)
  const heard = Ps.beacon(on.state, 0, BEACON, false, 0.3 * MS)
  return Ps.timer(heard.state, timerOf(on).token, 100 * MS, false, false)
}
/** The same, its null acknowledged 0.5 ms later: dozing. */
const dozedWith = (c: Ps.PsConfig): Ps.PsStep => Ps.announced(announcedWith(c).state, true, 100.5 * MS)
const dozed = (): Ps.PsStep => dozedWith(config)

describe("legacy power save of one vMAC", () => {
  it("off: traffic changes nothing and asks for nothing", () => {
    const step = Ps.activity(Ps.psOff, 5 * MS, true)
    assert.strictEqual(step.state, Ps.psOff)
    assert.deepStrictEqual(step.actions, [])
  })

  it("dozes after the dynamic timeout without traffic, announcing it with a PM=1 null, once the null is acknowledged, until the next TBTT less the wake lead", () => {
    const announcing = announcedWith(config)
    assert.strictEqual(announcing.state.phase, "announcing")
    assert.deepStrictEqual(tags(announcing), ["SendDozeNull", "Timer"])
    // Until its AP acknowledged the null it is awake, for its AP and for the radio.
    assert.isFalse(Ps.dozingAtAp(announcing.state))
    const step = dozed()
    assert.strictEqual(step.state.phase, "dozing")
    assert.deepStrictEqual(tags(step), ["Timer"])
    assert.strictEqual(timerOf(step).atNs, BEACON - Ps.WAKE_LEAD_NS, "the TBTT at 102.4 ms is still ahead of the wake lead")
    assert.isTrue(Ps.dozingAtAp(step.state))
    assert.isFalse(Ps.needsRadioWhileDozing(step.state))
  })

  it("a doze null not acknowledged, or never heard of (none of its frames left in the card): active at its AP still, it announces again a timeout later (802.11-2016 11.2.3.1)", () => {
    const announcing = announcedWith(config)
    for (const step of [Ps.announced(announcing.state, false, 101 * MS), Ps.timer(announcing.state, timerOf(announcing).token, 200 * MS, false, false)]) {
      assert.strictEqual(step.state.phase, "active")
      assert.isFalse(Ps.dozingAtAp(step.state))
      const again = Ps.timer(step.state, timerOf(step).token, timerOf(step).atNs, false, false)
      assert.strictEqual(again.state.phase, "announcing")
      assert.deepStrictEqual(tags(again), ["SendDozeNull", "Timer"])
    }
    assert.strictEqual(timerOf(Ps.announced(announcing.state, false, 101 * MS)).atNs, 201 * MS)
    // Its announcement's timer is void once the status came.
    const acked = Ps.announced(announcing.state, true, 100.5 * MS)
    assert.strictEqual(Ps.timer(acked.state, timerOf(announcing).token, 200 * MS, false, false).state, acked.state)
    // A beacon heard meanwhile changes nothing; a frame it sends makes it active (PM=0), in U-APSD too.
    assert.strictEqual(Ps.beacon(announcing.state, BEACON, BEACON, true, BEACON).state.phase, "announcing")
    assert.strictEqual(Ps.activity(announcing.state, 101 * MS, true).state.phase, "active")
    assert.strictEqual(Ps.activity(announcedWith({ ...config, uapsd: true }).state, 101 * MS, true).state.phase, "active")
    assert.isFalse(Ps.sendsPm(announcedWith({ ...config, uapsd: true }).state))
    // A status for an announcement it gave up changes nothing.
    const active = Ps.announced(announcing.state, false, 101 * MS)
    assert.strictEqual(Ps.announced(active.state, true, 102 * MS).state, active.state)
  })

  it("does not doze before it has heard a beacon of its AP (mac80211's have_beacon): it would not know its TBTTs", () => {
    const on = Ps.enable(Ps.psOff, config, 5, 0)
    const early = Ps.timer(on.state, timerOf(on).token, 100 * MS, false, false)
    assert.strictEqual(early.state.phase, "active")
    assert.deepStrictEqual(tags(early), ["Timer"], "no doze null")
    const heard = Ps.beacon(early.state, 110 * MS, BEACON, false, 110.3 * MS)
    assert.strictEqual(Ps.timer(heard.state, timerOf(early).token, timerOf(early).atNs, false, false).state.phase, "announcing")
  })

  it("does not doze while traffic moved within the timeout, or while its frames are in flight", () => {
    const on = Ps.enable(Ps.psOff, config, 5, 0)
    const busy = Ps.activity(on.state, 60 * MS, true)
    const early = Ps.timer(busy.state, timerOf(on).token, 100 * MS, false, false)
    assert.strictEqual(early.state.phase, "active")
    assert.strictEqual(timerOf(early).atNs, 160 * MS)
    const inFlight = Ps.timer(early.state, timerOf(early).token, 160 * MS, true, false)
    assert.strictEqual(inFlight.state.phase, "active")
  })

  it("neither announces again nor gives up an announcement while a doze null of its own is still in the card (mac80211 waits for its nullfunc's TX status)", () => {
    const announcing = announcedWith(config)
    // No word a timeout later, but its null still waits in the ring: it stays announcing, awake, and asks for nothing more.
    const waiting = Ps.timer(announcing.state, timerOf(announcing).token, 200 * MS, false, true)
    assert.strictEqual(waiting.state.phase, "announcing")
    assert.deepStrictEqual(tags(waiting), ["Timer"])
    assert.strictEqual(timerOf(waiting).atNs, 300 * MS)
    // Its null goes and is acknowledged: it dozes.
    assert.strictEqual(Ps.announced(waiting.state, true, 250 * MS).state.phase, "dozing")
    // Active, idle past its timeout, an earlier null still pending: no second null behind it.
    const active = Ps.announced(announcing.state, false, 101 * MS)
    const held = Ps.timer(active.state, timerOf(active).token, timerOf(active).atNs, false, true)
    assert.strictEqual(held.state.phase, "active")
    assert.deepStrictEqual(tags(held), ["Timer"])
    const again = Ps.timer(held.state, timerOf(held).token, timerOf(held).atNs, false, false)
    assert.deepStrictEqual(tags(again), ["SendDozeNull", "Timer"])
  })

  it("dozes a timeout after its last frame, sent or received, however little before the timer that frame came (mac80211 re-arms its timer per frame)", () => {
    const on = Ps.enable(Ps.psOff, config, 5, 0)
    // A beacon heard at once; a ping at 0 (the timer's arming) and its echo reply at 0.3 ms: the doze is due at 100.3 ms, not a recheck later.
    const replied = Ps.activity(Ps.beacon(on.state, 0, BEACON, false, 0.1 * MS).state, 0.3 * MS, false)
    const fired = Ps.timer(replied.state, timerOf(on).token, 100 * MS, false, false)
    assert.strictEqual(fired.state.phase, "active")
    assert.strictEqual(timerOf(fired).atNs, 100.3 * MS)
    const due = Ps.timer(fired.state, timerOf(fired).token, 100.3 * MS, false, false)
    assert.deepStrictEqual(tags(due), ["SendDozeNull", "Timer"])
    // With its frames in flight at the due time it looks again a quarter of a timeout later, not at once.
    const busy = Ps.timer(fired.state, timerOf(fired).token, 100.3 * MS, true, false)
    assert.strictEqual(timerOf(busy).atNs, 125.3 * MS)
  })

  it("wakes to listen, and dozes again when the TIM has no bit for it", () => {
    const d = dozed()
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false, false)
    assert.strictEqual(listen.state.phase, "listening")
    assert.isTrue(Ps.needsRadioWhileDozing(listen.state))
    const clear = Ps.beacon(listen.state, 2 * BEACON, BEACON, false, 2 * BEACON + 0.2 * MS)
    assert.strictEqual(clear.state.phase, "dozing")
    assert.deepStrictEqual(tags(clear), ["Timer"], "no second announcement: it still dozes at its AP")
    assert.strictEqual(timerOf(clear).atNs, 3 * BEACON - Ps.WAKE_LEAD_NS)
  })

  it("polls when the TIM has its bit, polls again on More Data, dozes after the last frame", () => {
    const d = dozed()
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false, false)
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
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false, false)
    const missed = Ps.timer(listen.state, timerOf(listen).token, timerOf(listen).atNs, false, false)
    assert.strictEqual(missed.state.phase, "dozing")
    assert.isAbove(timerOf(missed).atNs, timerOf(listen).atNs)
  })

  it("an unanswered poll whose PS-Poll is still in the card waits for it: the AP answers when it goes", () => {
    const d = dozed()
    const listen = Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false, false)
    const polling = Ps.beacon(listen.state, BEACON, BEACON, true, BEACON + 0.2 * MS)
    assert.strictEqual(polling.state.phase, "polling")
    // Its PS-Poll not sent yet (the radio away): polling on, one poll timeout later.
    const held = Ps.timer(polling.state, timerOf(polling).token, timerOf(polling).atNs, false, true)
    assert.strictEqual(held.state.phase, "polling")
    assert.deepStrictEqual(tags(held), ["Timer"], "no second PS-Poll behind the first")
    assert.strictEqual(timerOf(held).atNs, timerOf(polling).atNs + Ps.PS_POLL_TIMEOUT_NS)
    // The driver's data in flight is no poll: legacy dozes all the same; once the PS-Poll is settled, too.
    assert.strictEqual(Ps.timer(polling.state, timerOf(polling).token, timerOf(polling).atNs, true, false).state.phase, "dozing")
    assert.strictEqual(Ps.timer(held.state, timerOf(held).token, timerOf(held).atNs, false, false).state.phase, "dozing")
  })

  it("sending wakes it (its frames carry PM=0); a frame received while it dozes does not", () => {
    const d = dozed()
    assert.strictEqual(Ps.activity(d.state, 150 * MS, false).state.phase, "dozing")
    const woke = Ps.activity(d.state, 150 * MS, true)
    assert.strictEqual(woke.state.phase, "active")
    assert.strictEqual(timerOf(woke).atNs, 250 * MS)
    assert.strictEqual(Ps.timer(woke.state, timerOf(d).token, timerOf(d).atNs, false, false).state, woke.state, "the old timer is void")
  })

  it("listen interval 3: wakes for every third beacon from the last one heard", () => {
    const s: Ps.PsState = { ...Ps.psOff, config: { ...config, listenInterval: 3 }, tbttNs: 10 * BEACON, beaconIntervalNs: BEACON }
    assert.strictEqual(Ps.nextListenTbttNs(s, 10 * BEACON + MS), 13 * BEACON)
    assert.strictEqual(Ps.nextListenTbttNs(s, 13 * BEACON - Ps.WAKE_LEAD_NS / 2), 16 * BEACON, "too late for 13: the radio could not be up")
  })
})

describe("U-APSD of one vMAC (802.11-2016 11.2.3.5)", () => {
  const uapsd: Ps.PsConfig = { ...config, uapsd: true }
  /** Enabled at 0 in U-APSD, a beacon heard at TBTT 0, idle: dozed at 100 ms. */
  const dozedU = (): Ps.PsStep => dozedWith(uapsd)
  const listening = () => {
    const d = dozedU()
    return Ps.timer(d.state, timerOf(d).token, timerOf(d).atNs, false, false)
  }

  it("dozes as legacy does; with its TIM bit set it sends a QoS Null trigger, not a PS-Poll, and needs the radio for the service period", () => {
    assert.deepStrictEqual(tags(announcedWith(uapsd)), ["SendDozeNull", "Timer"])
    const d = dozedU()
    assert.strictEqual(d.state.phase, "dozing")
    const set = Ps.beacon(listening().state, 2 * BEACON, BEACON, true, 2 * BEACON + 0.2 * MS)
    assert.strictEqual(set.state.phase, "service")
    assert.deepStrictEqual(tags(set), ["SendTrigger", "Timer"])
    assert.strictEqual(timerOf(set).atNs, 2 * BEACON + 0.2 * MS + Ps.UAPSD_SP_TIMEOUT_NS)
    assert.isTrue(Ps.dozingAtAp(set.state), "it stays in power save at its AP")
    assert.isTrue(Ps.needsRadioWhileDozing(set.state))
    // A TIM without its bit: it dozes on, as legacy.
    assert.strictEqual(Ps.beacon(listening().state, 2 * BEACON, BEACON, false, 2 * BEACON + 0.2 * MS).state.phase, "dozing")
  })

  it("wakes for its connection monitor's probe: active (PM=0) until the dynamic timeout, no service period", () => {
    const d = dozedU()
    const probe = Ps.probing(d.state, 300 * MS)
    assert.strictEqual(probe.state.phase, "active")
    assert.isFalse(Ps.dozingAtAp(probe.state))
    assert.isFalse(Ps.sendsPm(probe.state), "its frames go with PM=0")
    assert.deepStrictEqual(tags(probe), ["Timer"])
    assert.strictEqual(timerOf(probe).atNs, 300 * MS + uapsd.dynamicTimeoutNs)
    // Uplink data instead is a trigger: a service period, still in power save.
    assert.strictEqual(Ps.activity(d.state, 300 * MS, true).state.phase, "service")
    // Without power save, nothing to do.
    assert.deepStrictEqual(Ps.probing(Ps.psOff, 300 * MS), { state: Ps.psOff, actions: [] })
  })

  it("stays awake through the service period's frames until the one with EOSP, then dozes", () => {
    const set = Ps.beacon(listening().state, 2 * BEACON, BEACON, true, 2 * BEACON + 0.2 * MS)
    const first = Ps.serviceFrame(set.state, false, true, 2 * BEACON + 1 * MS, false)
    assert.strictEqual(first.state.phase, "service")
    assert.deepStrictEqual(tags(first), ["Timer"], "no poll per frame: the AP sends on by itself")
    assert.strictEqual(timerOf(first).atNs, 2 * BEACON + 1 * MS + Ps.UAPSD_SP_TIMEOUT_NS, "each frame re-arms the wait")
    const second = Ps.serviceFrame(first.state, false, true, 2 * BEACON + 2 * MS, false)
    assert.strictEqual(second.state.phase, "service")
    const last = Ps.serviceFrame(second.state, true, false, 2 * BEACON + 3 * MS, false)
    assert.strictEqual(last.state.phase, "dozing")
    assert.deepStrictEqual(tags(last), ["Timer"], "no announcement: it never left power save")
    assert.isFalse(Ps.needsRadioWhileDozing(last.state))
    assert.strictEqual(timerOf(last).atNs, 3 * BEACON - Ps.WAKE_LEAD_NS)
  })

  it("EOSP with More Data: it triggers again at once; EOSP with its own frames in flight: it waits for their service period", () => {
    const set = Ps.beacon(listening().state, 2 * BEACON, BEACON, true, 2 * BEACON + 0.2 * MS)
    const more = Ps.serviceFrame(set.state, true, true, 2 * BEACON + 1 * MS, false)
    assert.strictEqual(more.state.phase, "service")
    assert.deepStrictEqual(tags(more), ["SendTrigger", "Timer"])
    const inFlight = Ps.serviceFrame(set.state, true, false, 2 * BEACON + 1 * MS, true)
    assert.strictEqual(inFlight.state.phase, "service")
    assert.deepStrictEqual(tags(inFlight), ["Timer"])
  })

  it("no EOSP within the timeout: it dozes until its next listen TBTT", () => {
    const set = Ps.beacon(listening().state, 2 * BEACON, BEACON, true, 2 * BEACON + 0.2 * MS)
    const late = Ps.timer(set.state, timerOf(set).token, timerOf(set).atNs, false, false)
    assert.strictEqual(late.state.phase, "dozing")
    assert.strictEqual(timerOf(late).atNs, 3 * BEACON - Ps.WAKE_LEAD_NS)
  })

  it("no EOSP within the timeout while its trigger is still in the card: the service period has not begun, it waits on", () => {
    const set = Ps.beacon(listening().state, 2 * BEACON, BEACON, true, 2 * BEACON + 0.2 * MS)
    // Its QoS Null trigger (the card's own frame) held, or its data (a trigger too) in flight.
    for (const [tx, own] of [[false, true], [true, false]] as const) {
      const held = Ps.timer(set.state, timerOf(set).token, timerOf(set).atNs, tx, own)
      assert.strictEqual(held.state.phase, "service")
      assert.deepStrictEqual(tags(held), ["Timer"], "no second trigger")
      assert.strictEqual(timerOf(held).atNs, timerOf(set).atNs + Ps.UAPSD_SP_TIMEOUT_NS)
    }
  })

  it("uplink data while dozing is a trigger: sent with PM=1, it stays in power save and waits for the service period", () => {
    const d = dozedU()
    assert.isTrue(Ps.sendsPm(d.state))
    const sent = Ps.activity(d.state, 150 * MS, true)
    assert.strictEqual(sent.state.phase, "service")
    assert.deepStrictEqual(tags(sent), ["Timer"], "the data frame is the trigger: no QoS Null")
    assert.isTrue(Ps.dozingAtAp(sent.state))
    assert.isTrue(Ps.sendsPm(sent.state))
    assert.strictEqual(Ps.serviceFrame(sent.state, true, false, 151 * MS, false).state.phase, "dozing")
    // Legacy: sending wakes it, PM=0.
    const legacy = dozed()
    assert.isFalse(Ps.sendsPm(legacy.state))
    assert.strictEqual(Ps.activity(legacy.state, 150 * MS, true).state.phase, "active")
    // Awake (before its first doze), U-APSD sends PM=0 as well.
    assert.isFalse(Ps.sendsPm(Ps.enable(Ps.psOff, uapsd, 5, 0).state))
  })

  it("U-APSD not negotiated in the association: the firmware runs legacy power save", () => {
    assert.isFalse(Ps.negotiated(uapsd, false).uapsd)
    assert.isTrue(Ps.negotiated(uapsd, true).uapsd)
    assert.strictEqual(Ps.negotiated(config, true), config)
    assert.deepStrictEqual(Ps.configOf({ mode: "uapsd", listenInterval: 3, dynamicTimeoutMs: 50 }), { listenInterval: 3, dynamicTimeoutNs: 50 * MS, uapsd: true })
    assert.isFalse(Ps.configOf({ mode: "legacy", listenInterval: 3, dynamicTimeoutMs: 50 })!.uapsd)
  })
})
