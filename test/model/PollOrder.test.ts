/**
 * Events a driver's tick finds (a lost interrupt's) reach the guest before those of a later
 * interrupt. One VM downloads 2 Mb/s and pings its AP; its vMAC's TX hangs at 1.7 s, and from 4.1 s
 * the card's next 17 interrupts are lost. At 4.2 s the tick polls the card, finding eight received
 * frames, and in the same tick its TX watchdog resets the hung vMAC, whose "Disconnected" goes up with
 * an interrupt. The poll's frames were served on a thread of their own, which the interrupt's handler
 * preempted: the VM heard of the reset first and took the frames received before it while scanning
 * again. Now the host's tick, a timer, serves them in softirq context as the interrupt's handler is
 * served (on one core one runs after the other), and a guest that owns the card (passthrough) polls
 * from its own vCPU, where a later interrupt's injection queues behind it. (Natively the application
 * reads its frames with recv() on its own thread, after the stack took them: reading them after a
 * disconnection the stack heard of later is what a real one does, so the check below is not for it.)
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runChecked, scenarioOf } from "./support.ts"

describe("events a driver's poll finds", () => {
  for (const mode of ["virtual-wifi", "passthrough"]) {
    it.effect(`reach the guest before a later interrupt's (${mode})`, () =>
      Effect.gen(function*() {
        const scenario = yield* scenarioOf({
          mode,
          durationSeconds: 6,
          vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx", offeredMbps: 2 }, { kind: "ping", intervalMs: 100 }] }],
          faults: [{ kind: "hang-vmac", atSeconds: 1.7, vmac: 0 }, { kind: "interrupts", atSeconds: 4.1, action: "drop", count: 17 }]
        })
        // The guest driver's state as each received frame reaches the VM's application.
        const run = yield* runChecked(scenario, { seed: 1 }, (world) => {
          const guest = world.vms[0]!.guest
          const states: Array<string> = []
          guest.traces.frameReceived.connect(() => states.push(guest.driver().state))
          return states
        })
        const recovered = run.report.faults.recoveriesByWhat
        assert.strictEqual(recovered["lost-interrupt-poll"]?.count, 2)
        assert.strictEqual(recovered["vmac-watchdog-reset"]?.count, 1)
        assert.strictEqual(recovered["reconnect"]?.count, 1)
        assert.isAbove(run.observed.length, 1000)
        assert.deepStrictEqual(run.observed.filter((state) => state !== "connected"), [], "frames taken while the driver was no longer connected")
      }), { timeout: 60_000 })
  }
})
