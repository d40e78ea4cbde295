/**
 * A LAN download's slow start as Linux 2.6.33's CUBIC ends it: HyStart's RTT samples are whole 4 ms
 * jiffies, so on a path shorter than one the first sample at 16 segments ends slow start
 * (model.md, "The window grows and falls"), long before the endpoint's window could overflow the AP's
 * 512-frame queue. With Reno's byte-counting slow start (until 2026-12-06) the window doubled each
 * round trip past the queue, and hundreds of segments were dropped at the AP's door in the first
 * seconds of every such download (this test, on that code: 268 natively at seed 1).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runChecked, scenarioOf } from "./support.ts"

describe("model: a LAN download's slow start (CUBIC with HyStart)", () => {
  it.effect("drops nothing at the AP's door in its first 10 s, natively and through Virtual WiFi, and keeps the air busy", () =>
    Effect.gen(function*() {
      for (const mode of ["native", "virtual-wifi"] as const) {
        for (const seed of [1, 2]) {
          const scenario = yield* scenarioOf({ mode, vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "tcp-rx" }] }] })
          const run = yield* runChecked(scenario, { seed, durationNs: 10e9 })
          const drops = run.report.frames.droppedByReason["ap-queue-full"] ?? 0
          assert.strictEqual(drops, 0, `${mode}, seed ${seed}: ${drops} segments dropped at the AP's door`)
          // The window left slow start small, but far above this path's bandwidth-delay product (a few segments).
          assert.isAbove(run.report.vms[0]!.downlinkMbps, 23, `${mode}, seed ${seed}`)
        }
      }
    }))
})
