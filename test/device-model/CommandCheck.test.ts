import { assert, describe, it } from "@effect/vitest"
import { checkDescriptor, checkRate, checkVmac } from "../../src/device-model/CommandCheck.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"

const vm = { mac: 100, memoryBytes: 1 << 20, rateCount: 8 }
const ok = { dmaAddress: 4096, length: 1500, src: 100, dst: 5, payload: 0, seq: 1, createdNs: 0, echoNs: -1 }

describe("trust boundary checks", () => {
  it("accepts a descriptor the VM owns and refuses each kind of hostile one", () => {
    assert.isUndefined(checkDescriptor(vm, ok))
    assert.strictEqual(checkDescriptor(vm, { ...ok, src: 101 }), "spoofed-source")
    assert.strictEqual(checkDescriptor(vm, { ...ok, dmaAddress: (1 << 20) - 100 }), "dma-out-of-range")
    assert.strictEqual(checkDescriptor(vm, { ...ok, dmaAddress: -1 }), "dma-out-of-range")
    assert.strictEqual(checkDescriptor(vm, { ...ok, length: 0 }), "bad-length")
    // Only a null-data frame (payload None) has no body.
    assert.isUndefined(checkDescriptor(vm, { ...ok, length: 0, payload: Payload.None }))
    assert.strictEqual(checkDescriptor(vm, { ...ok, length: 9000 }), "bad-length")
    assert.strictEqual(checkDescriptor(vm, undefined), "malformed")
    assert.strictEqual(checkDescriptor({ ...vm, mac: undefined }, ok), "not-initialized")
  })

  it("checks vMAC indices and rate indices", () => {
    assert.isUndefined(checkVmac(vm, 0))
    assert.strictEqual(checkVmac(vm, 1), "unknown-vmac")
    assert.isUndefined(checkRate(vm, 7))
    assert.strictEqual(checkRate(vm, 8), "rate-out-of-range")
    assert.strictEqual(checkRate(vm, -1), "rate-out-of-range")
  })
})
