/** What the card reports to the host driver that owns it, one batch per interrupt. */
import type { CardEvent, ScanResult } from "./CardEvent.ts"
import type { Frame } from "./Frame.ts"
import type { RateCounts } from "./RateCounts.ts"

export type NicEvent =
  | {
    readonly _tag: "TxStatus"
    readonly vmac: number
    readonly delivered: ReadonlyArray<Frame>
    readonly dropped: ReadonlyArray<Frame>
    /** The attempts behind them by rate (absent when none was counted: frames dropped before the air). */
    readonly rates?: RateCounts | undefined
  }
  | { readonly _tag: "Rx"; readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "ScanComplete"; readonly results: ReadonlyArray<ScanResult> }
  | { readonly _tag: "AuthResult"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "AssocResult"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "Disconnected"; readonly vmac: number; readonly reason: "deauthenticated" | "disassociated" | "beacon-loss" | "vmac-reset" }
  /** The vMAC's signal monitor: its AP's average beacon signal is past the threshold, first or again a hysteresis further (`BeaconSignal.ts`). */
  | { readonly _tag: "Signal"; readonly vmac: number; readonly signalDbm: number; readonly low: boolean }
  | { readonly _tag: "DmaFault"; readonly vmac: number; readonly frames: number }
  /** A vMAC's firmware crashed: the driver must reset it. */
  | { readonly _tag: "FirmwareError"; readonly vmac: number }
  /** A vMAC stopped by the driver has quiesced: no event of its old owner will follow. */
  | { readonly _tag: "VmacStopped"; readonly vmac: number }

/** Card events that concern only the driver that owns the card (a guest never sees them). */
export type HostOnlyEvent = Extract<NicEvent, { readonly _tag: "FirmwareError" | "VmacStopped" }>

/**
 * What a guest's driver sees of a card event, on its own card's vMAC 0 (the driver that owns the card
 * does its bookkeeping first: demultiplexing, scan consolidation, CPU costs).
 */
export const guestEventOf = (e: Exclude<NicEvent, HostOnlyEvent>): CardEvent => {
  switch (e._tag) {
    case "TxStatus":
      return e.rates === undefined
        ? { _tag: "TxDone", vmac: 0, delivered: e.delivered.length, failed: e.dropped.length }
        : { _tag: "TxDone", vmac: 0, delivered: e.delivered.length, failed: e.dropped.length, attempts: e.rates.attempts, acked: e.rates.acked }
    case "Rx":
      return { _tag: "Rx", vmac: 0, frames: e.frames }
    case "ScanComplete":
      return { _tag: "ScanDone", results: e.results, fromCache: false }
    case "AuthResult":
      return { _tag: "AuthDone", vmac: 0, status: e.status }
    case "AssocResult":
      return { _tag: "AssocDone", vmac: 0, status: e.status }
    case "Disconnected":
      return { _tag: "Disconnected", vmac: 0, reason: e.reason }
    case "Signal":
      return { _tag: "Signal", vmac: 0, signalDbm: e.signalDbm, low: e.low }
    case "DmaFault":
      return { _tag: "Rejected", command: "TxDoorbell", reason: "dma-out-of-range" }
  }
}
