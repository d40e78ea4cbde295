/**
 * What the Virtual WiFi switches change on receive (docs/model.md, "The receive path and the
 * switches"), measured on a saturated UDP download: the I/O thread's time per received frame against
 * the cost table's operations, computed here from the frame counts and sizes the guest saw.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { RX_BUFFER_PAGES } from "../../src/device-model/RxDelivery.ts"
import { scenarioOf, withWorld } from "./support.ts"

const download = (addressTranslation: "software" | "iommu", fastDataPath: boolean) =>
  Effect.gen(function*() {
    const scenario = yield* scenarioOf({
      vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx", offeredMbps: "saturate", payloadBytes: 1470 }] }],
      switches: { addressTranslation, fastDataPath }
    })
    return yield* withWorld(scenario, (world) =>
      Effect.map(Simulation.sleep(3e9), () => {
        const cpu = world.cpu.snapshot()
        const guest = world.vms[0]!.guest.stats
        const io = cpu.threads.find((t) => t.name === "io-vm1")!
        return {
          n: cpu.operationCounts,
          breakdownNs: cpu.breakdownNs,
          frames: guest.rxFrames,
          txFrames: guest.txFrames,
          meanFrameBytes: guest.rxBytes / guest.rxFrames,
          ioNsPerFrame: io.busyNs / guest.rxFrames,
          costs: world.cpu.costs,
          ghz: world.cpu.ghz
        }
      }), 2)
  })

/**
 * Frames received, but for a few at the run's end: those of the last interrupt, whose buffers may not
 * be posted again yet (fewer), or frames the I/O thread copied whose interrupt the guest has not
 * handled yet (more).
 */
const aboutFrames = (actual: number, frames: number, perFrame: number, what: string): void => {
  assert.isAtMost(actual, (frames + 4) * perFrame, what)
  assert.isAtLeast(actual, (frames - 4) * perFrame, what)
}

describe("model: the switches on the receive path", () => {
  it.effect("slow path: the device model copies each frame, and the translation switch changes nothing", () =>
    Effect.gen(function*() {
      const software = yield* download("software", false)
      const iommu = yield* download("iommu", false)
      for (const r of [software, iommu]) {
        assert.isAbove(r.frames, 5_000)
        aboutFrames(r.n.copyPacket, r.frames, 1, "one copy per received frame")
      }
      // The copy reaches guest memory through QEMU's mapping: the only pages translated are those of
      // the few frames the guest sent (its driver's null-data and the like), none with an IOMMU.
      assert.isBelow(software.txFrames, 10)
      assert.isAtMost(software.n.translatePage, 2 * software.txFrames)
      assert.strictEqual(iommu.n.translatePage, 0)
      // Nothing on the receive path depends on the switch: the same work, frame for frame.
      for (const op of ["copyPacket", "copyByte", "hostIrq", "irqForward", "virtualIrq", "guestIrq"] as const) {
        assert.strictEqual(software.n[op], iommu.n[op], op)
      }
      assert.strictEqual(software.frames, iommu.frames)
      const txTranslationNs = software.n.translatePage * (software.costs.translatePage.cycles + software.costs.shadowPage.cycles) / software.ghz
      assert.approximately(software.ioNsPerFrame - iommu.ioNsPerFrame, txTranslationNs / software.frames, 1e-6)
    }), 120_000)

  it.effect("fast path: no copy; without an IOMMU each frame's buffer is translated, two pages, which costs the I/O thread that much more per frame", () =>
    Effect.gen(function*() {
      const slow = yield* download("iommu", false)
      const software = yield* download("software", true)
      const iommu = yield* download("iommu", true)
      for (const r of [software, iommu]) {
        assert.isAbove(r.frames, 5_000)
        assert.strictEqual(r.n.copyPacket, 0, "the card wrote the guest's buffers")
        assert.strictEqual(r.n.copyByte, 0)
        assert.strictEqual(r.breakdownNs["host.copy"], 0)
      }
      assert.strictEqual(iommu.n.translatePage, 0)
      assert.strictEqual(iommu.n.shadowPage, 0)
      // Less the pages of the few frames the guest sent (its driver's null-data), which the fast path
      // without an IOMMU translates too (a frame's buffer spans one or two pages).
      assert.isBelow(software.txFrames, 10)
      for (const counted of [software.n.translatePage, software.n.shadowPage]) {
        assert.isAtMost(counted, software.frames * RX_BUFFER_PAGES + 2 * software.txFrames, "each reposted buffer's pages, and the sent frames'")
        assert.isAtLeast(counted, (software.frames - 4) * RX_BUFFER_PAGES + software.txFrames, "each reposted buffer's pages, and the sent frames'")
      }

      const { costs, ghz } = iommu
      const translationNs = RX_BUFFER_PAGES * (costs.translatePage.cycles + costs.shadowPage.cycles) / ghz
      const copyNs = (costs.copyPacket.cycles + slow.meanFrameBytes * costs.copyByte.cycles) / ghz
      // Per frame on the I/O thread: software translation exceeds the IOMMU by the translation of its
      // buffer, and the slow path exceeds the fast one by the copy (within a thousandth of a frame's work).
      const tolerance = (expected: number) => 0.01 * expected + 1
      assert.approximately(software.ioNsPerFrame - iommu.ioNsPerFrame, translationNs, tolerance(translationNs))
      assert.approximately(slow.ioNsPerFrame - iommu.ioNsPerFrame, copyNs, tolerance(copyNs))
      assert.isAbove(translationNs, copyNs, "at the calibrated costs, two software translations cost more than the copy they save")
    }), 120_000)
})
