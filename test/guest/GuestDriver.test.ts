import { assert, describe, it } from "@effect/vitest"
import * as G from "../../src/guest/GuestDriver.ts"
import { CARD_PCI_ID } from "../../src/vocabulary/CardEvent.ts"
import { Status } from "../../src/vocabulary/Frame.ts"
import { CONNECTION_IDLE_NS, INIT_TIMEOUT_NS, JOIN_TIMEOUT_NS, SCAN_TIMEOUT_NS } from "../../src/vocabulary/ModelConstants.ts"

const config: G.Config = { ssid: "lab", passphrase: "secret-key", scanChannels: [1, 6, 11], roaming: undefined }
const lab = { bssid: 5, ssid: "lab", channel: 6, signalDbm: -40, beaconHeard: false }

describe("guest driver state machine", () => {
  it("boots, scans, authenticates, associates", () => {
    let step = G.boot(G.initial)
    assert.strictEqual(step.driver.state, "initializing")
    assert.deepStrictEqual(step.commands.map((c) => c._tag), ["ReadPciConfig"])
    step = G.onEvent(step.driver, { _tag: "PciConfig", ...CARD_PCI_ID }, config)
    assert.deepStrictEqual(step.commands.map((c) => c._tag), ["InitCard"])
    step = G.onEvent(step.driver, { _tag: "InitDone", vmac: 0, mac: 77 }, config)
    assert.strictEqual(step.driver.state, "scanning")
    assert.deepStrictEqual(step.commands.map((c) => c._tag), ["StartScan"])
    step = G.onEvent(step.driver, { _tag: "ScanDone", results: [{ ...lab, ssid: "other", bssid: 9 }, lab], fromCache: false }, config)
    assert.strictEqual(step.driver.state, "authenticating")
    assert.deepStrictEqual(step.commands, [step.commands[0]!])
    assert.strictEqual((step.commands[0] as { bssid: number }).bssid, 5)
    step = G.onEvent(step.driver, { _tag: "AuthDone", vmac: 0, status: Status.Success }, config)
    assert.strictEqual(step.driver.state, "associating")
    assert.strictEqual((step.commands[0] as { passphrase?: string }).passphrase, "secret-key")
    step = G.onEvent(step.driver, { _tag: "AssocDone", vmac: 0, status: Status.Success }, config)
    assert.strictEqual(step.driver.state, "connected")
    assert.strictEqual(step.driver.mac, 77)
  })

  it("U-APSD: the association asks for it with its Max SP Length; power save follows the association; legacy asks nothing", () => {
    const authenticating: G.GuestDriver = { ...G.initial, state: "authenticating", mac: 1, target: lab }
    const join = (powerSave: G.PowerSaveSetting) => {
      const c: G.Config = { ...config, powerSave }
      const assoc = G.onEvent(authenticating, { _tag: "AuthDone", vmac: 0, status: Status.Success }, c)
      const done = G.onEvent(assoc.driver, { _tag: "AssocDone", vmac: 0, status: Status.Success }, c)
      return { assoc: assoc.commands[0] as { readonly _tag: string; readonly uapsdMaxSpLength?: number }, after: done.commands }
    }
    const u = join({ mode: "uapsd", listenInterval: 1, dynamicTimeoutMs: 100, maxSpLength: 4 })
    assert.strictEqual(u.assoc._tag, "Associate")
    assert.strictEqual(u.assoc.uapsdMaxSpLength, 4)
    assert.deepStrictEqual(u.after.map((c) => [c._tag, (c as { mode?: string }).mode]), [["SetPowerSave", "uapsd"]])
    assert.strictEqual(join({ mode: "uapsd", listenInterval: 1, dynamicTimeoutMs: 100 }).assoc.uapsdMaxSpLength, 0, "all, mac80211's default")
    const l = join({ mode: "legacy", listenInterval: 1, dynamicTimeoutMs: 100, maxSpLength: 4 })
    assert.isFalse("uapsdMaxSpLength" in l.assoc)
    assert.deepStrictEqual(l.after.map((c) => [c._tag, (c as { mode?: string }).mode]), [["SetPowerSave", "legacy"]])
  })

  it("goes back to scanning on deauthentication or beacon loss", () => {
    const connected: G.GuestDriver = { ...G.initial, state: "connected", mac: 1, target: lab }
    for (const reason of ["deauthenticated", "beacon-loss"] as const) {
      const step = G.onEvent(connected, { _tag: "Disconnected", vmac: 0, reason }, config)
      assert.strictEqual(step.driver.state, "scanning")
      assert.deepStrictEqual(step.commands.map((c) => c._tag), ["StartScan"])
    }
  })

  it("counts a join whose vMAC's association ended (a reset) as failed, and takes no later answer to it for a connection", () => {
    for (const state of ["authenticating", "associating"] as const) {
      const joining: G.GuestDriver = { ...G.initial, state, mac: 1, target: lab }
      const step = G.onEvent(joining, { _tag: "Disconnected", vmac: 0, reason: "vmac-reset" }, config)
      assert.strictEqual(step.driver.state, "scanning", state)
      assert.strictEqual(step.driver.failures, 1, state)
      assert.isDefined(step.retryAfterNs, state)
      // The card's answer raised before the reset and delivered after it: not a connection.
      const late = G.onEvent(step.driver, { _tag: "AssocDone", vmac: 0, status: Status.Success }, config)
      assert.strictEqual(late.driver.state, "scanning", state)
    }
    // Scanning or initializing, there is no association to lose.
    const scanning: G.GuestDriver = { ...G.initial, state: "scanning", mac: 1 }
    assert.strictEqual(G.onEvent(scanning, { _tag: "Disconnected", vmac: 0, reason: "vmac-reset" }, config).driver, scanning)
  })

  it("retries a failed join later, with a growing delay", () => {
    const associating: G.GuestDriver = { ...G.initial, state: "associating", mac: 1, target: lab }
    const first = G.onEvent(associating, { _tag: "AssocDone", vmac: 0, status: Status.Unspecified }, config)
    assert.strictEqual(first.driver.state, "scanning")
    assert.strictEqual(first.driver.failures, 1)
    const second = G.onEvent({ ...first.driver, state: "associating", target: lab }, { _tag: "AssocDone", vmac: 0, status: 15 }, config)
    assert.isAbove(second.retryAfterNs!, first.retryAfterNs!)
    assert.strictEqual(G.onEvent(G.initial, { _tag: "ScanDone", results: [], fromCache: false }, config).commands.length, 0)
  })

  it("gives up on an unanswered join and rescans later", () => {
    const step = G.timedOut({ ...G.initial, state: "authenticating", mac: 1, target: lab }, config)
    assert.strictEqual(step.driver.state, "scanning")
    assert.isDefined(step.retryAfterNs)
    assert.strictEqual(G.timedOut({ ...G.initial, state: "connected" }, config).driver.state, "connected")
  })

  it("asks again when a probe, init or scan goes unanswered", () => {
    assert.deepStrictEqual(G.timedOut({ ...G.initial, state: "initializing" }, config).commands.map((c) => c._tag), ["ReadPciConfig"])
    assert.deepStrictEqual(G.timedOut({ ...G.initial, state: "scanning", mac: 1 }, config).commands.map((c) => c._tag), ["StartScan"])
  })

  it("waits with a timeout for exactly what it asked", () => {
    assert.strictEqual(G.waitFor("off", G.boot(G.initial)), INIT_TIMEOUT_NS)
    const scan = G.onEvent({ ...G.initial, state: "initializing" }, { _tag: "InitDone", vmac: 0, mac: 5 }, config)
    assert.strictEqual(G.waitFor("initializing", scan), SCAN_TIMEOUT_NS)
    const join = G.onEvent({ ...G.initial, state: "scanning", mac: 5 }, { _tag: "ScanDone", results: [lab], fromCache: false }, config)
    assert.strictEqual(G.waitFor("scanning", join), JOIN_TIMEOUT_NS)
    // A failed scan waits out its backoff instead: no timeout.
    const miss = G.onEvent({ ...G.initial, state: "scanning", mac: 5 }, { _tag: "ScanDone", results: [], fromCache: false }, config)
    assert.isUndefined(G.waitFor("scanning", miss))
  })

  it("roams: leaves its AP and scans for the new one", () => {
    const step = G.roam({ ...G.initial, state: "connected", mac: 5, target: lab }, { ...config, ssid: "other" })
    assert.strictEqual(step.driver.state, "scanning")
    assert.deepStrictEqual(step.commands.map((c) => c._tag), ["Disassociate", "StartScan"])
    assert.strictEqual(G.roam({ ...G.initial, state: "off" }, config).commands.length, 0)
  })

  it("does not bind to a device with other PCI IDs", () => {
    const step = G.onEvent({ ...G.initial, state: "initializing" }, { _tag: "PciConfig", vendorId: 0x10ec, deviceId: 0x8139 }, config)
    assert.strictEqual(step.driver.state, "failed")
  })

  it("fails for good when the card has no vMAC left", () => {
    const step = G.onEvent({ ...G.initial, state: "initializing" }, { _tag: "Rejected", command: "InitCard", reason: "no-free-vmac" }, config)
    assert.strictEqual(step.driver.state, "failed")
  })

  it("probes its AP only after a whole idle period, then once per period", () => {
    const heard = 3e9
    assert.deepStrictEqual(G.linkCheck(heard, heard + 1), { probe: false, nextNs: heard + CONNECTION_IDLE_NS })
    assert.deepStrictEqual(G.linkCheck(heard, heard + CONNECTION_IDLE_NS - 1), { probe: false, nextNs: heard + CONNECTION_IDLE_NS })
    const now = heard + CONNECTION_IDLE_NS
    assert.deepStrictEqual(G.linkCheck(heard, now), { probe: true, nextNs: now + CONNECTION_IDLE_NS })
  })

  it("always moves its next check past now, even when times carry fractions of a nanosecond", () => {
    // From a generated fault case: at this instant now − heard rounds below the idle time while
    // heard + idle rounds to now, and the check re-armed itself at the same instant forever.
    const heard = 4119639626.5136347
    const now = heard + CONNECTION_IDLE_NS
    assert.isBelow(now - heard, CONNECTION_IDLE_NS, "the rounding this test is about")
    const check = G.linkCheck(heard, now)
    assert.isTrue(check.probe, "a whole idle period has passed")
    assert.isAbove(check.nextNs, now)
    let rounded = 0
    for (let i = 0; i < 10_000; i++) {
      const last = 4e9 + ((i * 0.6180339887) % 1) + i
      const at = G.linkCheck(last, last + 1).nextNs // the check an earlier one armed
      if (at - last < CONNECTION_IDLE_NS) rounded++
      assert.isAbove(G.linkCheck(last, at).nextNs, at)
    }
    assert.isAbove(rounded, 0, "some of these times round")
  })
})
