/** The TX path's stages: stamps add up, and each switch moves the stage it should. */
import { assert, describe, it } from "@effect/vitest"
import { Effect } from "effect"
import { runScenario } from "../../src/run/RunScenario.ts"
import { Frame, FrameKind } from "../../src/vocabulary/Frame.ts"
import { TxPathCollector, TxPathStamps } from "../../src/vocabulary/TxPath.ts"
import { scenarioOf } from "./support.ts"

describe("TX path: where a frame's time goes", () => {
  it("the stages of one frame add up to its time from send to Ack", () => {
    const f = new Frame(1, FrameKind.Data, 1, 2, 2)
    f.createdNs = 1_000
    const s = (f.txPath = new TxPathStamps())
    s.driverNs = 17_000
    s.vmacNs = 60_000
    s.airQueuedNs = 61_000
    s.airStartNs = 130_000
    const c = new TxPathCollector()
    c.done(f, 224_000)
    assert.deepStrictEqual(c.meansUs(), { virtualization: 16, hostDriver: 43, cardQueue: 1, contention: 69, transmission: 94 })
    // Natively there is no augmented driver: the path to the card is one stage.
    s.driverNs = NaN
    const native = new TxPathCollector()
    native.done(f, 224_000)
    assert.deepStrictEqual(native.meansUs(), { virtualization: 0, hostDriver: 59, cardQueue: 1, contention: 69, transmission: 94 })
    assert.strictEqual(new TxPathCollector().meansUs(), null)
  })

  const ping = (mode: string, switches: Record<string, unknown> = {}) =>
    Effect.gen(function*() {
      const scenario = yield* scenarioOf({ mode, switches, vms: [{ name: "vm1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "ping", intervalMs: 10, payloadBytes: 56 }] }] })
      const r = yield* runScenario(scenario, { seed: 1, durationNs: 3e9, txPath: true })
      return r.txPath!
    })

  it.effect("a ping's echo request: virtualization costs Virtual WiFi time natively absent; the IOMMU takes the translation out", () =>
    Effect.gen(function*() {
      const native = yield* ping("native")
      const vw = yield* ping("virtual-wifi")
      const iommu = yield* ping("virtual-wifi", { addressTranslation: "iommu" })
      assert.isAbove(vw.frames, 150)
      assert.strictEqual(native.meanUs["virtualization"], 0)
      assert.isAbove(vw.meanUs["virtualization"]!, 5)
      assert.isBelow(iommu.meanUs["hostDriver"]!, vw.meanUs["hostDriver"]!)
      // The air does not care who sent the frame: the same exchange, the same seed.
      assert.closeTo(vw.meanUs["transmission"]!, native.meanUs["transmission"]!, 1)
    }))
})
