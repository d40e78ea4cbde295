/**
 * The card's power draw in each radio state, in watts: what the energy model multiplies the radio's
 * time in that state by. Measured on the Intel WiFi Link 5300 (the seed's card) with one antenna by
 * Halperin, Greenstein, Sheth and Wetherall, "Demystifying 802.11n power consumption" (HotPower
 * 2010), as ns-3 quotes them for its WifiRadioEnergyModel (src/wifi/model/wifi-radio-energy-model.h).
 * The same paper measures up to 2.1 W transmitting with three streams: these are its one-antenna
 * figures, the low end; a scenario may give others (`card.power`).
 */
export interface CardPower {
  readonly txW: number
  readonly rxW: number
  /** Awake, not transmitting or receiving a frame for it (listening; carrier sense included, as ns-3 counts CCA busy). */
  readonly listenW: number
  readonly sleepW: number
}

/** Transmitting at 0 dBm, one antenna (Halperin et al. 2010). */
export const INTEL_5300_TX_W = 1.14
/** Receiving, one antenna (Halperin et al. 2010). */
export const INTEL_5300_RX_W = 0.94
/** Awake and idle, one antenna (Halperin et al. 2010). */
export const INTEL_5300_LISTEN_W = 0.82
/** Asleep (Halperin et al. 2010). */
export const INTEL_5300_SLEEP_W = 0.1

export const INTEL_5300_POWER: CardPower = Object.freeze({
  txW: INTEL_5300_TX_W, rxW: INTEL_5300_RX_W, listenW: INTEL_5300_LISTEN_W, sleepW: INTEL_5300_SLEEP_W
})
