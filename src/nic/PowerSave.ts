/**
 * One vMAC's power save (802.11-2016 11.2.3), as the card's firmware runs it once its driver
 * asked for it (`SetPowerSave`): the 5300's driver hands power save to the firmware (iwlwifi's
 * POWER_TABLE_CMD), which dozes after a spell without traffic as mac80211's dynamic power save does
 * (net/mac80211/mlme.c, `ieee80211_dynamic_ps_timer`), wakes for the beacons its listen interval
 * asks for, and fetches what its AP holds for it — pure: `Step`s of state and actions; the vMAC
 * actor carries them out. Two ways to fetch:
 *
 * - legacy: PS-Polls, one frame per poll while the AP sets More Data (11.2.3.7);
 * - U-APSD (11.2.3.5 and 11.2.3.6, WMM Power Save), negotiated in its association: it sends no
 *   PS-Poll. A trigger frame starts a service period in which the AP sends up to Max SP Length held
 *   frames, the last with EOSP set: when the TIM shows frames held, a QoS Null (PM=1); when it has
 *   uplink data, the data frame itself, sent with PM=1 (it stays in power save). It stays awake
 *   until the EOSP frame (a QoS Null with EOSP when the AP held nothing), then dozes again. The
 *   model's data has one access category (best effort), both trigger- and delivery-enabled; every AC
 *   is, so its QoS Null triggers, which go by AC_VO at TID 7 as mac80211 builds them, trigger too.
 *
 * Its null data, PS-Polls and QoS Nulls go by AC_VO (`air/Edcaf.ts`), its data by AC_BE: a doze
 * announcement waits until nothing of its is in flight, as mac80211's dynamic power save sends its
 * null only when `drv_tx_frames_pending` says the driver holds nothing (`ieee80211_dynamic_ps_enable_work`,
 * net/mac80211/mlme.c), so it never overtakes data queued before it.
 *
 * ```
 *   active ──idle for dynamicTimeout, nothing in flight: null PM=1──▶ announcing ──acknowledged──▶ dozing
 *     ▲                                                                  │ not acknowledged
 *     └──────────────────────────────────────────────────────────────────┘
 *
 *   active                                                            dozing ◀──────────┐
 *     ▲                                                                 │ listen TBTT     │ TIM clear / missed /
 *     │ TX (legacy: its frames carry PM=0)                              ▼                 │ last buffered frame
 *     └──────────────────────────────────────────── listening ──TIM bit: PS-Poll──▶ polling ──More Data: PS-Poll again
 *
 *   U-APSD: dozing / listening ──TIM bit: QoS Null trigger; uplink data (PM=1)──▶ service ──EOSP──▶ dozing
 *                                                          (EOSP with More Data: trigger again) ◀──┘
 * ```
 */
import { TU_NS } from "../air/Timing.ts"
import { CHANNEL_SWITCH_NS, RADIO_WAKE_NS } from "./RadioTimings.ts"

/** What the driver asked for (undefined in the state: power save is off, the vMAC is always awake). */
export interface PsConfig {
  /** Beacons between the ones the vMAC wakes for (1: every beacon), the listen interval of its association request. */
  readonly listenInterval: number
  /** Without traffic for this long it dozes. */
  readonly dynamicTimeoutNs: number
  /** U-APSD instead of PS-Polls (its association announced it: `negotiated`). */
  readonly uapsd: boolean
}

/**
 * `announcing`: its doze null sent, awake until it is acknowledged (then it dozes) or given up (then
 * it stays active and tries again after its timeout); `service`: U-APSD, a trigger sent, awake until
 * the frame with EOSP.
 */
export type PsPhase = "active" | "announcing" | "dozing" | "listening" | "polling" | "service"

export interface PsState {
  readonly config: PsConfig | undefined
  readonly phase: PsPhase
  /** When data last moved (a frame sent, or received while awake). */
  readonly lastActivityNs: number
  /** The TBTT of the last beacon heard from its AP, and its beacon interval (0: none heard yet). */
  readonly tbttNs: number
  readonly beaconIntervalNs: number
  /** Its Association ID: its bit in the TIM. */
  readonly aid: number
  /** The timer in force; a timer with another token is void. */
  readonly token: number
}

