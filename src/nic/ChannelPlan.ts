/**
 * Where the card's one radio goes: it serves one channel at a time, and when the vMACs that hold or
 * seek an association (or still have frames to send) are on several channels, it visits them in
 * turn, ascending, staying a dwell on each; a join under way holds it on its channel (`protectedJoin`).
 * Pure functions: the NIC actor owns the timing.
 */
import { BEACON_WAIT_NS, listenStepNs, needsRadioWhileDozing } from "./PowerSave.ts"
import type { PsState } from "./PowerSave.ts"
/**
 * Adds `channel` to `served`, the channels the radio must serve (ascending, without repeats),
 * unless it is there. A card serves a few channels, so a scan from the end beats a set and a sort:
 * the plan is asked for on every frame a vMAC hands the radio, and a set and a sort each time were
 * about 3% of a soak's allocations.
 */
export const addChannel = (served: Array<number>, channel: number): void => {
  let i = served.length
  while (i > 0 && served[i - 1]! > channel) i--
  if (i > 0 && served[i - 1] === channel) return
  if (i === served.length) served.push(channel)
  else served.splice(i, 0, channel)
}

/**
 * The channel to serve after `current`: the next one up in `served`, wrapping around; `current`
 * itself when it is the only one or nothing needs serving.
 */
export const nextChannel = (served: ReadonlyArray<number>, current: number): number => {
  if (served.length === 0) return current
  for (const c of served) if (c > current) return c
  return served[0]!
}

/** Whether the radio must leave `current`: another channel needs it and this one is not the only one. */
export const mustRotate = (served: ReadonlyArray<number>, current: number): boolean =>
  served.length > 1 || (served.length === 1 && served[0] !== current)

/**
 * How long a join holds the radio on its channel, at most, in ns: 300 TU. iwlmvm's session protection
 * (`iwl_mvm_protect_assoc`, drivers/net/wireless/intel/iwlwifi/mvm/mac80211.c, run from mac80211's
 * `drv_mgd_prepare_tx` before the authentication and the association request, net/mac80211/mlme.c)
 * asks the firmware for a 300 TU event of very high priority that is not fragmented, "enough for 99%
 * of the cases", then a longer one other activities may interrupt: the model keeps the first.
 */
export const JOIN_PROTECTION_NS = 300 * 1024 * 1000

/** What the plan needs of a vMAC's registers to see a join under way. */
export interface JoinView {
  readonly state: string
  readonly channel: number
  /** When its last join started (its `Authenticate`). */
  readonly joinStartedNs: number
}

/**
 * A join under way, whose session protection still holds: from authentication until the
 * association completes, and past it until the vMAC's first beacon from its AP unless its driver
 * knew that AP's beacon already (`beaconKnown`). mac80211 tells the driver the association and,
 * when it holds the BSS's beacon (`have_beacon`, from the scan), the beacon's information in the
 * same call (`ieee80211_set_associated`: BSS_CHANGED_ASSOC with BSS_CHANGED_BEACON_INFO,
 * net/mac80211/mlme.c); iwlmvm ends the session protection on BSS_CHANGED_BEACON_INFO
 * (`iwl_mvm_bss_info_changed_station`, drivers/net/wireless/intel/iwlwifi/mvm/mac80211.c), and
 * protects the association again until that first beacon when it does not know it yet. The 4-way
 * handshake is not protected as such: it runs in the channel's share of the radio (iwlmld's
 * session-protect.h: once associated, the firmware gives the channel its time without one).
 */
export const joining = (v: JoinView, beaconKnown: boolean): boolean =>
  v.state === "authenticating" || v.state === "authenticated" || v.state === "associating" ||
  (v.state === "associated" && !beaconKnown)

/**
 * The join that holds the radio at `nowNs`, or undefined: of the joins under way whose protection
 * (`JOIN_PROTECTION_NS` from their start) has not run out, the one that started first (the firmware
 * serves one protected session at a time, in the order asked). `beaconKnown[i]`: whether vMAC i's
 * driver knows its AP's beacon (`joining`). `untilNs`: when its protection ends.
 */
