/** The 4-way handshake's two pure state machines (`ap/WpaAuthenticator.ts`, `nic/WpaSupplicant.ts`) against each other. */
import { assert, describe, it } from "@effect/vitest"
import * as Authenticator from "../../src/ap/WpaAuthenticator.ts"
import * as Supplicant from "../../src/nic/WpaSupplicant.ts"
import { pmkOf } from "../../src/vocabulary/Wpa.ts"

const AA = 0x020000000100
const pmk = pmkOf("vwifi-lab-key", "lab")
const gtk = new Uint8Array(16).fill(0x55)
let draws = 0
const fresh = (): Uint8Array => new Uint8Array(32).fill(++draws % 256)

/** Runs the exchange between an AP with the network's PMK and a station with `stationPmk`. */
const handshake = (spa: number, stationPmk: Uint8Array) => {
  const a1 = Authenticator.start(AA, spa, fresh(), gtk)
  const s1 = Supplicant.receive(Supplicant.start(AA, spa, stationPmk), a1.send!, fresh)
  const a2 = Authenticator.receive(a1.state, s1.send!, pmk)
  if (a2.send === undefined) return { a2, s1 }
  const s2 = Supplicant.receive(s1.state, a2.send, fresh)
  const a3 = Authenticator.receive(a2.state, s2.send!, pmk)
  return { a1, s1, a2, s2, a3 }
}

describe("the 4-way handshake (802.11-2016 12.7.6)", () => {
  it("messages 1–4: both ends install the same PTK; the station installs on message 3, the AP on message 4", () => {
    const { a1, s1, a2, s2, a3 } = handshake(0x020000001000, pmk)
    assert.deepStrictEqual([a1!.send!.message, s1.send!.message, a2.send!.message, s2!.send!.message], [1, 2, 3, 4])
    assert.strictEqual(a1!.send!.mic.length, 0)
    assert.strictEqual(s2!.install!.id, a3!.install!.id)
    assert.strictEqual(a3!.state.stage, "done")
    assert.deepStrictEqual(a2.send!.keyData, gtk, "message 3 hands over the group key")
  })

  it("two stations with the same passphrase on the same AP get different PTKs", () => {
    const one = handshake(0x020000001000, pmk)
    const two = handshake(0x020000001001, pmk)
    assert.notStrictEqual(one.a3!.install!.id, two.a3!.install!.id)
    assert.notDeepEqual(one.a3!.install!.tk, two.a3!.install!.tk)
  })

  it("a wrong passphrase: message 2's MIC fails at the AP, which deauthenticates with reason 14 and sends no message 3", () => {
    const { a2 } = handshake(0x020000001000, pmkOf("not-the-key", "lab"))
    assert.strictEqual(a2.verdict, "bad-mic")
    assert.strictEqual(a2.deauthenticate, Authenticator.Reason.MicFailure)
    assert.isUndefined(a2.send)
  })

  it("an unanswered message is sent again (100 ms, then 1 s) with the next replay counter, 4 sends in all, then reason 15", () => {
    let step = Authenticator.start(AA, 0x020000001000, fresh(), gtk)
    assert.strictEqual(Authenticator.timeoutNs(step.state), 100e6)
    const counters = [step.send!.replayCounter]
    for (let i = 0; i < 3; i++) {
      step = Authenticator.timedOut(step.state)
      assert.strictEqual(step.send!.message, 1)
      assert.strictEqual(Authenticator.timeoutNs(step.state), 1e9)
      counters.push(step.send!.replayCounter)
    }
    assert.deepStrictEqual(counters, [1, 2, 3, 4])
    const last = Authenticator.timedOut(step.state)
    assert.isUndefined(last.send)
    assert.strictEqual(last.deauthenticate, Authenticator.Reason.HandshakeTimeout)
  })

  it("a message 3 sent again (message 4 lost) is answered again without a second install; an old replay counter is ignored", () => {
    const spa = 0x020000001000
    const { a2, s2 } = handshake(spa, pmk)
    const again = Authenticator.timedOut(a2.state)
    assert.strictEqual(again.send!.message, 3)
    const s3 = Supplicant.receive(s2!.state, again.send!, fresh)
    assert.strictEqual(s3.send!.message, 4)
    assert.isUndefined(s3.install, "no reinstall of the installed key")
    assert.strictEqual(Supplicant.receive(s3.state, again.send!, fresh).verdict, "replayed")
    assert.strictEqual(Authenticator.receive(again.state, s2!.send!, pmk).verdict, "replayed", "message 4 to the first message 3")
    assert.strictEqual(Authenticator.receive(again.state, s3.send!, pmk).install!.id, s2!.install!.id)
  })
})
