/**
 * Channel centre frequencies. 2.4 GHz: 2407 + 5·n MHz for channels 1..13 and 2484 MHz for 14
 * (802.11-2016 Table 15-6 / 17.4.6.3 / 19.3.15); 5 GHz: 5000 + 5·n MHz (802.11-2016 19.3.15.4).
 */

const BAND_24_BASE_MHZ = 2407
const CHANNEL_14_MHZ = 2484
const BAND_5_BASE_MHZ = 5000
const CHANNEL_SPACING_MHZ = 5

/** Centre frequency of `channel`, in MHz. */
export const channelCenterMhz = (channel: number): number =>
  channel === 14 ? CHANNEL_14_MHZ : channel < 14 ? BAND_24_BASE_MHZ + CHANNEL_SPACING_MHZ * channel : BAND_5_BASE_MHZ + CHANNEL_SPACING_MHZ * channel
