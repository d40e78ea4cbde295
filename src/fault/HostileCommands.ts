/**
 * What a hostile or broken guest driver writes in a command storm: commands the trust boundary must
 * refuse, each kind drawn from the run's PRNG (so a storm replays exactly). None is a valid command
 * for the VM's own card: a storm must not change what the VM itself asked for.
 */
import type { Prng } from "../kernel/Prng.ts"
import { HOSTILE_ATTACKS } from "../scenario/FaultSchedule.ts"
import type { HostileAttack } from "../scenario/FaultSchedule.ts"

export interface HostileWrite {
  readonly command: unknown
  /** Descriptors written to the TX ring before the doorbell, if any. */
  readonly descriptors?: ReadonlyArray<unknown>
}

/** Kinds of hostile write, in the order `hostileCommand` draws from (the scenario's names for them). */
export const hostileKinds = HOSTILE_ATTACKS

/** The attacks that need the VM's own MAC (to get past the source check to the range checks). */
const NEEDS_OWN_MAC: ReadonlySet<HostileAttack> = new Set(["dma-out-of-range", "bad-length"])

/** One write of `attack`, or `undefined` when it needs the VM's MAC and the VM has none yet. */
export const hostileWriteOf = (attack: HostileAttack, random: Prng, memoryBytes: number, ownMac: number | undefined, nowNs: number): HostileWrite | undefined =>
  ownMac === undefined && NEEDS_OWN_MAC.has(attack) ? undefined : write(attack, random, memoryBytes, ownMac, nowNs)

/**
 * One hostile write. `ownMac` is the VM's own MAC (a DMA-range attack needs it to get past the source
 * check), undefined to leave out the attacks that need it.
 */
export const hostileCommand = (random: Prng, memoryBytes: number, ownMac: number | undefined, nowNs: number): HostileWrite => {
  const kinds = ownMac === undefined ? hostileKinds.filter((k) => k !== "dma-out-of-range" && k !== "bad-length") : hostileKinds
  return write(kinds[random.nextIntBelow(kinds.length)]!, random, memoryBytes, ownMac, nowNs)
}

const write = (kind: HostileAttack, random: Prng, memoryBytes: number, ownMac: number | undefined, nowNs: number): HostileWrite => {
  const otherVmac = 1 + random.nextIntBelow(15)
  // Everything but the attacked field as a real frame has it (its send time now), so that each attack
  // meets the check it is aimed at, and only that one.
  const descriptor = (src: number, dmaAddress: number, length: number) => ({
    dmaAddress, length, src, dst: 0x020000100000, payload: 1, seq: 0, createdNs: nowNs, echoNs: -1
  })
  switch (kind) {
    case "garbage":
      return { command: [null, 42, "reset", undefined][random.nextIntBelow(4)] }
    case "unknown-tag":
      return { command: { _tag: "FlashFirmware", vmac: 0 } }
    case "wrong-types":
      return { command: { _tag: "SetRate", vmac: "0", rateIndex: 1.5 } }
    case "other-vmac":
      return { command: { _tag: "Authenticate", vmac: otherVmac, bssid: 0x020000000100, channel: 6 } }
    case "rate-out-of-range":
      return { command: { _tag: "SetRate", vmac: 0, rateIndex: 1000 + random.nextIntBelow(1000) } }
    case "spoofed-source":
      // Another station's address (never the VM's own: that would be a valid frame, not an attack).
      return { command: { _tag: "TxDoorbell", vmac: 0, count: 1 }, descriptors: [descriptor((ownMac ?? 0x020000000200) + otherVmac, 4096, 100)] }
    case "dma-out-of-range":
      return { command: { _tag: "TxDoorbell", vmac: 0, count: 1 }, descriptors: [descriptor(ownMac!, memoryBytes + random.nextIntBelow(1 << 20), 1500)] }
    case "bad-length":
      return { command: { _tag: "TxDoorbell", vmac: 0, count: 1 }, descriptors: [descriptor(ownMac!, 4096, 100_000)] }
    case "short-ring":
      // The doorbell claims more descriptors than the ring holds.
      return { command: { _tag: "TxDoorbell", vmac: 0, count: 200 } }
  }
}
