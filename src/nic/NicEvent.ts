/** What the card reports to the host driver that owns it, one batch per interrupt. */
import type { ScanResult } from "../model/CardEvent.ts"
import type { Frame } from "../model/Frame.ts"

export type NicEvent =
  | { readonly _tag: "TxStatus"; readonly vmac: number; readonly delivered: ReadonlyArray<Frame>; readonly dropped: ReadonlyArray<Frame> }
  | { readonly _tag: "Rx"; readonly vmac: number; readonly frames: ReadonlyArray<Frame> }
  | { readonly _tag: "ScanComplete"; readonly results: ReadonlyArray<ScanResult> }
  | { readonly _tag: "AuthResult"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "AssocResult"; readonly vmac: number; readonly status: number }
  | { readonly _tag: "Disconnected"; readonly vmac: number; readonly reason: "deauthenticated" | "beacon-loss" }
  | { readonly _tag: "DmaFault"; readonly vmac: number; readonly frames: number }
