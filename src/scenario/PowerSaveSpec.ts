/**
 * The scenario's power-save fields: a VM's power save (`vms[].powerSave`), an AP's DTIM period
 * (`aps[].dtimPeriod`) and the card's power draw per radio state (`card.power`, for the energy
 * model). Each with its unit, its default and the default's source. Power save is off by default:
 * a scenario that does not ask for it runs exactly as before.
 */
import * as Schema from "effect/Schema"
import { INTEL_5300_LISTEN_W, INTEL_5300_RX_W, INTEL_5300_SLEEP_W, INTEL_5300_TX_W } from "../vocabulary/CardPower.ts"
import { MaxSpLength, UAPSD_MAX_SP_LENGTH_DEFAULT } from "../vocabulary/CardCommand.ts"
import { defaulted, intBetween, numberBetween } from "./SchemaParts.ts"

/**
 * The dynamic power-save timeout when user space sets none: 100 ms (Linux 2.6.33 sets it in cfg80211,
 * net/wireless/core.c, `wdev->wext.ps_timeout = 100`; mac80211's `ieee80211_recalc_ps` applies it).
 */
export const DYNAMIC_PS_TIMEOUT_MS_DEFAULT = 100

/** A VM's power save: what its driver asks of the card once associated. */
export const PowerSaveSpec = defaulted(
  Schema.Struct({
    mode: defaulted(
      Schema.Literals(["off", "legacy", "uapsd"]),
      "off",
      "\"off\": the VM's vMAC stays awake (CAM). \"legacy\": 802.11 power save (802.11-2016 11.2.3) — the vMAC dozes " +
        "after dynamicTimeoutMs without traffic (a null-data frame with the PM bit tells its AP, which buffers for it), " +
        "wakes for every listenInterval-th beacon, and fetches what the beacon's TIM says is buffered with PS-Polls. " +
        "\"uapsd\": the same dozing, but U-APSD (802.11-2016 11.2.3.5, WMM Power Save), asked for in its association: no " +
        "PS-Polls; a trigger frame (a QoS Null when the TIM shows frames held, or its own uplink data, sent with PM=1) " +
        "starts a service period in which the AP sends up to maxSpLength held frames, the last with EOSP; needs card.qos. " +
        "Default \"off\"."
    ),
    listenInterval: defaulted(
      intBetween(1, 100),
      1,
      "Beacons between the ones a dozing vMAC wakes to hear, 1..100 (1: every beacon). Default 1 (iwlwifi's default " +
        "power level wakes for every DTIM; the model's APs buffer no group traffic, so every beacon is as good)."
    ),
    dynamicTimeoutMs: defaulted(
      numberBetween(1, 60_000),
      DYNAMIC_PS_TIMEOUT_MS_DEFAULT,
      "Time without traffic after which the vMAC dozes, in ms, 1..60000. Default 100 (mac80211's dynamic power-save " +
        "timeout as Linux 2.6.33's cfg80211 sets it, net/wireless/core.c; iwlwifi's mvm firmware uses the same 100 ms)."
    ),
    maxSpLength: defaulted(
      MaxSpLength,
      UAPSD_MAX_SP_LENGTH_DEFAULT,
      "U-APSD: the most buffered frames one service period brings (Max SP Length, in the QoS Info field of the " +
        "association's WMM Information element, 802.11-2016 9.4.1.17): 0 (all the AP holds), 2, 4 or 6 — the values the " +
        "field encodes. Default 0 (mac80211's IEEE80211_DEFAULT_MAX_SP_LEN, net/mac80211/ieee80211_i.h). Unused by the other modes."
    )
  }),
  {},
  "Power save of the VM's vMAC. Default { mode: \"off\", listenInterval: 1, dynamicTimeoutMs: 100, maxSpLength: 0 }."
)
export type PowerSaveSpec = typeof PowerSaveSpec.Type

/** An AP's DTIM period: beacons per DTIM beacon. */
export const DtimPeriod = defaulted(
  intBetween(1, 255),
  2,
  "Beacons per DTIM beacon (the DTIM Period of the TIM element, 802.11-2016 9.4.2.6), 1..255. Default 2 (hostapd's " +
    "dtim_period). The model's APs send no group-addressed data, so nothing waits for a DTIM; it sets the TIM's fields."
)

/** The card's power draw per radio state, in W. */
export const CardPowerSpec = defaulted(
  Schema.Struct({
    txW: defaulted(numberBetween(0, 20), INTEL_5300_TX_W, "Transmitting, in W. Default 1.14 (Intel 5300, one antenna, 0 dBm; Halperin et al., HotPower 2010)."),
    rxW: defaulted(numberBetween(0, 20), INTEL_5300_RX_W, "Receiving, in W. Default 0.94 (Intel 5300, one antenna; Halperin et al., HotPower 2010)."),
    listenW: defaulted(
      numberBetween(0, 20),
      INTEL_5300_LISTEN_W,
      "Awake and listening (idle), in W. Default 0.82 (Intel 5300, one antenna; Halperin et al., HotPower 2010)."
    ),
    sleepW: defaulted(numberBetween(0, 20), INTEL_5300_SLEEP_W, "Asleep, in W. Default 0.10 (Intel 5300; Halperin et al., HotPower 2010).")
  }),
  {},
  "The card's power draw in each radio state, for the energy model (docs/model.md#power-save-and-energy). Default the " +
    "Intel 5300's, one antenna: { txW: 1.14, rxW: 0.94, listenW: 0.82, sleepW: 0.10 } (Halperin, Greenstein, Sheth, " +
    "Wetherall, \"Demystifying 802.11n power consumption\", HotPower 2010, as ns-3's WifiRadioEnergyModel quotes them)."
)
