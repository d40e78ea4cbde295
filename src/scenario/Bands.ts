/** Which channels a PHY may use, as the scenario checks them (the scenario sits below the air: no import from it). */

/**
 * The highest 2.4 GHz channel number, 14 (802.11-2016 Table 15-6; Annex E): channels above it are
 * 5 GHz ones. The band says which elements a BSS's frames carry (`air/FrameBytes.ts`), not its timing.
 */
export const MAX_24GHZ_CHANNEL = 14

/** 802.11g exists only in 2.4 GHz; the highest 2.4 GHz channel OFDM may use is 13 (14 is DSSS-only; 802.11-2016 Annex E, Table E-4). */
export const MAX_OFDM_24GHZ_CHANNEL = 13

/**
 * The highest 2.4 GHz channel an HT40 BSS may use as its primary: 13, paired with channel 9 (802.11-2016
 * Annex E, Table E-4, operating class 84); channel 14 has no 40 MHz pair.
 */
export const MAX_HT40_24GHZ_CHANNEL = 13

/**
 * 5 GHz channels an HT40 BSS may use as its primary: the 40 MHz pairs of 802.11-2016 Annex E, Table
 * E-4 (operating classes 116/117, 119/120, 122/123 and 126/127): 36+40, 44+48, …, 149+153, 157+161.
 * Channel 165 and the numbers between 20 MHz channels have none.
 */
export const HT40_5GHZ_CHANNELS: ReadonlySet<number> = new Set([
  36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 149, 153, 157, 161
])

/** Whether an HT40 BSS can have `channel` as its primary (a 40 MHz pair exists for it). */
export const ht40Possible = (channel: number): boolean =>
  channel <= MAX_24GHZ_CHANNEL ? channel <= MAX_HT40_24GHZ_CHANNEL : HT40_5GHZ_CHANNELS.has(channel)

/**
 * 5 GHz channels an HT BSS may use at 20 MHz: those of 802.11-2016 Annex E, Table E-4, operating
 * classes 115 (36–48), 118 (52–64), 121 (100–144) and 125 (149–165, of which the scenario accepts up
 * to 165): every fourth number. The others (38, 50, 15–35, …) name no channel.
 */
export const HT_5GHZ_CHANNELS: ReadonlySet<number> = new Set([
  36, 40, 44, 48, 52, 56, 60, 64, 100, 104, 108, 112, 116, 120, 124, 128, 132, 136, 140, 144, 149, 153, 157, 161, 165
])

/** Whether an HT (802.11n) radio may use `channel` at all: OFDM's 2.4 GHz channels (not 14), or a 5 GHz one. */
export const htChannelValid = (channel: number): boolean =>
  channel <= MAX_24GHZ_CHANNEL ? channel <= MAX_OFDM_24GHZ_CHANNEL : HT_5GHZ_CHANNELS.has(channel)

/** The channels `htChannelValid` accepts, for a message. */
export const HT_CHANNELS_TEXT = "1..13 in 2.4 GHz, and 36–64, 100–144 and 149–165 (every fourth) in 5 GHz"
