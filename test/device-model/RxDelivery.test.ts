import { assert, describe, it } from "@effect/vitest"
import { copiesReceivedFrames, pagesTranslatedOnRepost, RX_BUFFER_PAGES } from "../../src/device-model/RxDelivery.ts"

const slowSoftware = { fastDataPath: false, softwareTranslation: true }
const slowIommu = { fastDataPath: false, softwareTranslation: false }
const fastSoftware = { fastDataPath: true, softwareTranslation: true }
const fastIommu = { fastDataPath: true, softwareTranslation: false }

describe("device model: the receive path by the switches", () => {
  it("an 8 KiB receive buffer (iwlagn's 5300) spans two 4 KiB pages", () => {
    assert.strictEqual(RX_BUFFER_PAGES, 2)
  })

  it("the slow path copies received frames whatever the translation, and translates nothing", () => {
    for (const s of [slowSoftware, slowIommu]) {
      assert.isTrue(copiesReceivedFrames(s))
      assert.strictEqual(pagesTranslatedOnRepost(s, 10), 0)
    }
  })

  it("the fast path copies nothing: the card wrote the guest's buffers", () => {
    assert.isFalse(copiesReceivedFrames(fastSoftware))
    assert.isFalse(copiesReceivedFrames(fastIommu))
  })

  it("on the fast path without an IOMMU each buffer posted again has its pages translated; with one, none", () => {
    assert.strictEqual(pagesTranslatedOnRepost(fastSoftware, 10), 20)
    assert.strictEqual(pagesTranslatedOnRepost(fastSoftware, 0), 0)
    assert.strictEqual(pagesTranslatedOnRepost(fastIommu, 10), 0)
  })
})