export type PsAction =
  /** A null-data frame with the PM bit set: "I doze from now on" (the AP buffers for it). */
  | { readonly _tag: "SendDozeNull" }
  | { readonly _tag: "SendPsPoll" }
  /** U-APSD: a QoS Null with the PM bit set, a trigger frame (11.2.3.5.2): "send me what you hold". */
  | { readonly _tag: "SendTrigger" }
  | { readonly _tag: "Timer"; readonly atNs: number; readonly token: number }

export interface PsStep {
  readonly state: PsState
  readonly actions: ReadonlyArray<PsAction>
}

/**
 * While frames it sent are still in flight when its dynamic timeout runs out, a vMAC looks again this
 * many times per timeout (they would carry PM=0 behind a doze announcement). Modelling choice.
 */
const IN_FLIGHT_RECHECKS_PER_TIMEOUT = 4
/**
 * Margin a dozing vMAC keeps before a TBTT for its clock's drift against the AP's: two crystals within
 * ±25 ppm each (`ap/BeaconPhase.ts`) part by at most 50 ppm, 500 µs over the longest listen interval
 * a scenario allows (10 s). Modelling choice.
 */
export const WAKE_DRIFT_MARGIN_NS = 500_000
/** How early before a TBTT a dozing vMAC asks for the radio: the wake-up, a channel switch, and the drift margin. */
export const WAKE_LEAD_NS = RADIO_WAKE_NS + CHANNEL_SWITCH_NS + WAKE_DRIFT_MARGIN_NS
/** How long it listens for the beacon it woke for before it dozes again (a beacon waits behind a TXOP of at most ~5.5 ms and contention). Modelling choice. */
export const BEACON_WAIT_NS = 10_000_000
/** How long it waits for the answer to a PS-Poll before it dozes again (and polls at the next beacon). Modelling choice. */
export const PS_POLL_TIMEOUT_NS = 10_000_000
/**
 * U-APSD: how long it stays awake in a service period waiting for the next frame of it (re-armed by
 * each frame) before it dozes without the EOSP frame. The standard sets no such limit; Intel's
 * firmware stays awake 50 ms after its last frame sent and after its last frame received in U-APSD
 * (`IWL_MVM_UAPSD_TX_DATA_TIMEOUT` and `IWL_MVM_UAPSD_RX_DATA_TIMEOUT`, iwlwifi mvm/constants.h, which
 * mvm/power.c programs as the POWER_TABLE_CMD's `tx_data_timeout_uapsd` and `rx_data_timeout_uapsd`).
 * Until 2026-12-05 an estimate of 10 ms: an AP whose one FIFO held another station's download ahead
 * of the released frames answered a trigger ~20 ms later, to a station asleep again (campaign seed
 * 405, case 186; model.md).
 */
export const UAPSD_SP_TIMEOUT_NS = 50_000_000
/** A beacon interval assumed before any beacon was heard: 100 TU, the usual one (hostapd's beacon_int default). */
const DEFAULT_BEACON_INTERVAL_NS = 100 * TU_NS

/** The firmware's config for what a driver's `SetPowerSave` asked (undefined: off). */
export const configOf = (
  c: { readonly mode: "off" | "legacy" | "uapsd"; readonly listenInterval: number; readonly dynamicTimeoutMs: number }
): PsConfig | undefined =>
  c.mode === "off" ? undefined : { listenInterval: c.listenInterval, dynamicTimeoutNs: c.dynamicTimeoutMs * 1e6, uapsd: c.mode === "uapsd" }

/**
 * The config in force: U-APSD only if its association announced it (the QoS Info field of its WMM
 * Information element, 802.11-2016 9.4.1.17); otherwise legacy, as mac80211 falls back when U-APSD
 * was not negotiated (`IEEE80211_STA_UAPSD_ENABLED` clear).
 */
export const negotiated = (c: PsConfig, announced: boolean): PsConfig => (c.uapsd && !announced ? { ...c, uapsd: false } : c)

export const psOff: PsState = { config: undefined, phase: "active", lastActivityNs: 0, tbttNs: 0, beaconIntervalNs: 0, aid: 0, token: 0 }

