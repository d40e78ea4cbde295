/**
 * The trust-boundary checks a device model applies to what a guest wrote, after the Schema decode:
 * pure functions from (what the VM owns, what it asked) to a reject reason or nothing.
 */
import { MAX_RETRY_CHAIN_ATTEMPTS } from "../vocabulary/CardCommand.ts"
import type { ChainEntry } from "../vocabulary/CardCommand.ts"
import type { RejectReason } from "../vocabulary/CardEvent.ts"
import { descriptorFrame } from "../vocabulary/DescriptorFrame.ts"
import { Payload } from "../vocabulary/Frame.ts"
import type { Frame } from "../vocabulary/Frame.ts"
import { MAX_SACK_BLOCKS } from "../vocabulary/PacketHeaders.ts"

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
 * How long before the card reads a descriptor its send time may be. An estimate: the guest rings the
 * doorbell right after writing the descriptor (`GuestTraffic.send`) and the write's trap runs within
 * milliseconds even on a saturated core; a second is far above that, and far below the age at which
 * the ledger counts a frame lost (`UNACCOUNTED_AGE_NS`, 15 s), which a backdated frame must not reach.
 */
export const MAX_DESCRIPTOR_AGE_NS = 1e9

/** The largest payload kind (`Frame.Payload`). */
const LAST_PAYLOAD = Math.max(...Object.values(Payload))

/**
 * Checks the frame the card built from one TX descriptor (`DescriptorFrame.descriptorFrame`, every
 * field read once) at `nowNs`: addressing owned by the VM, DMA inside `memoryBytes` (the VM's memory
 * unless the caller leaves the range to an IOMMU: Infinity), sane length, a known payload kind with a
 * whole sequence number (and a TCP ACK's window a whole number of segments, its SACK blocks well
 * formed), a send time and an echoed timestamp no later than now (the send time at most
 * `MAX_DESCRIPTOR_AGE_NS` old: the ledger ages a frame by it), a Subscribe request that decoded.
 */
export const checkDescriptorFrame = (vm: VmView, f: Frame, memoryBytes: number, nowNs: number): RejectReason | undefined => {
  if (vm.mac === undefined) return "not-initialized"
  if (f.src !== vm.mac) return "spoofed-source"
  const length = f.payloadBytes
  // Only a null-data frame (the connection monitor's probe) carries no body.
  if (!Number.isInteger(length) || length < (f.payload === Payload.None ? 0 : 1) || length > MAX_MSDU_BYTES) return "bad-length"
  const dmaAddress = f.dmaEnd - length
  if (!Number.isInteger(dmaAddress) || dmaAddress < 0 || f.dmaEnd > memoryBytes) return "dma-out-of-range"
  if (!Number.isInteger(f.payload) || f.payload < 0 || f.payload > LAST_PAYLOAD || !Number.isSafeInteger(f.seq) || f.seq < 0) return "bad-payload"
  // Times are virtual nanoseconds, fractions included.
  if (!(f.echoNs === -1 || (f.echoNs >= 0 && f.echoNs <= nowNs))) return "bad-payload"
  if (!(f.createdNs <= nowNs && f.createdNs >= nowNs - MAX_DESCRIPTOR_AGE_NS)) return "bad-timestamp"
  if (f.payload === Payload.Subscribe && f.info?.subscribe === undefined) return "bad-subscription"
  if (f.payload === Payload.TcpAck && !(Number.isSafeInteger(f.tcpWindow) && f.tcpWindow >= 0)) return "bad-payload"
  if (f.sack.length > 0 && !wellFormedSack(f.sack)) return "bad-payload"
  return undefined
}

/** SACK blocks an ACK can carry: pairs of whole segment numbers, each start below its end, three pairs at most. */
const wellFormedSack = (sack: ReadonlyArray<number>): boolean => {
  if (sack.length % 2 !== 0 || sack.length > 2 * MAX_SACK_BLOCKS) return false
  for (let i = 0; i < sack.length; i += 2) {
    const s = sack[i]!
    const e = sack[i + 1]!
    if (!Number.isSafeInteger(s) || !Number.isSafeInteger(e) || s < 0 || e <= s) return false
  }
  return true
}

/**
 * Checks one TX descriptor as the card reads it (`checkDescriptorFrame` on the frame it builds);
 * "malformed" for one that is no object.
 */
export const checkDescriptor = (vm: VmView, d: unknown, nowNs: number, memoryBytes: number = vm.memoryBytes): RejectReason | undefined => {
  const f = descriptorFrame(d, 0, 0)
  return f === undefined ? "malformed" : checkDescriptorFrame(vm, f, memoryBytes, nowNs)
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
