/** Which channels a PHY may use, as the scenario checks them (the scenario sits below the air: no import from it). */

/** 802.11g exists only in 2.4 GHz; the highest 2.4 GHz channel OFDM may use is 13 (14 is DSSS-only; 802.11-2016 Annex E, Table E-4). */
export const MAX_OFDM_24GHZ_CHANNEL = 13
