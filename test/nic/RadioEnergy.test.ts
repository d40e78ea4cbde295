/** The energy meter and model (`nic/RadioEnergy.ts`) against sums worked by hand: time × power, and the attribution rule. */
import { assert, describe, it } from "@effect/vitest"
import { CardEnergyMeter, energyOf } from "../../src/nic/RadioEnergy.ts"
import * as Ps from "../../src/nic/PowerSave.ts"
import { BROADCAST } from "../../src/vocabulary/Frame.ts"

const BASE = 0x020000000200
const MS = 1e6
const awake = { state: "associated", ps: Ps.psOff }
const dozing: { state: string; ps: Ps.PsState } = { state: "associated", ps: { ...Ps.psOff, config: { listenInterval: 1, dynamicTimeoutNs: 100 * MS, uapsd: false }, phase: "dozing" } }
const stopped = { state: "stopped", ps: Ps.psOff }
const power = { txW: 2, rxW: 1.5, listenW: 1, sleepW: 0.25 }

describe("card energy", () => {
  it("times per state and joules per vMAC, by hand", () => {
    const m = new CardEnergyMeter(BASE, 2, 0)
    // 0–100 ms: both awake; vMAC 0 sends 10 ms (Acks received: 1 ms), vMAC 1 receives 4 ms, a beacon 2 ms.
    m.note(0, false, [{ regs: awake }, { regs: awake }])
    m.tx(BASE, 10 * MS)
    m.rx(BASE, 1 * MS)
    m.rx(BASE + 1, 4 * MS)
    m.rx(BROADCAST, 2 * MS)
    // 100–200 ms: vMAC 1 dozes, vMAC 0 awake. 200–1000 ms: asleep (both doze).
    m.note(100 * MS, false, [{ regs: awake }, { regs: dozing }])
    m.note(200 * MS, true, [{ regs: dozing }, { regs: dozing }])
    const t = m.times(1000 * MS)
    assert.strictEqual(t.awakeNs, 200 * MS)
    assert.strictEqual(t.sleepNs, 800 * MS)
    const e = energyOf(t, power)
    // Card: TX 10 ms × 2 W + RX 7 ms × 1.5 W + listen (200 − 17) ms × 1 W + sleep 800 ms × 0.25 W.
    const cardJ = 0.010 * 2 + 0.007 * 1.5 + 0.183 * 1 + 0.8 * 0.25
    assert.approximately(e.cardJoules, cardJ, 1e-12)
    assert.approximately(e.averageW, cardJ / 1, 1e-12)
    assert.approximately(e.listenSeconds, 0.183, 1e-12)
    // Shared while awake: listening 0.183 J and the beacon 2 ms × 1.5 W; vMAC 0 had 50 + 100 ms of the 200 ms, vMAC 1 had 50.
    const sharedJ = 0.183 + 0.002 * 1.5
    const v0 = 0.010 * 2 + 0.001 * 1.5 + sharedJ * 150 / 200 + 0.2 / 2
    const v1 = 0.004 * 1.5 + sharedJ * 50 / 200 + 0.2 / 2
    assert.approximately(e.vmacJoules[0]!, v0, 1e-12)
    assert.approximately(e.vmacJoules[1]!, v1, 1e-12)
    assert.approximately(e.unattributedJoules, 0, 1e-12)
  })

  it("with no vMAC started the energy is the card's alone (unattributed)", () => {
    const m = new CardEnergyMeter(BASE, 1, 0)
    m.note(0, false, [{ regs: stopped }])
    const e = energyOf(m.times(500 * MS), power)
    assert.approximately(e.cardJoules, 0.5, 1e-12)
    assert.approximately(e.unattributedJoules, 0.5, 1e-12)
    assert.strictEqual(e.vmacJoules[0], 0)
  })
})