export const protectedJoin = (
  vmacs: ReadonlyArray<JoinView>,
  beaconKnown: ReadonlyArray<boolean>,
  nowNs: number
): { readonly channel: number; readonly untilNs: number } | undefined => {
  let first: JoinView | undefined
  for (let i = 0; i < vmacs.length; i++) {
    const v = vmacs[i]!
    if (!joining(v, beaconKnown[i] === true) || nowNs >= v.joinStartedNs + JOIN_PROTECTION_NS) continue
    if (first === undefined || v.joinStartedNs < first.joinStartedNs) first = v
  }
  return first === undefined ? undefined : { channel: first.channel, untilNs: first.joinStartedNs + JOIN_PROTECTION_NS }
}

/** What the plan needs of a vMAC's power save to see it wake for a beacon. */
export interface WakeView {
  readonly state: string
  readonly channel: number
  readonly ps: Pick<PsState, "phase" | "token" | "beaconIntervalNs" | "config">
  /** When a dozing vMAC wakes for its beacon. */
  readonly wakeAtNs: number
}

/**
 * The longest departure the radio plans by, in ns (`wakesWithin`): a departure measured longer than
 * the beacon wait of the vMAC it goes for (`PowerSave.BEACON_WAIT_NS`) waited on something the next
 * one will not (the retries of a burst already on the air), and planning by it would hold the radio
 * idle on the other channel for longer than the vMAC listens there. Modelling choice.
 */
export const DEPARTURE_LEAD_MAX_NS = BEACON_WAIT_NS

/**
 * How many of its last departures from a channel the radio plans by (`noteDeparture`). Modelling
 * choice: a departure waits for whatever is on the air when it starts (an A-MPDU of the AP's takes
 * up to 4.1 ms, `AccessPoint.ts`), so the last one alone, as ath9k keeps, is a poor guess of the
 * next; with the longest of the last eight, the radio behind an AP's saturated download reached its
 * dozing vMAC's channel in time for 96 of 98 beacons, against 92 with the last one alone
 * (`test/model/BeaconWake.test.ts`).
 */
export const DEPARTURES_KEPT = 8

/** Notes a departure of `ns` among the `recent` ones from its channel (the last `DEPARTURES_KEPT`, each at most `DEPARTURE_LEAD_MAX_NS`). */
export const noteDeparture = (recent: Array<number>, ns: number): void => {
  if (recent.length === DEPARTURES_KEPT) recent.shift()
  recent.push(Math.min(ns, DEPARTURE_LEAD_MAX_NS))
}

/** The lead the radio plans by on a channel it left `recent` times lately: the longest of them (0: none). */
export const departureLeadNs = (recent: ReadonlyArray<number> | undefined): number => {
  let lead = 0
  if (recent !== undefined) for (const d of recent) if (d > lead) lead = d
  return lead
}

/**
 * Whether a dozing vMAC wakes for its beacon within `leadNs` of `nowNs`, the time the radio may take
 * to leave its channel (`noteDeparture`; 0 when it never left it): the radio sets off for it now, to
 * be on its channel when it wakes. ath9k's channel scheduler does the same: it measures how long a
 * switch took, stopping the queues, flushing them and sending the doze nulls included
 * (`channel_switch_time` in `ath_chanctx_set_next`), and arms the timer for the next switch that much
 * early (`ATH_CHANCTX_EVENT_SWITCH` in `ath_chanctx_event`, drivers/net/wireless/ath/ath9k/channel.c).
 * Without it the radio left only when the vMAC woke, 1.58 ms before its TBTT (`PowerSave.WAKE_LEAD_NS`),
 * and the doze null of a vMAC on a channel whose AP sent it A-MPDUs back to back took 2 to 7 ms to go
 * out: the radio reached the vMAC's channel after its beacon at every wake-up for 2 s (campaign seed
 * 747, case 70).
 */