/** Whether its AP holds its frames (its doze announcement was acknowledged and it has not woken): the radio may sleep for it. */
export const dozingAtAp = (s: PsState): boolean => s.phase !== "active" && s.phase !== "announcing"
/** Whether it needs the radio now although it dozes at its AP: listening for a beacon, polling, or in a service period. */
export const needsRadioWhileDozing = (s: Pick<PsState, "phase">): boolean => s.phase === "listening" || s.phase === "polling" || s.phase === "service"

/**
 * The PM bit of the data frames it sends now: U-APSD, dozing at its AP, it stays in power save (PM=1:
 * each is a trigger frame); otherwise 0 (legacy: sending wakes it).
 */
export const sendsPm = (s: PsState): boolean => s.config?.uapsd === true && dozingAtAp(s)

const none = (state: PsState): PsStep => ({ state, actions: [] })

/** Power save on, at `nowNs`, with the AID its association got: awake until the first idle spell. */
export const enable = (s: PsState, config: PsConfig, aid: number, nowNs: number): PsStep => {
  const token = s.token + 1
  return {
    state: { ...s, config, aid, phase: "active", lastActivityNs: nowNs, token },
    actions: [{ _tag: "Timer", atNs: nowNs + config.dynamicTimeoutNs, token }]
  }
}

/** Power save off (the association ended, or the driver asked): awake for good; pending timers are void. */
export const disable = (s: PsState): PsState => ({ ...psOff, token: s.token + 1 })

/** Time between the TBTTs it wakes for: its listen interval in beacon intervals (the default one until it heard a beacon). */
export const listenStepNs = (s: Pick<PsState, "beaconIntervalNs" | "config">): number =>
  (s.beaconIntervalNs > 0 ? s.beaconIntervalNs : DEFAULT_BEACON_INTERVAL_NS) * (s.config?.listenInterval ?? 1)

/**
 * The next TBTT it wakes for: every `listenInterval`-th beacon from the last one heard, the first
 * far enough ahead that the radio can be up for it.
 */
export const nextListenTbttNs = (s: PsState, nowNs: number): number => {
  const step = listenStepNs(s)
  const base = s.beaconIntervalNs > 0 ? s.tbttNs : nowNs
  const k = Math.max(1, Math.floor((nowNs + WAKE_LEAD_NS - base) / step) + 1)
  return base + k * step
}

/** The same phase, its timer re-armed for `atNs` (an older timer is void). */
const waitOn = (s: PsState, atNs: number): PsStep => {
  const token = s.token + 1
  return { state: { ...s, token }, actions: [{ _tag: "Timer", atNs, token }] }
}

/** Dozes (again) until the next listen TBTT. */
const doze = (s: PsState, nowNs: number): PsStep => {
  const token = s.token + 1
  const state: PsState = { ...s, phase: "dozing", token }
  return { state, actions: [{ _tag: "Timer", atNs: nextListenTbttNs(state, nowNs) - WAKE_LEAD_NS, token }] }
}

/**
 * From active: announces its doze (null data, PM=1) and stays awake until the exchange is done. A STA
 * changes its power management mode only through a successful frame exchange it starts
 * (802.11-2016 11.2.3.1), as mac80211 enters power save once its null is acknowledged and otherwise
 * runs its dynamic timer again, for hardware that reports the acknowledgement
 * (`IEEE80211_STA_NULLFUNC_ACKED`, net/mac80211/mlme.c); the 5300's firmware runs power save itself.
 * Its timer, one timeout ahead, stands in for a status that never comes.
 */
const announce = (s: PsState, nowNs: number): PsStep => {
  const token = s.token + 1
  return {
    state: { ...s, phase: "announcing", token },
    actions: [{ _tag: "SendDozeNull" }, { _tag: "Timer", atNs: nowNs + s.config!.dynamicTimeoutNs, token }]
  }
}

/** Its doze null's exchange is done: acknowledged, it dozes; not, it is active at its AP still, and tries again after a timeout. */
export const announced = (s: PsState, acked: boolean, nowNs: number): PsStep => {
  if (s.phase !== "announcing" || s.config === undefined) return none(s)
  return acked ? doze(s, nowNs) : stayActive(s, nowNs)
}

