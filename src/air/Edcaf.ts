/**
 * One channel-access function of a transmitter: its queue and its backoff state (contention window,
 * count, retries, the time its count may start). A station on a QoS (WMM) link has two, as a WMM
 * station has one EDCAF per access category (802.11-2016 10.22.2): AC_BE for its data, AC_VO for its
 * management, EAPOL and power-save frames (`goesByVoice`); a station without QoS has DCF's one
 * (10.3.4). An AP has a third, its beacon queue (`AIFSN_BEACON`, `BEACON_CW`), above the others. The
 * air contends with each on its own; a station's two whose counts run out in the same slot collide
 * inside it (10.22.2.4, `AirLogic.ts`). AC_VI and AC_BK carry nothing in the model (no frame has their
 * priority) and are left out.
 */
import type { Frame } from "../vocabulary/Frame.ts"
import { FrameKind, isNullData } from "../vocabulary/Frame.ts"
import { DOUBLE_FIELD_SEED, objectArray } from "../kernel/StableShapes.ts"
import { BEACON_CW, initialCw, nextCw } from "./Backoff.ts"
import type { Station } from "./Station.ts"
import { timingsFor } from "./Timing.ts"

export class Edcaf {
  readonly station: Station
  /** AC_VO's parameters (AIFSN 2, CW 3..7); else best effort's, or DCF's on a link without QoS (`aifsn`). */
  readonly voice: boolean
  /** An AP's beacon queue: CW 0 always (`BEACON_CW`). */
  readonly beacon: boolean
  /** Slots after SIFS before its backoff counts: AIFSN[AC] (EDCA), or 2 (DCF's DIFS). */
  readonly aifsn: number
  /** Its hardware TX queue. */
  readonly queue: Array<Frame> = objectArray()
  /** Backoff slots still to count down from `countFromNs`; −1 (none drawn yet, or reset) acts as a count run out. */
  backoffSlots = -1
  /** Whether it could send when the exchange now on the air began (the air's: one that could not, and can when it ends, draws). */
  readyAtExchangeStart = false
  // Times: doubles from the declaration (`DOUBLE_FIELD_SEED`), zero from the constructor.
  /**
   * When its backoff may count, as its station saw the medium's last busy time: AIFS[AC] after it, or
   * EIFS after a frame received in error, or AIFS[AC] after its station's AckTimeout when a frame went
   * unanswered (set by the air; 802.11-2016 10.3.2.3.7, 10.3.2.9, 10.22.2.4).
   */
  accessNs = DOUBLE_FIELD_SEED
  /** The slot boundary (of its own grid, from `accessNs`) from which `backoffSlots` count. */
  countFromNs = DOUBLE_FIELD_SEED
  cw: number
  /** Failed attempts of its head frame (its QSRC[AC], 10.22.2.2): on the air, or internal collisions lost. */
  retries = 0
  /** The receiver its last exchange went to (an AP's turn among its stations, `AirLogic.takeBurst`); −1 before any. */
  lastReceiver = -1

  constructor(station: Station, voice: boolean, aifsn: number, cw: number, beacon = false) {
    this.station = station
    this.voice = voice
    this.beacon = beacon
    this.aifsn = aifsn
    this.cw = cw
    this.accessNs = 0
    this.countFromNs = 0
  }
}

/** CW[AC] for a new frame, and after a success or a drop (`initialCw`); the beacon queue's stays 0. */
export const cwMinOf = (e: Edcaf): number => (e.beacon ? BEACON_CW : initialCw(timingsFor(e.station.phy), e.voice))

/** CW[AC] after a failed attempt or an internal collision lost (`nextCw`); the beacon queue's stays 0. */
export const cwAfterFailureOf = (e: Edcaf): number => (e.beacon ? BEACON_CW : nextCw(e.cw, timingsFor(e.station.phy), e.voice))

/**
 * Whether `f` goes by AC_VO on a QoS link, as mac80211 queues it (TID 7, AC_VO):
 * - management frames: `ieee80211_tx_skb` sends them at TID 7 (net/mac80211/ieee80211_i.h, "Send all
 *   internal mgmt frames on VO"); hostapd's go from an AP the same way;
 * - EAPOL-Key frames: control-port frames, priority 7 in `__ieee80211_select_queue` (net/mac80211/wme.c);
 * - a station's power-save frames: its null data (PM announcements, link probes) from
 *   `ieee80211_send_nullfunc` and its PS-Polls from `ieee80211_send_pspoll` (net/mac80211/mlme.c)
 *   through `ieee80211_tx_skb`; a QoS Null from `ieee80211_nullfunc_get` carries TID 7 and queue
 *   AC_VO (net/mac80211/tx.c);
 * - an AP's null answer to a PS-Poll or a U-APSD trigger that finds nothing held:
 *   `ieee80211_send_null_response` (net/mac80211/sta_info.c) queues it at TID 7 − 2·AC of the highest
 *   AC not ignored (`ieee80211_sta_ps_deliver_response`), AC_VO for the model's stations (legacy:
 *   none ignored; U-APSD: all four delivery-enabled).
 * Data with a body stays best effort. Beacons go by an AP's beacon queue (`Station.beacon`).
 */
export const goesByVoice = (f: Frame): boolean => {
  switch (f.kind) {
    case FrameKind.ProbeRequest:
    case FrameKind.ProbeResponse:
    case FrameKind.Auth:
    case FrameKind.AssocRequest:
    case FrameKind.AssocResponse:
    case FrameKind.Deauth:
    case FrameKind.Disassoc:
    case FrameKind.Eapol:
    case FrameKind.PsPoll:
    case FrameKind.QosNull:
      return true
    case FrameKind.Data:
      return isNullData(f)
    default:
      return false
  }
}
