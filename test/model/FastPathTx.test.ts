/**
 * The fast data path on transmit, by translation switch (docs/model.md, "The receive path and the
 * switches"): with an IOMMU the card reads the guest's buffers by the guest's addresses, so a data
 * doorbell neither traps nor is translated; without one the host must see each doorbell (a trap) and
 * translate its buffers' pages before the card may read them, as the slow path does, but the frames
 * then go to the vMAC without the driver's call.
 */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import * as Simulation from "../../src/kernel/Simulation.ts"
import { scenarioOf, withWorld } from "./support.ts"

const upload = (addressTranslation: "software" | "iommu", fastDataPath: boolean) =>
  Effect.gen(function*() {
    const scenario = yield* scenarioOf({
      vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: "saturate", payloadBytes: 1470 }] }],
      switches: { addressTranslation, fastDataPath }
    })
    return yield* withWorld(scenario, (world) =>
      Effect.map(Simulation.sleep(3e9), () => {
        const cpu = world.cpu.snapshot()
        // Frames the card is done with: each went through the device model (frames still in the ring at the end have not).
        const { txDelivered, txFailed } = world.vms[0]!.guest.stats
        const sent = txDelivered + txFailed
        return {
          sent,
          translatedPerFrame: cpu.operationCounts.translatePage / sent,
          exitsPerFrame: cpu.operationCounts.exitDecode / sent
        }
      }), 2)
  })

describe("model: the fast data path on transmit", () => {
  it.effect("without an IOMMU each data doorbell traps and its pages are translated, as on the slow path; with one, neither", () =>
    Effect.gen(function*() {
      const slow = yield* upload("software", false)
      const fastSoftware = yield* upload("software", true)
      const fastIommu = yield* upload("iommu", true)
      for (const r of [slow, fastSoftware, fastIommu]) assert.isAbove(r.sent, 5_000)
      // A 1470-byte datagram's buffer spans one or two 4 KiB pages: at least one translation per frame.
      assert.isAtLeast(slow.translatedPerFrame, 1)
      assert.approximately(fastSoftware.translatedPerFrame, slow.translatedPerFrame, 0.05 * slow.translatedPerFrame)
      assert.isBelow(fastIommu.translatedPerFrame, 0.01, "the IOMMU translates: the host does nothing per frame")
      // Traps per frame: the doorbell's (one per frame, iwlagn's write-pointer update) stays without an
      // IOMMU and goes with one; the completion's interrupt-cause read traps either way.
      assert.approximately(fastSoftware.exitsPerFrame, slow.exitsPerFrame, 0.1 * slow.exitsPerFrame)
      assert.isBelow(fastIommu.exitsPerFrame, fastSoftware.exitsPerFrame - 0.5)
    }), 120_000)
})
