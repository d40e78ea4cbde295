/**
 * The MAC addresses the scenario builder gives to stations a scenario does not name: the card's
 * vMACs, its scanning station, and the wired endpoint behind each AP. An AP's BSSID must avoid
 * them, or frames meant for the AP reach a vMAC (or the other way round) and joins stall.
 *
 * All are locally administered unicast addresses (first octet 0x02). The builder (model/Model.ts)
 * uses the same numbers; keep the two in step (test/scenario checks it).
 */

/** vMAC i of the card is this + i (02:00:00:00:02:00 …). */
export const CARD_BASE_MAC = 0x020000000200

/** The card's scanning station is the vMAC base + this (02:00:00:00:03:00). */
export const SCANNER_MAC_OFFSET = 0x100

/** The wired endpoint behind AP i is this + i (02:00:00:10:00:00 …). */
export const ENDPOINT_BASE_MAC = 0x020000100000

/** "aa:bb:cc:dd:ee:ff" → its 48-bit value. */
export const macValue = (mac: string): number => parseInt(mac.replaceAll(":", ""), 16)

/** A 48-bit value → "aa:bb:cc:dd:ee:ff". */
export const macText = (mac: number): string => mac.toString(16).padStart(12, "0").replace(/(..)(?!$)/g, "$1:")

/** Who, other than an AP, uses `mac` in a system of `vmacs` vMACs and `aps` APs; undefined when no one. */
export const reservedUse = (mac: number, vmacs: number, aps: number): string | undefined => {
  if (mac >= CARD_BASE_MAC && mac < CARD_BASE_MAC + vmacs) return `the card's vMAC ${mac - CARD_BASE_MAC}`
  if (mac === CARD_BASE_MAC + SCANNER_MAC_OFFSET) return "the card's scanning station"
  if (mac >= ENDPOINT_BASE_MAC && mac < ENDPOINT_BASE_MAC + aps) return `the wired endpoint of AP ${mac - ENDPOINT_BASE_MAC}`
  return undefined
}
