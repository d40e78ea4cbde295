/**
 * A TCP download beside a UDP download to the same VM. Until 2026-12-06 an endpoint kept at most 64 TCP
 * segments per station queued at the AP (a budget; its TCP sender's window alone bounds it now), and
 * until 2026-12-05 the frames of a UDP download to the same VM counted against it too
 * and, credited back as UDP, never freed it: a VM with a TCP and a UDP download had its TCP budget
 * used up within half a second and its TCP download stopped for good, without a drop or a timeout
 * in the report (found by an audit of the outputs: 162 segments, then nothing).
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runChecked, scenarioOf } from "./support.ts"

describe("a TCP download beside a UDP download to the same VM", () => {
  it.effect("both move for the whole run: the VM receives what the two offer", () =>
    Effect.gen(function*() {
      // 5 + 2 Mbit/s of goodput, well under what 802.11g at 54 Mbit/s carries for one station
      // (about 25 Mbit/s of UDP): nothing needs to wait, so all that is offered arrives.
      const tcpMbps = 5
      const udpMbps = 2
      const run = yield* runChecked(yield* scenarioOf({
        durationSeconds: 10,
        vms: [{
          name: "vm0", ssid: "lab", passphrase: "vwifi-lab-key",
          traffic: [{ kind: "tcp-rx", offeredMbps: tcpMbps }, { kind: "udp-rx", offeredMbps: udpMbps }]
        }]
      }), { seed: 1 })
      const vm = run.report.vms[0]!
      assert.approximately(vm.downlinkMbps, tcpMbps + udpMbps, 0.1, `${vm.downlinkMbps} Mbit/s received`)
      assert.isAbove(vm.lastDataAtSeconds!, 9.9)
    }), { timeout: 60_000 })
})
