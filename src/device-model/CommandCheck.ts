/**
 * The trust-boundary checks a device model applies to what a guest wrote, after the Schema decode:
 * pure functions from (what the VM owns, what it asked) to a reject reason or nothing.
 */
import { MAX_RETRY_CHAIN_ATTEMPTS } from "../vocabulary/CardCommand.ts"
import type { ChainEntry, TxDescriptor } from "../vocabulary/CardCommand.ts"
import type { RejectReason } from "../vocabulary/CardEvent.ts"
import { Payload } from "../vocabulary/Frame.ts"

/** What a VM owns, as the device model knows it. */
export interface VmView {
  /** The vMAC's address once initialized. */
  readonly mac: number | undefined
  readonly memoryBytes: number
  /** Rate indices the card accepts: 0..rateCount−1. */
  readonly rateCount: number
}

/** Maximum MSDU the card accepts (IEEE 802.11-2016 9.2.4.7: 2304 bytes). */
export const MAX_MSDU_BYTES = 2304

/**
 * Checks one TX descriptor: addressing owned by the VM, DMA inside `memoryBytes` (the VM's memory
 * unless the caller leaves the range to an IOMMU: Infinity), sane length.
 */
export const checkDescriptor = (vm: VmView, d: TxDescriptor | undefined, memoryBytes: number = vm.memoryBytes): RejectReason | undefined => {
  if (d === undefined || typeof d !== "object") return "malformed"
  if (vm.mac === undefined) return "not-initialized"
  if (d.src !== vm.mac) return "spoofed-source"
  // Only a null-data frame (the connection monitor's probe) carries no body.
  if (!Number.isInteger(d.length) || d.length < (d.payload === Payload.None ? 0 : 1) || d.length > MAX_MSDU_BYTES) return "bad-length"
  if (!Number.isInteger(d.dmaAddress) || d.dmaAddress < 0 || d.dmaAddress + d.length > memoryBytes) return "dma-out-of-range"
  return undefined
}

/** Checks the vMAC index a command names: a virtual card has exactly one, index 0. */
export const checkVmac = (vm: VmView, vmac: number): RejectReason | undefined =>
  vmac !== 0 ? "unknown-vmac" : vm.mac === undefined ? "not-initialized" : undefined

/**
 * Checks a rate command against the card's rate ladder: the rate index, and a retry chain's (every
 * index on the ladder, the first stage at `rateIndex`, 16 attempts in all at most; its length and
 * each stage's tries the Schema already bounds).
 */
export const checkRate = (vm: VmView, rateIndex: number, chain?: ReadonlyArray<ChainEntry>): RejectReason | undefined => {
  const outside = (i: number): boolean => i < 0 || i >= vm.rateCount
  if (outside(rateIndex)) return "rate-out-of-range"
  if (chain === undefined) return undefined
  let attempts = 0
  for (const e of chain) {
    if (outside(e.rateIndex)) return "rate-out-of-range"
    attempts += e.tries
  }
  return chain[0]!.rateIndex !== rateIndex || attempts > MAX_RETRY_CHAIN_ATTEMPTS ? "bad-retry-chain" : undefined
}
