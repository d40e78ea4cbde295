import { assert, describe, it } from "@effect/vitest"
import { checkDescriptor, checkRate, checkVmac } from "../../src/device-model/CommandCheck.ts"
import { descriptorFrame } from "../../src/vocabulary/DescriptorFrame.ts"
import { Payload } from "../../src/vocabulary/Frame.ts"

const vm = { mac: 100, memoryBytes: 1 << 20, rateCount: 8 }

describe("trust boundary checks", () => {
  it("accepts a descriptor the VM owns and refuses each kind of hostile one", () => {
    const NOW = 5e9
    const ok = { dmaAddress: 4096, length: 1500, src: 100, dst: 5, payload: 0, seq: 1, createdNs: NOW - 1e6, echoNs: -1 }
    assert.isUndefined(checkDescriptor(vm, ok, NOW))
    assert.strictEqual(checkDescriptor(vm, { ...ok, src: 101 }, NOW), "spoofed-source")
    assert.strictEqual(checkDescriptor(vm, { ...ok, dmaAddress: (1 << 20) - 100 }, NOW), "dma-out-of-range")
    assert.strictEqual(checkDescriptor(vm, { ...ok, dmaAddress: -1 }, NOW), "dma-out-of-range")
    assert.strictEqual(checkDescriptor(vm, { ...ok, length: 0 }, NOW), "bad-length")
    // Only a null-data frame (payload None) has no body.
    assert.isUndefined(checkDescriptor(vm, { ...ok, length: 0, payload: Payload.None }, NOW))
    assert.strictEqual(checkDescriptor(vm, { ...ok, length: 9000 }, NOW), "bad-length")
    assert.strictEqual(checkDescriptor(vm, undefined, NOW), "malformed")
    assert.strictEqual(checkDescriptor({ ...vm, mac: undefined }, ok, NOW), "not-initialized")
    // Found by the red team: what the endpoint and the ledger take from a descriptor is checked too.
    assert.strictEqual(checkDescriptor(vm, null, NOW), "malformed")
    assert.strictEqual(checkDescriptor(vm, { ...ok, payload: 99 }, NOW), "bad-payload")
    assert.strictEqual(checkDescriptor(vm, { ...ok, seq: -1 }, NOW), "bad-payload")
    assert.strictEqual(checkDescriptor(vm, { ...ok, echoNs: NOW + 1 }, NOW), "bad-payload")
    assert.strictEqual(checkDescriptor(vm, { ...ok, createdNs: -1e12 }, NOW), "bad-timestamp", "a backdated frame would count as lost in the ledger")
    assert.strictEqual(checkDescriptor(vm, { ...ok, createdNs: NOW + 1 }, NOW), "bad-timestamp")
    assert.strictEqual(checkDescriptor(vm, { ...ok, createdNs: "soon" }, NOW), "bad-timestamp")
    const subscribe = (request: unknown) => checkDescriptor(vm, { ...ok, payload: Payload.Subscribe, length: 28, subscribe: request }, NOW)
    assert.isUndefined(subscribe({ protocol: "udp", offeredMbps: 10, payloadBytes: 1470 }))
    assert.strictEqual(subscribe({ protocol: "udp", offeredMbps: 10, payloadBytes: 0 }), "bad-subscription", "0-byte datagrams: an endless burst")
    assert.strictEqual(subscribe({ protocol: "udp", offeredMbps: 1e9, payloadBytes: 1000 }), "bad-subscription")
    assert.strictEqual(subscribe({ protocol: "tcp", offeredMbps: "saturate", payloadBytes: -5000 }), "bad-subscription")
    assert.strictEqual(subscribe(undefined), "bad-subscription")
  })

  it("takes a TCP ACK's window only as whole segments, its SACK blocks only as whole, ordered pairs, three at most, copied once", () => {
    const NOW = 5e9
    const ack = { dmaAddress: 4096, length: 80, src: 100, dst: 5, payload: Payload.TcpAck, seq: 7, createdNs: NOW - 1e6, echoNs: -1, window: 45 }
    const sack = (blocks: unknown) => checkDescriptor(vm, { ...ack, sack: blocks }, NOW)
    assert.isUndefined(sack([9, 12, 14, 15, 20, 30]))
    assert.isUndefined(sack([]))
    // The window it offers: a whole number of segments (0 included: TCP allows a closed window).
    assert.isUndefined(checkDescriptor(vm, { ...ack, window: 0 }, NOW))
    for (const window of [-1, 1.5, "45", undefined]) assert.strictEqual(checkDescriptor(vm, { ...ack, window }, NOW), "bad-payload")
    assert.strictEqual(sack([9, 12, 14]), "bad-payload", "half a block")
    assert.strictEqual(sack([9, 12, 14, 15, 20, 30, 40, 41]), "bad-payload", "four blocks: no room beside the timestamps")
    assert.strictEqual(sack([12, 9]), "bad-payload")
    assert.strictEqual(sack([9, 9]), "bad-payload")
    assert.strictEqual(sack([-3, 9]), "bad-payload")
    assert.strictEqual(sack([1.5, 9]), "bad-payload")
    assert.strictEqual(sack(["9", "12"]), "bad-payload")
    assert.strictEqual(sack({ length: 2, 0: 9, 1: 12 }), "bad-payload", "no array")
    assert.strictEqual(sack(Array.from({ length: 1e6 }, (_, i) => i + 1)), "bad-payload")
    // The frame keeps its own copy: what the guest does to its array afterwards changes nothing.
    const blocks = [9, 12]
    const frame = descriptorFrame({ ...ack, sack: blocks }, 1, 0)!
    blocks[1] = 1e15
    assert.deepStrictEqual(frame.sack, [9, 12])
    assert.deepStrictEqual(descriptorFrame({ ...ack, payload: Payload.Udp, sack: [1, 2] }, 1, 0)!.sack, [], "blocks only on an ACK")
  })

  it("reads each field of a descriptor once: what it checks is what it sends", () => {
    const NOW = 5e9
    let reads = 0
    // A field that is good when first read and bad after (or the other way round): one read, one value.
    const twoFaced = {
      dmaAddress: 4096, src: 100, dst: 5, payload: 0, seq: 1, createdNs: NOW, echoNs: -1,
      get length() {
        return reads++ === 0 ? 100_000 : 1500
      }
    }
    assert.strictEqual(checkDescriptor(vm, twoFaced, NOW), "bad-length")
    assert.strictEqual(reads, 1)
  })

  it("checks vMAC indices and rate indices", () => {
    assert.isUndefined(checkVmac(vm, 0))
    assert.strictEqual(checkVmac(vm, 1), "unknown-vmac")
    assert.isUndefined(checkRate(vm, 7))
    assert.strictEqual(checkRate(vm, 8), "rate-out-of-range")
    assert.strictEqual(checkRate(vm, -1), "rate-out-of-range")
  })
})
