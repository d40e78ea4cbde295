/**
 * The card's programming interface, as the guest's native WiFi driver writes it: the same for the
 * real card (passthrough, native) and for the virtual card a device model exposes. These are the
 * trust boundary: a device model decodes each one with its Schema once, then checks it against
 * what the VM owns (`CommandCheck.ts`).
 *
 * Addresses are 48-bit MACs as numbers; `vmac` is the index of a MAC on the card as the guest
 * sees it (a virtual card has one: index 0).
 */
import * as Schema from "effect/Schema"
import type { Subscription } from "./Frame.ts"
import { MAX_OFFERED_MBPS, MAX_TCP_MSS_BYTES, MAX_UDP_PAYLOAD_BYTES, MIN_TCP_MSS_BYTES, MIN_UDP_PAYLOAD_BYTES } from "./FlowLimits.ts"

const Mac = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 0xffffffffffff }))
const Channel = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 165 }))
const VmacIndex = Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 63 }))

/** Read the PCI configuration header (vendor and device IDs): what a driver's probe does first. */
export class ReadPciConfig extends Schema.TaggedClass<ReadPciConfig>()("ReadPciConfig", {}) {}

/** Bring the card up: the driver asks for a MAC (a vMAC, on a virtual card). */
export class InitCard extends Schema.TaggedClass<InitCard>()("InitCard", {}) {}

/** Scan these channels and report the APs heard. */
export class StartScan extends Schema.TaggedClass<StartScan>()("StartScan", {
  vmac: VmacIndex,
  channels: Schema.Array(Channel).check(Schema.isMinLength(1), Schema.isMaxLength(32))
}) {}

/** Open-system authentication with an AP. */
export class Authenticate extends Schema.TaggedClass<Authenticate>()("Authenticate", {
  vmac: VmacIndex,
  bssid: Mac,
  channel: Channel
}) {}

/**
 * U-APSD's Max SP Length as the QoS Info field encodes it (802.11-2016 9.4.1.17): the most frames a
 * service period brings, 0 meaning all the AP holds.
 */
export const MaxSpLength = Schema.Literals([0, 2, 4, 6])
/**
 * mac80211's Max SP Length when none is set: all (`IEEE80211_DEFAULT_MAX_SP_LEN`, net/mac80211/ieee80211_i.h,
 * `IEEE80211_WMM_IE_STA_QOSINFO_SP_ALL`). U-APSD came to mac80211 in Linux 2.6.34, after the seed's 2.6.33.
 */
export const UAPSD_MAX_SP_LENGTH_DEFAULT = 0

/** A listen interval: beacons between the ones a dozing station wakes for, 1..100 (the scenario's bounds). */
export const ListenInterval = Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 100 }))

/**
 * Associate with an AP; the passphrase stands in for the WPA2-PSK 4-way handshake. `uapsdMaxSpLength`:
 * ask for U-APSD (its access category trigger- and delivery-enabled) with that Max SP Length, as
 * mac80211 sets the QoS Info of the WMM Information element from `uapsd_queues` and `uapsd_max_sp_len`.
 * `listenInterval`: the Listen Interval the request announces (802.11-2016 9.4.1.6), as mac80211 takes
 * it from its configuration; absent: 1.
 * `beaconKnown`: the driver holds a beacon of this AP already (mac80211's `have_beacon`), so the
 * join's session protection ends as the association completes; absent or false, it lasts until the
 * first beacon heard after it (`ChannelPlan.joining`).
 */
export class Associate extends Schema.TaggedClass<Associate>()("Associate", {
  vmac: VmacIndex,
  bssid: Mac,
  ssid: Schema.String.check(Schema.isMaxLength(32)),
  passphrase: Schema.optionalKey(Schema.String.check(Schema.isMaxLength(63))),
  uapsdMaxSpLength: Schema.optionalKey(MaxSpLength),
  listenInterval: Schema.optionalKey(ListenInterval),
  beaconKnown: Schema.optionalKey(Schema.Boolean)
}) {}

/**
 * Stages in a retry chain at most: 4, the chain Linux 2.6.33's Minstrel fills (rc80211_minstrel.c,
 * minstrel_get_rate; mac80211's IEEE80211_TX_MAX_RATES was 5 then, 4 in later kernels).
 */
export const MAX_RETRY_CHAIN_STAGES = 4
/**
 * Attempts of one frame over a whole retry chain at most: LINK_QUAL_MAX_RETRY_NUM, 16, the entries
 * of the 5300's link-quality table, one attempt each (Linux 2.6.33 drivers/net/wireless/iwlwifi/iwl-commands.h).
 */
export const MAX_RETRY_CHAIN_ATTEMPTS = 16

/** One stage of a retry chain: an index of the card's rate ladder, and attempts at it (1..16). */
export const ChainEntry = Schema.Struct({
  rateIndex: Schema.Int,
  tries: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: MAX_RETRY_CHAIN_ATTEMPTS }))
})
export type ChainEntry = typeof ChainEntry.Type

/**
 * Rate control: transmit at this index of the card's rate ladder. With `chain` (1..4 stages, the
 * first at `rateIndex`, 16 attempts in all at most), a frame's attempts go by that multi-rate retry
 * chain; without, every attempt at `rateIndex` (the standard's retry limit).
 */