export const wakesWithin = (v: WakeView, nowNs: number, leadNs: number): boolean =>
  leadNs > 0 && v.ps.phase === "dozing" && v.wakeAtNs >= nowNs && v.wakeAtNs - nowNs <= leadNs

/**
 * Wake-ups for a beacon a dozing vMAC may miss in a row before its next one takes the radio from a
 * poll or a service period on another channel (a rule of the model's): back-to-back service periods
 * of a station that saturates its uplink in U-APSD (each frame it sends is a trigger) would otherwise
 * hold the radio for good.
 */
export const WAKES_MISSED_BEFORE_PREEMPTING = 2

/**
 * Whether vMAC `v`, which heard its beacon at `heardNs` (−1: never), has missed its last
 * `WAKES_MISSED_BEFORE_PREEMPTING` wake-ups by `nowNs` (a wake-up starts a little before its TBTT:
 * the half interval of slack keeps that lead from counting).
 */
export const starvedOfBeacons = (v: WakeView, heardNs: number, nowNs: number): boolean => {
  return heardNs < 0 || nowNs - heardNs > (WAKES_MISSED_BEFORE_PREEMPTING + 0.5) * listenStepNs(v.ps)
}

/**
 * Which dozing vMAC the radio must go to now for the beacon it woke to hear, or −1. A card that
 * serves several channels keeps each associated station's beacons: ath9k's multi-channel scheduler
 * waits on each channel context for its station's beacon and times its switches from the TBTT
 * (`ATH_CHANCTX_STATE_WAIT_FOR_BEACON`, `ath_chanctx_adjust_tbtt_delta`, drivers/net/wireless/ath/ath9k/channel.c).
 * Without it a dozing vMAC, whose channel the rotation leaves out (`Radio.servedChannels`), got the radio
 * only when a dwell happened to end in its listening window, and a dwell of one beacon interval
 * could miss it for good.
 *
 * - A vMAC elsewhere that listens (`PsPhase` "listening"), or dozes and wakes within `leadNs`, the
 *   time the radio takes to leave its channel (`wakesWithin`), gets one visit per wake-up:
 *   `visited[i]` is the power-save token of vMAC i's wake-up the radio already served, so a rotation
 *   that took the radio away before the beacon does not bring it back, and the radio does not bounce
 *   between channels.
 * - The radio stays while a vMAC on its channel polls or is in a service period (leaving would lose
 *   what its AP sends it), unless the vMAC elsewhere missed its last two wake-ups
 *   (`starvedOfBeacons`): then it goes, and the poll or the service period is cut short.
 * - Two wake-ups at once on two channels (their APs' TBTTs close): the radio serves the vMAC that
 *   heard its beacon longest ago (`heardNs[i]`, −1: never), the other misses this one and wins the
 *   next, so neither loses every beacon (a rule of the model's; ath9k's scheduler gives each context
 *   its share of each beacon interval). Ties go to the radio's channel, then to the lower vMAC index.
 *   A vMAC on the radio's channel counts when it listens, or when it is `awaited`: the vMAC the radio
 *   came to this channel for ahead of its wake-up.
 */
export const beaconWakeVmac = (
  vmacs: ReadonlyArray<WakeView>,
  visited: ReadonlyArray<number>,
  heardNs: ReadonlyArray<number>,
  current: number,
  nowNs: number,
  leadNs: number,
  awaited: number
): number => {
  let hereHeardNs = Infinity
  let held = false
  let best = -1
  for (let i = 0; i < vmacs.length; i++) {
    const v = vmacs[i]!
    if (v.state !== "associated") continue
    const phase = v.ps.phase
    if (v.channel === current) {
      if (phase === "polling" || phase === "service") held = true
      else if (phase === "listening" || i === awaited) hereHeardNs = Math.min(hereHeardNs, heardNs[i]!)
    } else if (
      (phase === "listening" || wakesWithin(v, nowNs, leadNs)) && visited[i] !== v.ps.token &&
      (best < 0 || heardNs[i]! < heardNs[best]!)
    ) {
      best = i
    }
  }
  if (best < 0 || (held && !starvedOfBeacons(vmacs[best]!, heardNs[best]!, nowNs))) return -1
  return heardNs[best]! < hereHeardNs ? best : -1
}

