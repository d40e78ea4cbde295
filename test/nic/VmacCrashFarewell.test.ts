/**
 * A vMAC's firmware that crashes while its farewell (the deauthentication of a `Disassoc`) is still
 * in the card's ring keeps it as a farewell: the driver's next join waits until the radio is done
 * with it, as it would without the crash. Until 2026-12-04 the crash forgot it, and the join's
 * authentication went into the ring ahead of the deauthentication (management frames go first) and
 * took the ring to the new channel: the deadlock `test/model/ResetFarewell.test.ts` shows for a reset.
 *
 * Leaving a BSS, on a `Disassoc` or for a join while associated (a guest driver reloaded over its
 * association), the vMAC first has the card drop what the ring holds for the old AP (`AssociationEnded`),
 * then says its farewell; an association the AP or beacon loss ends drops the ring the same way, with no farewell (seed 115, case 151: `test/model/Round23Cases.test.ts`).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import type * as Scope from "effect/Scope"
import { ActorSystem } from "../../src/actor/ActorSystem.ts"
import { CRASH } from "../../src/actor/ModelActor.ts"
import { fixedChain } from "../../src/air/RetryChain.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { psOff } from "../../src/nic/PowerSave.ts"
import * as Vmac from "../../src/nic/Vmac.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { FrameLedger } from "../../src/vocabulary/FrameLedger.ts"

const OLD_AP = 0x020000000100
const NEW_AP = 0x020000000300

/** A vMAC associated on channel 6; `script` drives it and reads what it put in the card's ring. */
const withVmac = <A>(script: (v: Vmac.VmacHandle, ring: Array<readonly [string, number, number]>, deauthId: () => number) => Effect.Effect<A, never, Simulation.Simulation>) =>
  Effect.gen(function*() {
    const phy = { standard: "802.11g", rateMbps: 54 } as const
    const regs: Vmac.VmacRegisters = {
      state: "associated", bssid: OLD_AP, channel: 6, iommuDomainBytes: undefined, phy, chain: fixedChain(phy), keyId: 0, rsn: false,
      txQueued: 0, txCompleted: 0, ownInFlight: 0, signalMonitor: undefined, aid: 1, ps: psOff, wakeAtNs: 0, uapsd: false, joinStartedNs: 0
    }
    const ring: Array<readonly [string, number, number]> = []
    let deauth: Frame | undefined
    const v = yield* Vmac.make({
      index: 0, mac: 0x020000000200, regs, ledger: new FrameLedger(), traces: new Vmac.CardTraces(), qos: true,
      nic: {
        tellUnsafe: (m) => {
          if (m._tag !== "FromVmac") {
            ring.push([m._tag, m.reason === "vmac-leaving" ? 1 : 0, -1])
            return true
          }
          for (const f of m.frames ?? []) {
            ring.push([f.kind === FrameKind.Deauth ? "Deauth" : f.kind === FrameKind.Auth ? "Auth" : String(f.kind), f.dst, m.channel])
            if (f.kind === FrameKind.Deauth) deauth = f
          }
          return true
        }
      },
      parent: { childEscalated: () => {} }
    })
    return yield* script(v, ring, () => deauth!.id)
  })

const simulate = <A>(program: Effect.Effect<A, never, Simulation.Simulation | ActorSystem | Scope.Scope>) =>
  Effect.map(Simulation.run(program.pipe(Effect.provide(ActorSystem.layer)), { seed: 1 }), ({ exit }) => {
    if (exit._tag !== "Success") throw new Error(String(exit))
    return exit.value
  })

const MS = 1e6

