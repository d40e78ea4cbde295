/**
 * What a TX status reports of the attempts behind it, as the card's TX response does (iwlwifi's
 * `struct iwl4965_tx_resp` / `iwl5000_tx_resp` give each frame's failure count and final rate; its
 * compressed BlockAck gives an aggregate's MPDUs acknowledged): MPDU attempts and MPDUs acknowledged
 * by rate index, since the last report. The card takes them from its radio's station, which the air
 * counts into (`nic/Radio.ts`).
 */

export interface RateCounts {
  /** MPDU attempts by ladder index (an A-MPDU of n MPDUs is n attempts). */
  readonly attempts: ReadonlyArray<number>
  /** MPDUs acknowledged by ladder index. */
  readonly acked: ReadonlyArray<number>
}