/** Active at its AP from `nowNs`, its idle timer a timeout ahead. */
const stayActive = (s: PsState, nowNs: number): PsStep => {
  const token = s.token + 1
  return {
    state: { ...s, phase: "active", lastActivityNs: nowNs, token },
    actions: [{ _tag: "Timer", atNs: nowNs + s.config!.dynamicTimeoutNs, token }]
  }
}

/**
 * Its connection monitor probes the AP with a null-data frame: mac80211 allows no power save while it
 * polls (IEEE80211_STA_CONNECTION_POLL makes `ieee80211_powersave_allowed` false), sends the null with
 * PM=0 (`ieee80211_send_nullfunc(…, false)`, net/mac80211/mlme.c) and dozes again only after the
 * dynamic timeout: it is awake for the AP's answer (a deauthentication, from an AP that forgot it).
 * Under U-APSD too the probe is no trigger frame: a service period's wait would end before a probe
 * held in the ring by the other channels' turns had gone, and the answer would find it asleep.
 */
export const probing = (s: PsState, nowNs: number): PsStep => (s.config === undefined ? none(s) : stayActive(s, nowNs))

/**
 * Data moved at `nowNs`: it sends a frame (which carries PM=0 and so wakes it at its AP), or
 * receives one while awake. The idle timer is not re-armed per frame: when it fires it looks again.
 * U-APSD, dozing: the frame it sends carries PM=1 and is a trigger; it waits for the service period.
 */
export const activity = (s: PsState, nowNs: number, sending: boolean): PsStep => {
  if (s.config === undefined) return none(s)
  if (s.phase === "active") return none({ ...s, lastActivityNs: nowNs })
  if (!sending) return none(s) // a frame that reaches a dozing station does not wake it
  // Announcing, its frames carry PM=0: whatever became of the announcement, it is active at its AP.
  if (s.config.uapsd && s.phase !== "announcing") return serve(s, nowNs, false)
  return stayActive(s, nowNs)
}

/**
 * Its timer fired: doze after an idle spell (if nothing of its is in flight), wake to listen, or give
 * up waiting. `txInFlight`: the driver's frames are in the card's ring or on the air; `ownInFlight`:
 * the card's own power-save frames are (a doze null among them).
 */
export const timer = (s: PsState, token: number, nowNs: number, txInFlight: boolean, ownInFlight: boolean): PsStep => {
  if (token !== s.token || s.config === undefined) return none(s)
  switch (s.phase) {
    case "active": {
      const due = s.lastActivityNs + s.config.dynamicTimeoutNs
      // A frame sent or received since the timer was armed puts the doze a timeout after it, as
      // mac80211's re-arming of its dynamic_ps_timer on each unicast data frame does (tx.c
      // ieee80211_tx_h_dynamic_ps, rx.c ieee80211_rx_h_data). Frames still in flight at the due time
      // would carry PM=0 behind the doze announcement (which goes by AC_VO, past best effort's
      // queue): wait for them, as mac80211 does (drv_tx_frames_pending), looking again a fraction of
      // a timeout later.
      // An earlier doze null still waiting in the ring (a given-up announcement) counts too: another
      // would queue behind it, and both would go (drv_tx_frames_pending sees every queued frame).
      // No doze before a beacon of its AP was heard since power save began (mac80211's
      // `ieee80211_powersave_allowed` wants `have_beacon`): without its TBTTs it would wake at
      // random, and, waking for every 5th beacon, catch one about once in nine wake-ups (campaign
      // seed 593, case 167: a 20 ms timeout, shorter than a beacon interval, dozed before the first).
      if (nowNs < due || txInFlight || ownInFlight || s.beaconIntervalNs === 0) {
        return waitOn(s, nowNs < due ? due : nowNs + s.config.dynamicTimeoutNs / IN_FLIGHT_RECHECKS_PER_TIMEOUT)
      }
      return announce(s, nowNs)
    }
    case "announcing": {
      // Its null still waits in the ring or is on the air: its status will come (mac80211 waits for
      // the TX status of its nullfunc), so it waits on. Given up only when no word can come.
      if (!ownInFlight) return stayActive(s, nowNs) // no word of the announcement
      return waitOn(s, nowNs + s.config.dynamicTimeoutNs)
    }
    case "dozing": {
      const t = s.token + 1
      return { state: { ...s, phase: "listening", token: t }, actions: [{ _tag: "Timer", atNs: nowNs + WAKE_LEAD_NS + BEACON_WAIT_NS, token: t }] }
    }
    case "polling": // the answer did not come
    case "service": { // the service period's next frame did not come
      // Unless its PS-Poll or trigger has not gone yet (the radio was away, on a scan or another
      // channel): the exchange starts when it goes (a service period when the AP acknowledges the
      // trigger, 802.11-2016 11.2.3.5.2), and a station asleep by then would lose what the AP sends
      // it at once (campaign seed 561, case 99: a trigger held through a scan went out after the
      // service period's wait had run out). Under U-APSD its own data frames are triggers too.
      if (!ownInFlight && (s.phase === "polling" || !txInFlight)) return doze(s, nowNs)
      return waitOn(s, nowNs + (s.phase === "polling" ? PS_POLL_TIMEOUT_NS : UAPSD_SP_TIMEOUT_NS))
    }
    case "listening": // the beacon did not come
      return doze(s, nowNs)
  }
}