/** Asks `v` to join NEW_AP on channel 1, then tells it its farewell is done: the ring before and after that. */
const joinAcrossFarewell = (v: Vmac.VmacHandle, ring: Array<readonly [string, number, number]>, deauthId: () => number) =>
  Effect.gen(function*() {
    v.ref.tellUnsafe({ _tag: "Auth", bssid: NEW_AP, channel: 1 })
    yield* Simulation.sleep(MS)
    const beforeDone = [...ring]
    v.ref.tellUnsafe({ _tag: "DeauthDone", frameId: deauthId() })
    yield* Simulation.sleep(MS)
    return { beforeDone, after: [...ring] }
  })

describe("a vMAC's crash while it says farewell", () => {
  it.effect("keeps the farewell: a join after the crash waits until the radio is done with the deauthentication", () =>
    Effect.gen(function*() {
      const { beforeDone, after } = yield* simulate(withVmac((v, ring, deauthId) =>
        Effect.gen(function*() {
          v.ref.tellUnsafe({ _tag: "Disassoc" })
          yield* Simulation.sleep(MS)
          v.ref.tellUnsafe(CRASH)
          yield* Simulation.sleep(100 * MS)
          return yield* joinAcrossFarewell(v, ring, deauthId)
        })))
      // The `Disassoc` had the card drop the ring for the old AP before its farewell went in.
      assert.deepStrictEqual(beforeDone, [["AssociationEnded", 1, -1], ["Deauth", OLD_AP, 6]], "the authentication waits for the farewell")
      assert.deepStrictEqual(after, [["AssociationEnded", 1, -1], ["Deauth", OLD_AP, 6], ["Auth", NEW_AP, 1]])
    }))

  it.effect("loses the join held behind the farewell before the crash: the driver asks again", () =>
    Effect.gen(function*() {
      const { afterDone, after } = yield* simulate(withVmac((v, ring, deauthId) =>
        Effect.gen(function*() {
          v.ref.tellUnsafe({ _tag: "Disassoc" })
          v.ref.tellUnsafe({ _tag: "Auth", bssid: NEW_AP, channel: 1 })
          yield* Simulation.sleep(MS)
          v.ref.tellUnsafe(CRASH)
          yield* Simulation.sleep(100 * MS)
          v.ref.tellUnsafe({ _tag: "DeauthDone", frameId: deauthId() })
          yield* Simulation.sleep(MS)
          const afterDone = [...ring]
          v.ref.tellUnsafe({ _tag: "Auth", bssid: NEW_AP, channel: 1 })
          yield* Simulation.sleep(MS)
          return { afterDone, after: [...ring] }
        })))
      assert.deepStrictEqual(afterDone, [["AssociationEnded", 1, -1], ["Deauth", OLD_AP, 6]])
      assert.deepStrictEqual(after, [["AssociationEnded", 1, -1], ["Deauth", OLD_AP, 6], ["Auth", NEW_AP, 1]], "the farewell done, the next join goes at once")
    }))
})

describe("a vMAC's join while associated", () => {
  it.effect("leaves the old BSS first: its ring for the old AP dropped, the farewell on the old channel, then the join", () =>
    Effect.gen(function*() {
      const { beforeDone, after } = yield* simulate(withVmac(joinAcrossFarewell))
      assert.deepStrictEqual(beforeDone, [["AssociationEnded", 1, -1], ["Deauth", OLD_AP, 6]])
      assert.deepStrictEqual(after, [["AssociationEnded", 1, -1], ["Deauth", OLD_AP, 6], ["Auth", NEW_AP, 1]])
    }))

  it.effect("an association its AP ends has the card drop what the ring holds for that AP, and sends no farewell", () =>
    Effect.gen(function*() {
      const ring = yield* simulate(withVmac((v, ring) =>
        Effect.gen(function*() {
          const deauth = new Frame(1, FrameKind.Deauth, OLD_AP, 0x020000000200, OLD_AP)
          v.ref.tellUnsafe({ _tag: "Heard", frames: [deauth] })
          yield* Simulation.sleep(MS)
          return [...ring]
        })))
      assert.deepStrictEqual(ring, [["AssociationEnded", 0, -1]])
    }))
})
