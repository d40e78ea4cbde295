/**
 * What the card reports to its driver through its event ring and interrupt: plain data flowing
 * from the host to the guest (trusted direction), one array per interrupt.
 */
import type { Frame } from "./Frame.ts"

/** An AP found by a scan. */
export interface ScanResult {
  readonly bssid: number
  readonly ssid: string
  readonly channel: number
  readonly signalDbm: number
  /**
   * A beacon of this BSS was among the frames the scan heard, not only probe responses: cfg80211
   * keeps a BSS's beacon apart from its probe responses (`beacon_ies`), and mac80211 knows the
   * beacon before it associates only then (`have_beacon`, which decides when the join's session
   * protection ends: `ChannelPlan.joining`).
   */
  readonly beaconHeard: boolean
}

/** Why a command was refused: at the trust boundary, or by the driver. */
export type RejectReason =
  | "malformed"
  | "unknown-vmac"
  | "spoofed-source"
  | "dma-out-of-range"
  | "bad-length"
  | "bad-payload"
  | "bad-timestamp"
  | "bad-subscription"
  | "rate-out-of-range"
  | "bad-retry-chain"
  | "not-initialized"
  | "no-free-vmac"

/**
 * The real card's PCI identity: Intel WiFi Link 5300 AGN (seed: the prototype's card), vendor
 * 0x8086, device 0x4235 (one of the 5300's device IDs in Linux's iwlwifi PCI table). The virtual
 * card presents the same, so the guest's native driver binds to it unchanged.
 */
export const CARD_PCI_ID = { vendorId: 0x8086, deviceId: 0x4235 } as const

export type CardEvent =
  | { readonly _tag: "PciConfig"; readonly vendorId: number; readonly deviceId: number }
  | { readonly _tag: "InitDone"; readonly vmac: number; readonly mac: number }
  /** A scan's results; from the augmented driver's cache, `ageNs` says how old they are (absent: just scanned). */
  | { readonly _tag: "ScanDone"; readonly results: ReadonlyArray<ScanResult>; readonly fromCache: boolean; readonly ageNs?: number }
  | { readonly _tag: "AuthDone"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "AssocDone"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "Disconnected"; readonly vmac: number; readonly reason: "deauthenticated" | "disassociated" | "beacon-loss" | "vmac-reset" }
  | {
    readonly _tag: "TxDone"
    readonly vmac: number
    readonly delivered: number
    readonly failed: number
    /** MPDU attempts and MPDUs acknowledged by rate index behind this status (the rate control's input). */
    readonly attempts?: ReadonlyArray<number>
    readonly acked?: ReadonlyArray<number>
  }
  | { readonly _tag: "Rx"; readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  /** The monitor asked for (`MonitorSignal`): the AP's average beacon signal is below (`low`) or above the threshold, first or again a hysteresis beyond the last report. */
  | { readonly _tag: "Signal"; readonly vmac: number; readonly signalDbm: number; readonly low: boolean }
  | { readonly _tag: "Rejected"; readonly command: string; readonly reason: RejectReason }

/** All refusals counted in a by-reason tally. */
export const totalRejections = (byReason: Readonly<Partial<Record<RejectReason, number>>>): number => {
  let n = 0
  for (const v of Object.values(byReason)) n += v ?? 0
  return n
}