export class SetRate extends Schema.TaggedClass<SetRate>()("SetRate", {
  vmac: VmacIndex,
  rateIndex: Schema.Int,
  chain: Schema.optionalKey(Schema.Array(ChainEntry).check(Schema.isMinLength(1), Schema.isMaxLength(MAX_RETRY_CHAIN_STAGES)))
}) {}

/**
 * Connection-quality monitoring (nl80211's CQM RSSI): report when the average beacon signal of the AP
 * is past `thresholdDbm`, and again each time it moves more than `hysteresisDb` beyond the last
 * report (`BeaconSignal.ts`). wpa_supplicant's background scan asks for it to learn when to look for
 * a better AP.
 */
export class MonitorSignal extends Schema.TaggedClass<MonitorSignal>()("MonitorSignal", {
  vmac: VmacIndex,
  thresholdDbm: Schema.Int.check(Schema.isBetween({ minimum: -120, maximum: 0 })),
  hysteresisDb: Schema.Int.check(Schema.isBetween({ minimum: 0, maximum: 30 }))
}) {}

/**
 * Power save (802.11-2016 11.2.3): "off" keeps the vMAC awake; "legacy" lets the card's firmware doze
 * after `dynamicTimeoutMs` without traffic, wake for every `listenInterval`-th beacon and fetch
 * buffered frames with PS-Polls (iwlwifi hands the 5300's firmware a power table the same way);
 * "uapsd" fetches them with U-APSD trigger frames instead (11.2.3.5), if the association asked for
 * it (`Associate.uapsdMaxSpLength`), legacy otherwise.
 */
export class SetPowerSave extends Schema.TaggedClass<SetPowerSave>()("SetPowerSave", {
  vmac: VmacIndex,
  mode: Schema.Literals(["off", "legacy", "uapsd"]),
  listenInterval: ListenInterval,
  dynamicTimeoutMs: Schema.Number.check(Schema.isBetween({ minimum: 1, maximum: 60_000 }))
}) {}

/** Leave the AP. */
export class Disassociate extends Schema.TaggedClass<Disassociate>()("Disassociate", {
  vmac: VmacIndex
}) {}

/**
 * A TX descriptor the driver wrote into guest memory: where the packet is (guest-physical address)
 * and its 802.11 addressing. Checked per packet at the boundary (`CommandCheck.checkDescriptor`).
 */
export interface TxDescriptor {
  readonly dmaAddress: number
  readonly length: number
  readonly src: number
  readonly dst: number
  /** Payload kind and flow sequence (see `Frame`). */
  readonly payload: number
  readonly seq: number
  readonly createdNs: number
  /** A TCP segment's or ACK's echoed timestamp (`Frame.echoNs`), -1 for none: packet content the card carries, not reads. */
  readonly echoNs: number
  /** Packet content of a `Subscribe` request (which downlink flow the endpoint should start). */
  readonly subscribe?: Subscription
  /** Packet content of a TCP ACK's SACK option: its blocks as flat segment ranges (`Frame.sack`). */
  readonly sack?: ReadonlyArray<number>
  /** Packet content of a TCP ACK: the window it offers, segments (`Frame.tcpWindow`). */
  readonly window?: number
}

/**
 * A `Subscribe` packet's request, as the endpoint may take it from a guest: the same bounds as a
 * scenario's flows (`FlowLimits.ts`). Decoded once per such packet at the boundary, into a fresh
 * object of these fields alone (the guest's object, and any other key on it, stay behind).
 */
const OfferedMbps = Schema.Union([Schema.Literal("saturate"), Schema.Number.check(Schema.isGreaterThan(0), Schema.isLessThanOrEqualTo(MAX_OFFERED_MBPS))])

export const SubscriptionSchema = Schema.Union([
  Schema.Struct({
    protocol: Schema.Literal("udp"),
    offeredMbps: OfferedMbps,
    payloadBytes: Schema.Int.check(Schema.isBetween({ minimum: MIN_UDP_PAYLOAD_BYTES, maximum: MAX_UDP_PAYLOAD_BYTES }))
  }),
  Schema.Struct({
    protocol: Schema.Literal("tcp"),
    offeredMbps: OfferedMbps,
    payloadBytes: Schema.Int.check(Schema.isBetween({ minimum: MIN_TCP_MSS_BYTES, maximum: MAX_TCP_MSS_BYTES }))
  })
])

/** The TX doorbell: "new descriptors up to here". Carries the descriptors the card will read. */
export class TxDoorbell extends Schema.TaggedClass<TxDoorbell>()("TxDoorbell", {
  vmac: VmacIndex,
  count: Schema.Int.check(Schema.isBetween({ minimum: 1, maximum: 256 }))
}) {}

/** Every command a guest can write. */
export const CardCommand = Schema.Union([ReadPciConfig, InitCard, StartScan, Authenticate, Associate, SetRate, SetPowerSave, Disassociate, TxDoorbell, MonitorSignal])
export type CardCommand = typeof CardCommand.Type