/**
 * A beacon of its AP, sent for `tbttNs`: a dozing vMAC whose TIM bit is set polls (U-APSD: sends a
 * trigger; with every AC delivery-enabled the AP sets the bit for them, 11.2.3.6); otherwise it dozes on.
 */
export const beacon = (s: PsState, tbttNs: number, intervalNs: number, buffered: boolean, nowNs: number): PsStep => {
  const heard: PsState = { ...s, tbttNs, beaconIntervalNs: intervalNs }
  if (s.config === undefined || !dozingAtAp(s) || s.phase === "polling" || s.phase === "service") return none(heard)
  if (!buffered) return s.phase === "listening" ? doze(heard, nowNs) : none(heard)
  return s.config.uapsd ? serve(heard, nowNs, true) : poll(heard, nowNs)
}

/** U-APSD: in a service period from now (after a trigger: a QoS Null it sends, or its data frame), awake until EOSP. */
const serve = (s: PsState, nowNs: number, sendTrigger: boolean): PsStep => {
  const token = s.token + 1
  const timer: PsAction = { _tag: "Timer", atNs: nowNs + UAPSD_SP_TIMEOUT_NS, token }
  return { state: { ...s, phase: "service", token }, actions: sendTrigger ? [{ _tag: "SendTrigger" }, timer] : [timer] }
}

const poll = (s: PsState, nowNs: number): PsStep => {
  const token = s.token + 1
  return {
    state: { ...s, phase: "polling", token },
    actions: [{ _tag: "SendPsPoll" }, { _tag: "Timer", atNs: nowNs + PS_POLL_TIMEOUT_NS, token }]
  }
}

/** A frame its AP released to it while it dozes: More Data means poll again; the last one, doze. */
export const released = (s: PsState, moreData: boolean, nowNs: number): PsStep => {
  if (s.phase !== "polling") return none(s)
  return moreData ? poll(s, nowNs) : doze(s, nowNs)
}

/**
 * U-APSD: a frame of its service period (data, or the AP's QoS Null). Not the last: it waits for the
 * next. The last (EOSP): it dozes — unless More Data says the AP holds more (it triggers again at
 * once: a modelling choice the standard allows, 11.2.3.5 lets a STA send a trigger whenever it is in
 * power save), or frames of its own are still on their way (each carries
 * PM=1 and will trigger a service period whose frames it must be awake for).
 */
export const serviceFrame = (s: PsState, eosp: boolean, moreData: boolean, nowNs: number, txInFlight: boolean): PsStep => {
  if (s.phase !== "service") return none(s)
  if (!eosp) return serve(s, nowNs, false)
  if (moreData) return serve(s, nowNs, true)
  if (txInFlight) return serve(s, nowNs, false)
  return doze(s, nowNs)
}
