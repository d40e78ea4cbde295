/** The guest VM actor: its state held by the runtime, what reaches it while it is off, and a crash of its driver module. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { CRASH } from "../../src/actor/ModelActor.ts"
import * as GuestVm from "../../src/guest/GuestVm.ts"
import * as Simulation from "../../src/kernel/Simulation.ts"
import type { CardEvent, ScanResult } from "../../src/vocabulary/CardEvent.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"
import { runActors, valueOf } from "../actor/support.ts"
import { frameFor, guestOptions, LAB, recordingCpu, recordOf } from "./support.ts"
import type { JobRecord } from "./support.ts"

const JOIN: ReadonlyArray<CardEvent> = [
  { _tag: "PciConfig", vendorId: 0x8086, deviceId: 0x4235 },
  { _tag: "InitDone", vmac: 0, mac: 77 },
  { _tag: "ScanDone", results: [LAB], fromCache: false },
  { _tag: "AuthDone", vmac: 0, status: 0 },
  { _tag: "AssocDone", vmac: 0, status: 0 }
]

/** Runs `body` with a guest whose register writes are recorded (command tags, in order). */
const withGuest = <A>(flows: ReadonlyArray<GuestVm.Flow>, body: (guest: GuestVm.GuestHandle, rig: ReturnType<typeof guestRig>) => Effect.Effect<A, never, Simulation.Simulation>) =>
  Effect.map(
    runActors(Effect.gen(function*() {
      const r = guestRig(flows)
      const guest = yield* GuestVm.make(r.options)
      return yield* body(guest, r)
    })),
    valueOf
  )

const guestRig = (flows: ReadonlyArray<GuestVm.Flow>) => {
  const { cpu, jobs } = recordingCpu()
  const commands: Array<string> = []
  const carried = new Set<JobRecord>()
  const options = guestOptions(flows, cpu, {
    tellUnsafe: (w) => {
      commands.push((w.command as { readonly _tag: string })._tag)
      carried.add(recordOf(w.work))
      return true
    }
  })
  /** Jobs with work in them that neither a register write carried nor the guest submitted. */
  const loose = () => jobs.filter((j) => j.ops.length > 0 && !j.submitted && !carried.has(j)).length
  return { options, commands, jobs, loose }
}

const joined = (guest: GuestVm.GuestHandle) =>
  Effect.gen(function*() {
    guest.ref.tellUnsafe({ _tag: "Boot" })
    for (const e of JOIN) guest.ref.tellUnsafe({ _tag: "Irq", events: [e] })
    yield* Simulation.sleep(1e6)
  })

describe("guest VM actor", () => {
  it.effect("joins through its interrupts, and every message's work is submitted", () =>
    Effect.gen(function*() {
      const out = yield* withGuest([{ kind: "udp-rx", offeredMbps: 10, payloadBytes: 1470 }], (guest, rig) =>
        Effect.gen(function*() {
          const before = { poweredOn: guest.poweredOn(), state: guest.driver().state }
          yield* joined(guest)
          // An interrupt that makes the guest write nothing: its work is submitted on its own.
          guest.ref.tellUnsafe({ _tag: "Irq", events: [{ _tag: "TxDone", vmac: 0, delivered: 1, failed: 0 }] })
          yield* Simulation.sleep(1e6)
          const last = rig.jobs[rig.jobs.length - 1]!
          return {
            before, poweredOn: guest.poweredOn(), state: guest.driver().state, commands: rig.commands, loose: rig.loose(),
            last: { ops: last.ops, submitted: last.submitted }
          }
        }))
      assert.deepStrictEqual(out.before, { poweredOn: false, state: "off" })
      assert.deepStrictEqual([out.poweredOn, out.state], [true, "connected"])
      assert.deepStrictEqual(out.commands, ["ReadPciConfig", "InitCard", "StartScan", "Authenticate", "Associate", "TxDoorbell"])
      assert.deepStrictEqual(out.last, { ops: [["guestIrq", 1]], submitted: true })
      assert.strictEqual(out.loose, 0, "no work was left behind")
    }))

  it.effect("a crash of its driver module reloads the driver at once; the applications and the VM's counters stay", () =>
    Effect.gen(function*() {
      const out = yield* withGuest([{ kind: "tcp-tx", offeredMbps: "saturate", mssBytes: 1460 }], (guest, rig) =>
        Effect.gen(function*() {
          const { kernel } = yield* Simulation.Simulation
          yield* joined(guest)
          const sent = guest.stats.txFrames
          rig.commands.length = 0
          const crashAtNs = kernel.nowNs
          guest.ref.tellUnsafe(CRASH)
          yield* Simulation.sleep(50e6)
          return {
            sent, crashAtNs, txFrames: guest.stats.txFrames, connectedAtNs: guest.stats.connectedAtNs, disconnectedAtNs: guest.stats.disconnectedAtNs,
            state: guest.driver().state, poweredOn: guest.poweredOn(), commands: rig.commands,
            restarts: rig.options.log.recoveriesByWhat.get("guest-driver-restart")?.count
          }
        }))
      assert.isAbove(out.sent, 0)
      assert.strictEqual(out.txFrames, out.sent, "its counters stay")
      assert.deepStrictEqual([out.poweredOn, out.state], [true, "initializing"])
      assert.deepStrictEqual(out.commands, ["ReadPciConfig"])
      assert.strictEqual(out.disconnectedAtNs, out.crashAtNs)
      assert.isDefined(out.connectedAtNs)
      assert.strictEqual(out.restarts, 1)
    }))

  it.effect("switched off, it hears nothing: received frames are dropped, scans asked fail, a crash reloads nothing", () =>
    Effect.gen(function*() {
      const out = yield* withGuest([], (guest, rig) =>
        Effect.gen(function*() {
          yield* joined(guest)
          guest.ref.tellUnsafe({ _tag: "PowerOff" })
          const frame = frameFor(rig.options.ledger.nextFrameId(), Payload.Udp, 100)
          rig.options.ledger.register(frame)
          guest.ref.tellUnsafe({ _tag: "Irq", events: [{ _tag: "Rx", vmac: 0, frames: [frame] }] })
          const scan = yield* Effect.result(guest.ref.ask<ReadonlyArray<ScanResult>>((reply) => ({ _tag: "RequestScan", reply })))
          rig.commands.length = 0
          guest.ref.tellUnsafe(CRASH)
          yield* Simulation.sleep(50e6)
          return {
            poweredOn: guest.poweredOn(), state: guest.driver().state, rx: guest.stats.rxFrames, scanFailed: scan._tag === "Failure",
            dropped: rig.options.ledger.droppedByReason.get("vm-off"), commands: rig.commands
          }
        }))
      assert.deepStrictEqual(out, { poweredOn: false, state: "off", rx: 0, scanFailed: true, dropped: 1, commands: [] })
    }))
})
