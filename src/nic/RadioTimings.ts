/** How long the card's one radio is off the air while it changes state: a channel switch, a wake-up. */

/**
 * Time the radio is off the air while it retunes to another channel. SSCH (Bahl, Chandra & Dunagan,
 * MobiCom 2004, §3) takes 80 µs from a 2.4 GHz radio's datasheet; the 5300's firmware-managed
 * switch is not published, so this is that figure, not a measurement of the 5300.
 */
export const CHANNEL_SWITCH_NS = 80_000

/**
 * The radio's wake-up, sleep to listening: the 5300's is not published. An estimate: 1 ms, the order
 * of the wake-up latencies WLAN chipsets of its era give (hundreds of µs to a few ms).
 */
export const RADIO_WAKE_NS = 1_000_000