/** Whether an associated vMAC on `channel` is in a power-save phase `wanted` accepts. */
const someOn = (vmacs: ReadonlyArray<WakeView>, channel: number, wanted: (ps: WakeView["ps"]) => boolean): boolean => {
  for (const v of vmacs) if (v.state === "associated" && v.channel === channel && wanted(v.ps)) return true
  return false
}

const isListening = (ps: WakeView["ps"]): boolean => ps.phase === "listening"

/** Whether a dozing vMAC on `channel` needs the radio there now: listening for its beacon, polling, or in a service period. */
export const holdsRadioDozing = (vmacs: ReadonlyArray<WakeView>, channel: number): boolean => someOn(vmacs, channel, needsRadioWhileDozing)

/**
 * Whether a dozing vMAC on `channel` is listening for its beacon there now: the rotation's dwell,
 * ending meanwhile, waits for it (a wait of at most `BEACON_WAIT_NS`), as ath9k's scheduler waits on
 * a channel context for its station's beacon (`ATH_CHANCTX_STATE_WAIT_FOR_BEACON`). Leaving then
 * lost the beacon, and the wake-up, once visited, was not served again: with a dwell as long as the
 * beacon interval the two kept their phase, and a vMAC missed every beacon (campaign seed 353, case
 * 199: 3.5 s without a frame for two VMs whose APs buffered for them).
 */
export const listeningOn = (vmacs: ReadonlyArray<WakeView>, channel: number): boolean => someOn(vmacs, channel, isListening)

/** Notes, in `visited`, the wake-ups of the vMACs listening on `current`, where the radio serves them now. */
export const noteBeaconWakeVisits = (vmacs: ReadonlyArray<WakeView>, visited: Array<number>, current: number): void => {
  for (let i = 0; i < vmacs.length; i++) {
    const v = vmacs[i]!
    if (v.state === "associated" && v.channel === current && v.ps.phase === "listening") visited[i] = v.ps.token
  }
}

/** What `wakeElsewhereNs` reads of a vMAC. */
export interface DozeView {
  readonly state: string
  readonly channel: number
  readonly ps: Pick<PsState, "phase">
  readonly wakeAtNs: number
}

/**
 * The earliest wake-up for a beacon of a vMAC dozing on a channel other than `current`, or Infinity.
 * The radio serving `current` starts no exchange that would still be on the air then (`Radio.pump`):
 * a card that time-shares channels times its switch from the TBTTs of the stations it keeps, stopping
 * its queues ahead of it (ath9k's channel contexts arm a TSF timer for the switch, then stop the
 * context's queues and flush them before the doze nulls: `ath_chanctx_event`, `ath_chanctx_set_next`,
 * drivers/net/wireless/ath/ath9k/channel.c). Without it the wake-up found the radio in the middle of
 * an A-MPDU on the other channel, and the radio reached the vMAC's channel after its beacon: behind a
 * saturated uplink every time, until its AP, hearing nothing of it for 5 s, dropped it (campaign
 * seed 520, case 138).
 */
export const wakeElsewhereNs = (vmacs: ReadonlyArray<DozeView>, current: number, nowNs: number): number => {
  let earliest = Infinity
  for (const v of vmacs) {
    // A wake-up already past belongs to a vMAC whose firmware hangs: it holds nothing.
    if (v.state === "associated" && v.channel !== current && v.ps.phase === "dozing" && v.wakeAtNs >= nowNs && v.wakeAtNs < earliest) earliest = v.wakeAtNs
  }
  return earliest
}
