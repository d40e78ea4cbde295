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
}

/** Why a command was refused: at the trust boundary, or by the driver. */
export type RejectReason =
  | "malformed"
  | "unknown-vmac"
  | "spoofed-source"
  | "dma-out-of-range"
  | "bad-length"
  | "rate-out-of-range"
  | "not-initialized"
  | "no-free-vmac"

export type CardEvent =
  | { readonly _tag: "InitDone"; readonly vmac: number; readonly mac: number }
  | { readonly _tag: "ScanDone"; readonly results: ReadonlyArray<ScanResult>; readonly fromCache: boolean }
  | { readonly _tag: "AuthDone"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "AssocDone"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "Disconnected"; readonly vmac: number; readonly reason: "deauthenticated" | "beacon-loss" }
  | { readonly _tag: "TxDone"; readonly vmac: number; readonly delivered: number; readonly failed: number }
  | { readonly _tag: "Rx"; readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "Rejected"; readonly command: string; readonly reason: RejectReason }
