/**
 * The augmented driver's per-pair state machine (one pair per VM that holds a vMAC), as pure
 * functions: what a command from the VM and an event from the card make of a pair's state.
 * ```
 *   unbound ──InitCard──▶ ready ──Authenticate──▶ authenticating ──ok──▶ authenticated
 *                          ▲  ▲                        │ fail               │ Associate
 *                          │  └─────── fail ◀─ associating ◀────────────────┘
 *                          └── Disassociate / deauth / beacon loss ◀── connected ◀── ok
 * ```
 * The card's vMAC runs the real exchange and is the authority: a result sets the pair's state
 * whatever the driver believed before (after a crash and rebuild the two may have drifted).
 */
import type { AssocState } from "../nic/Vmac.ts"
import { Status } from "../vocabulary/Frame.ts"

export type PairState = "unbound" | "ready" | "authenticating" | "authenticated" | "associating" | "connected"

/** The commands of a VM that move its pair. */
export type PairCommand = "Authenticate" | "Associate" | "Disassociate"

/** The card's events that move a pair (a vMAC reset counts as losing the association). */
export type PairEvent =
  | { readonly _tag: "AuthResult"; readonly status: number }
  | { readonly _tag: "AssocResult"; readonly status: number }
  | { readonly _tag: "Disconnected" | "FirmwareError" | "WatchdogReset" }

/** The state a command puts the pair in (the request is on its way to the card). */
export const afterCommand = (command: PairCommand): PairState => {
  switch (command) {
    case "Authenticate":
      return "authenticating"
    case "Associate":
      return "associating"
    case "Disassociate":
      return "ready"
  }
}

/** The state a card event leaves the pair in. */
export const afterEvent = (event: PairEvent): PairState => {
  switch (event._tag) {
    case "AuthResult":
      return event.status === Status.Success ? "authenticated" : "ready"
    case "AssocResult":
      return event.status === Status.Success ? "connected" : "ready"
    default:
      return "ready"
  }
}

/** The pair state that matches a vMAC's association state on the card (a rebuild after a crash). */
export const fromCard = (card: AssocState): PairState => {
  switch (card) {
    case "stopped":
    case "idle":
      return "ready"
    case "associated":
      return "connected"
    default:
      return card
  }
}
