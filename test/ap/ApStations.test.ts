import { assert, describe, it } from "@effect/vitest"
import * as Stations from "../../src/ap/ApStations.ts"
import { BROADCAST } from "../../src/vocabulary/Frame.ts"

const network = { ssid: "lab", passphrase: "vwifi-lab-key" }

describe("an AP's station table", () => {
  it("associates an authenticated station asking for its SSID; refuses (status 1) otherwise; the passphrase is the handshake's to prove", () => {
    const t = Stations.emptyTable()
    assert.strictEqual(Stations.associate(t, 1, "lab", network), 1, "not authenticated")
    Stations.authenticate(t, 1)
    assert.strictEqual(Stations.associate(t, 1, "other", network), 1)
    assert.strictEqual(Stations.associate(t, 1, "lab", network), 0)
    assert.isTrue(t.associated.has(1))
    assert.strictEqual(Stations.associate(t, 2, "lab", { ssid: "lab", passphrase: undefined }), 1, "open network, but not authenticated")
  })

  it("on an RSN takes data only under the station's installed key; an open network takes all; forgetting drops the key", () => {
    const t = Stations.emptyTable()
    Stations.authenticate(t, 1)
    Stations.associate(t, 1, "lab", network)
    assert.isFalse(Stations.acceptsData(t, true, 1, { protected: true, keyId: 7 }), "port closed before the handshake")
    t.keys.set(1, 7)
    assert.isTrue(Stations.acceptsData(t, true, 1, { protected: true, keyId: 7 }))
    assert.isFalse(Stations.acceptsData(t, true, 1, { protected: true, keyId: 8 }), "another key")
    assert.isFalse(Stations.acceptsData(t, true, 1, { protected: false, keyId: 0 }), "in the clear")
    assert.isTrue(Stations.acceptsData(t, false, 2, { protected: false, keyId: 0 }))
    Stations.forget(t, 1)
    assert.isFalse(t.keys.has(1))
  })

  it("a station that authenticates again starts over; forgetting it ends everything", () => {
    const t = Stations.emptyTable()
    Stations.authenticate(t, 1)
    Stations.associate(t, 1, "lab", network)
    Stations.authenticate(t, 1)
    assert.isFalse(t.associated.has(1))
    assert.isTrue(t.authenticated.has(1))
    assert.isFalse(Stations.forget(t, 1))
    assert.isFalse(t.authenticated.has(1))
  })

  it("follows the PM bit, reporting only changes, and says when a doze's held frames are due for expiry", () => {
    const t = Stations.emptyTable()
    assert.isTrue(Stations.notePowerManagement(t, 1, true, 2e9))
    assert.isFalse(Stations.notePowerManagement(t, 1, true, 3e9), "still the same doze, since 2 s")
    assert.strictEqual(t.dozing.get(1), 2e9)
    assert.isFalse(Stations.psBufferDue(t, 1, 2e9, 11e9, 10e9), "dozed 9 s")
    assert.isTrue(Stations.psBufferDue(t, 1, 2e9, 12e9, 10e9), "dozed 10 s")
    assert.isTrue(Stations.notePowerManagement(t, 1, false, 12.5e9))
    assert.isFalse(t.dozing.has(1))
    assert.isTrue(Stations.notePowerManagement(t, 1, true, 13e9))
    assert.isFalse(Stations.psBufferDue(t, 1, 2e9, 25e9, 10e9), "a check armed for an earlier doze is void")
    assert.isTrue(Stations.psBufferDue(t, 1, 13e9, 25e9, 10e9))
    // At its timer, set `expireNs` after a doze that began at a time with a fraction of a ns: the
    // difference of the two doubles is a hair under 10 s (roaming-walk.json, seed 7), the sum is not.
    const since = 58_973_102_342.292485
    const timerNs = since + 10e9
    assert.isBelow(timerNs - since, 10e9, "the rounding this guards against")
    const u = Stations.emptyTable()
    assert.isTrue(Stations.notePowerManagement(u, 1, true, since))
    assert.isTrue(Stations.psBufferDue(u, 1, since, timerNs, 10e9), "due at its own timer")
    assert.isFalse(Stations.psBufferDue(u, 1, since, timerNs - 1e-3, 10e9))
  })

  it("kicks out an associated station to which nothing got through for the kick-out time", () => {
    const t = Stations.emptyTable()
    Stations.authenticate(t, 1)
    Stations.associate(t, 1, "lab", network)
    const kickoutNs = 5e9
    assert.deepStrictEqual(Stations.noteSent(t, [], [{ dst: 1 }], 1e9, kickoutNs), [])
    assert.deepStrictEqual(Stations.noteSent(t, [], [{ dst: 1 }, { dst: 1 }], 5.9e9, kickoutNs), [])
    assert.deepStrictEqual(Stations.noteSent(t, [{ dst: 1 }], [], 6e9, kickoutNs), [], "a delivery resets the clock")
    assert.deepStrictEqual(Stations.noteSent(t, [], [{ dst: 1 }], 7e9, kickoutNs), [])
    assert.deepStrictEqual(Stations.noteSent(t, [], [{ dst: 1 }, { dst: 1 }, { dst: BROADCAST }], 12e9, kickoutNs), [1])
    assert.deepStrictEqual(Stations.noteSent(t, [], [{ dst: 2 }], 20e9, kickoutNs), [], "not associated: not tracked")
  })
})
