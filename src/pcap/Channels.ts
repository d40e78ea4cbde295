/**
 * What a channel number says about the band and, at 40 MHz, where the secondary channel lies: what
 * the capture's radiotap header and HT Operation element need to say. Pure.
 */

import { MAX_24GHZ_CHANNEL } from "../scenario/Bands.ts"

/**
 * The highest 2.4 GHz primary channel an HT40 BSS pairs with the channel 4 above: 7 (802.11-2016
 * Table E-1, operating class 32, channels 1–7; class 33, 5–11, pairs below). Table E-4's global
 * classes 83 (1–9) and 84 (5–13) allow either for 5–9: channels 1–7 above and 8–13 below suit both.
 */
export const MAX_HT40_ABOVE_24GHZ_CHANNEL = 7
/**
 * 5 GHz 20 MHz channels are 4 numbers apart (5 MHz per number, 19.3.15.4); their 40 MHz pairs are
 * 36+40, 44+48, …, 149+153, 157+161: the lower channel n, with n / 4 odd, has its secondary above
 * (802.11-2016 Table E-4, operating classes 116, 119 … : "primary channel lower"), the upper below
 * (classes 117, 120 …).
 */
const CHANNEL_NUMBERS_PER_20MHZ = 4

export const in24Ghz = (channel: number): boolean => channel <= MAX_24GHZ_CHANNEL

/** Whether an HT40 BSS on primary `channel` has its secondary channel above (else below). */
export const secondaryChannelAbove = (channel: number): boolean =>
  in24Ghz(channel) ? channel <= MAX_HT40_ABOVE_24GHZ_CHANNEL : Math.floor(channel / CHANNEL_NUMBERS_PER_20MHZ) % 2 === 1
