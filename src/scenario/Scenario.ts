/**
 * The scenario: one Schema-typed description of what to simulate — host, card, access points, VMs,
 * their traffic, the mode and the virtualization switches.
 *
 * Every field is optional in the encoded (JSON) form; decoding fills the defaults, and the defaults
 * reproduce the seed's setup: one core of a 2.53 GHz Core2 Duo, an Intel WiFi 5300 with 4 vMACs on
 * 802.11g at 54 Mbps, one AP ("lab", standing in for the Cisco WAP410N), and one VM running UDP TX
 * under Virtual WiFi. Each field's `description` annotation gives its unit, its default and, where
 * the seed fixes it, the default's source.
 *
 * Decode with `decodeScenario` (ScenarioLoad.ts), which adds the cross-field checks of
 * ScenarioCheck.ts and rejects unknown fields; the bare schema ignores unknown fields unless told
 * otherwise (`onExcessProperty: "error"`).
 *
 * ```ts
 * import { decodeScenario } from "./ScenarioLoad.ts"
 * const scenario = yield* decodeScenario({ card: { vmacs: 2 }, vms: [{ name: "a", ssid: "lab", passphrase: "vwifi-lab-key" }] })
 * ```
 */
import * as Schema from "effect/Schema"
import * as SchemaGetter from "effect/SchemaGetter"
import { Channel, defaulted, intBetween, MacAddress, numberBetween, Passphrase, positiveUpTo, Ssid, VmName } from "./SchemaParts.ts"
import { MAX_DURATION_SECONDS } from "./InputBounds.ts"
import { FaultSchedule } from "./FaultSchedule.ts"
import { EnvironmentSpec, PositionSpec, RoamingSpec, txPowerField, WalkSpec } from "./RadioEnvironmentSpec.ts"
import { CardPowerSpec, DtimPeriod, PowerSaveSpec } from "./PowerSaveSpec.ts"
import { MAX_OFFERED_MBPS, MAX_TCP_MSS_BYTES, MAX_UDP_PAYLOAD_BYTES, MIN_TCP_MSS_BYTES, MIN_UDP_PAYLOAD_BYTES } from "../vocabulary/FlowLimits.ts"

// ---------------------------------------------------------------------------------------------
// Host
// ---------------------------------------------------------------------------------------------

/** The host machine: its one CPU core, and where it is (the laptop; every VM on its card shares its position). */
export const HostSpec = Schema.Struct({
  cpuGhz: defaulted(
    numberBetween(0.1, 10),
    2.53,
    "Clock of the host's core, in GHz; every CPU cost in cycles is divided by it. " +
      "Default 2.53 (seed: one core of a 2.53 GHz Core2 Duo, HP EliteBook 6930p)."
  ),
  cores: defaulted(
    Schema.Literal(1).annotate({ message: "the model has exactly one CPU core (seed: one core used); cores must be 1" }),
    1,
    "Number of CPU cores. Only 1: the model serializes all host and guest work on one core, as the seed's " +
      "measurements did. Default 1 (seed: one core used)."
  ),
  position: defaulted(
    PositionSpec,
    { x: 0, y: 0 },
    "Where the host (its card) starts on the floor plan, { x, y } in m. Default { x: 0, y: 0 }. Matters only for APs with a position."
  ),
  walk: defaulted(
    WalkSpec,
    {},
    "How the host moves: waypoints from its position, a speed, a loop. Default { waypoints: [], speedMps: 1.4, loop: false } (it stays put)."
  )
})
export type HostSpec = typeof HostSpec.Type

// ---------------------------------------------------------------------------------------------
// Card
// ---------------------------------------------------------------------------------------------

/** ERP-OFDM data rates, Mbps (802.11-2016 Table 17-4). */
export const ErpRates = [6, 9, 12, 18, 24, 36, 48, 54] as const

/** 802.11g (ERP-OFDM) at one fixed data rate. */
export const ErpPhySettings = Schema.Struct({
  standard: Schema.Literal("802.11g").annotate({ description: "PHY standard: \"802.11g\" (ERP-OFDM, 2.4 GHz)." }),
  rateMbps: defaulted(
    Schema.Literals(ErpRates),
    54,
    "Data rate in Mbps, one of 6, 9, 12, 18, 24, 36, 48, 54 (the highest a rate control other than \"fixed\" uses). " +
      "Default 54 (seed: 802.11g, ~50 Mbps)."
  )
})

/** 802.11n (HT) at one MCS, channel width and guard interval. */
export const HtPhySettings = Schema.Struct({
  standard: Schema.Literal("802.11n").annotate({ description: "PHY standard: \"802.11n\" (HT, modelled in 2.4 GHz)." }),
  mcs: defaulted(
    intBetween(0, 23),
    15,
    "HT MCS index 0..23: 0–7 one spatial stream, 8–15 two, 16–23 three (the 5300 is 3x3). " +
      "Default 15 (two streams of 64-QAM 5/6)."
  ),
  channelWidthMhz: defaulted(
    Schema.Literals([20, 40]),
    40,
    "Channel width in MHz: 20 or 40 (HT40 bonds the primary channel with one 4 channels away). Default 40."
  ),
  guardInterval: defaulted(
    Schema.Literals(["long", "short"]),
    "short",
    "Guard interval: \"long\" (800 ns) or \"short\" (400 ns). Default \"short\"."
  )
})

/** The card's PHY, tagged by `standard`. Its decoded type is assignable to air/PhyConfig.ts's `PhyConfig`. */
export const PhySettings = Schema.Union([ErpPhySettings, HtPhySettings]).annotate({
  description: "The PHY the card and the APs use, tagged by standard: \"802.11g\" or \"802.11n\"."
})
export type PhySettings = typeof PhySettings.Type

/** `card.channelDwellMs` by default: one beacon interval of 100 TU (vwifi's choice, the seed does not say). */
export const DEFAULT_CHANNEL_DWELL_MS = 102.4

/** `card.vmacs` by default (vwifi's choice; see its description). */
export const DEFAULT_VMACS = 4

/** The physical WiFi card. */
export const CardSpec = Schema.Struct({
  vmacs: defaulted(
    intBetween(1, 16),
    DEFAULT_VMACS,
    "Number of virtual MACs K the card exposes: at most K VMs hold an association at once; in virtual-wifi " +
      "mode a VM beyond K fails its init with a typed error. Default 4 (vwifi's choice; the seed's 5300 " +
      "supports several vMACs, as in Intel MyWiFi, but does not give the count)."
  ),
  channel: defaulted(
    Channel,
    6,
    "The radio's home channel, 1..165: 802.11g takes 1..13; 802.11n those and the 5 GHz ones of Annex E (36–64, 100–144, 149–165, every fourth). Default 6 " +
      "(vwifi's choice; the seed does not give the channel)."
  ),
  phy: defaulted(
    PhySettings,
    { standard: "802.11g" },
    "PHY settings, tagged by standard. Default { standard: \"802.11g\", rateMbps: 54 } " +
      "(seed: Intel WiFi 5300 AGN with a Cisco WAP410N, measured at 802.11g, ~50 Mbps)."
  ),
  rateControl: defaulted(
    Schema.Literals(["fixed", "minstrel", "arf", "aarf"]),
    "fixed",
    "Rate control each guest's native driver runs, writing its VM's multi-rate retry chain to the card by rate " +
      "commands; the PHY's rate (rateMbps, or the mcs's position among its stream count's eight) is the highest it uses. " +
      "\"fixed\": every frame at the PHY's rate, at most 7 transmissions (dot11ShortRetryLimit), no rate command. \"minstrel\": Minstrel on 802.11g, " +
      "Minstrel-HT on 802.11n (Linux mac80211 rc80211_minstrel.c / rc80211_minstrel_ht.c: 100 ms stats interval, " +
      "EWMA 75%, 10% sampling, chain best/second/most robust/lowest). \"arf\": auto rate fallback (Kamerman & " +
      "Monteban 1997: up after 10 successes or 15 transmissions, down after 2 failures). \"aarf\": adaptive ARF " +
      "(Lacage, Manshaei & Turletti 2004: a failed probe doubles the success threshold, up to 60). The APs run the same for what they " +
      "send unless aps[].rateControl says otherwise. Default \"fixed\"."
  ),
  txScheduler: defaulted(
    Schema.Literals(["round-robin", "fifo"]),
    "round-robin",
    "How the card's one transmitter picks the next vMAC to send for: \"round-robin\" (backlogged vMACs take " +
      "turns, burst by burst) or \"fifo\" (bursts in the order the vMACs offered them). Default \"round-robin\"."
  ),
  ampduFramesMax: defaulted(
    intBetween(1, 64),
    31,
    "802.11n: MPDUs per A-MPDU the card sends at most (also bounded by the receiver's BlockAck window, 65,535 " +
      "bytes and the PPDU's length), 1..64. Default 31: iwlagn, the Intel 5300's driver in the seed's Linux 2.6.33, " +
      "gives the card LINK_QUAL_AGG_FRAME_LIMIT_DEF, 31 (iwl-commands.h; its _MAX is 63, the default in later kernels)."
  ),
  ampduTimeLimitUs: defaulted(
    intBetween(100, 8000),
    4000,
    "802.11n: an A-MPDU's airtime at most, in µs, 100..8000. Default 4000 (iwlwifi's LINK_QUAL_AGG_TIME_LIMIT_DEF)."
  ),
  qos: defaulted(
    Schema.Boolean,
    true,
    "WMM on the card's links (its APs speak it too): QoS data frames (2 more header bytes) and EDCA's best-effort " +
      "access category (AIFSN 3, CWmin 15, CWmax 1023; 802.11-2016 Table 9-137) instead of plain DCF (DIFS, AIFSN 2). " +
      "Default true (seed: the Intel 5300 with iwlagn and the Cisco WAP410N, an 802.11n AP, both speak WMM, which 802.11n requires)."
  ),
  channelDwellMs: defaulted(
    numberBetween(1, 10_000),
    DEFAULT_CHANNEL_DWELL_MS,
    "When the VMs' APs are on different channels, the card's one radio visits them in turn and stays this long " +
      "on each, in ms. Default 102.4 (one beacon interval of 100 TU, so each visit can hear a beacon; vwifi's " +
      "choice, the seed does not say)."
  ),
  noiseFloorDbm: defaulted(
    numberBetween(-130, -50),
    -95,
    "Receiver noise floor in dBm, over 20 MHz, of the card and of the APs; SNR = signal − noise floor decides frame " +
      "loss at a rate. Default -95 (Linux ath9k's default noise floor; an estimate of a typical card, 9 dB better " +
      "than the standard's minimum sensitivities: src/air/LossModel.ts)."
  ),
  txPowerDbm: txPowerField("the card"),
  power: CardPowerSpec
})
export type CardSpec = typeof CardSpec.Type

// ---------------------------------------------------------------------------------------------
// Access points
// ---------------------------------------------------------------------------------------------

/** An AP's security: open, or WPA2-PSK with its passphrase. */
export const SecuritySpec = Schema.Union([
  Schema.Struct({
    kind: Schema.Literal("open").annotate({ description: "No authentication or encryption." })
  }),
  Schema.Struct({
    kind: Schema.Literal("wpa2-psk").annotate({ description: "WPA2 with a pre-shared key." }),
    passphrase: Passphrase.annotate({ description: "The network's passphrase, 8 to 63 characters." })
  })
]).annotate({ description: "Security, tagged by kind: \"open\" or \"wpa2-psk\"." })
export type SecuritySpec = typeof SecuritySpec.Type

/** The wired host behind an AP: the peer of the throughput and ping benchmarks (seed: the Chariot endpoint). */
/** `aps[].endpoint.wiredLatencyUs`'s default: a LAN (see its description). */
export const DEFAULT_WIRED_LATENCY_US = 100

/** `aps[].blockAckWindow`'s default: the largest an HT BlockAck covers (see its description). */
export const DEFAULT_BLOCK_ACK_WINDOW = 64

export const EndpointSpec = Schema.Struct({
  wiredLatencyUs: defaulted(
    numberBetween(0, 1_000_000),
    DEFAULT_WIRED_LATENCY_US,
    "One-way latency between the AP and its wired endpoint, in µs, 0..1000000 (one second). Default 100: an " +
      "estimate, half of the 200 µs round trip at the low end of what Rumble et al. give for a LAN of commodity " +
      "Ethernet switches and kernel network stacks (\"It's Time for Low Latency\", HotOS 2011: 200–500 µs); the " +
      "seed does not give its wired side."
  ),
  wiredRateMbps: defaulted(
    numberBetween(1, 100_000),
    1000,
    "Rate of the wired link behind the AP, in Mbps, 1..100000: each direction serializes every packet in Ethernet's " +
      "framing at this rate, behind a queue of 1000 packets (ap/WiredLink.ts); at 1 Mbps a full queue drains in 12.3 s, " +
      "within the 15 s a frame may live. Default 1000 (gigabit Ethernet)."
  )
})
export type EndpointSpec = typeof EndpointSpec.Type

/** The default security of an AP, and the default passphrase of the default VM. */
export const DEFAULT_PASSPHRASE = "vwifi-lab-key"

/** One access point and the wired endpoint behind it. */
export const ApSpec = Schema.Struct({
  ssid: Ssid.annotate({
    description: "The network name, 1 to 32 bytes. Required. APs may share one (an ESS, among whose APs a VM roams); they then share its security."
  }),
  bssid: MacAddress.annotate({
    description: "The AP's MAC address \"aa:bb:cc:dd:ee:ff\" (decoded to lower case). Required; unique among the APs."
  }),
  channel: Schema.optionalKey(Channel).annotate({
    description: "The AP's channel, 1..165. Default: the card's channel (filled when the scenario is decoded). " +
      "An AP on another channel is found by scanning, if its channel is in driver.scanChannels."
  }),
  signalDbm: Schema.optionalKey(numberBetween(-100, -10)).annotate({
    description: "A fixed signal strength of the AP at the card (and of the card at the AP), in dBm, -100..-10, for an AP " +
      "without a position. Default -50 when the AP has no position (a strong link: the seed's laptop sat near its AP); " +
      "give position or signalDbm, not both."
  }),
  position: Schema.optionalKey(PositionSpec).annotate({
    description: "Where the AP is, { x, y } in m: its links' signal then follows the environment's path loss, shadowing " +
      "and fading from the host's position, and the transmit powers. Default: none (a fixed signalDbm)."
  }),
  txPowerDbm: txPowerField("the AP (used when it has a position)"),
  beaconIntervalTu: defaulted(
    intBetween(10, 1000),
    100,
    "Beacon interval in TU (1 TU = 1024 µs). Default 100 (102.4 ms, the usual AP default)."
  ),
  rateControl: Schema.optionalKey(Schema.Literals(["fixed", "minstrel", "arf", "aarf"])).annotate({
    description: "Rate control the AP runs for what it sends each associated station (one controller per station, as " +
      "mac80211 in an AP keeps; the algorithms of card.rateControl, up to the PHY's rate). Default: the card's rateControl."
  }),
  tbttOffsetUs: Schema.optionalKey(intBetween(0, 1_023_999)).annotate({
    description: "When the AP's first beacon goes, in whole µs after the run starts, below its beacon interval: the phase " +
      "of its target beacon transmission times (TBTTs, 802.11-2016 11.1.3.1). Default: drawn for each AP from the run's " +
      "seed, uniformly over the interval, as the independent clocks of APs started at different times place them."
  }),
  clockDriftPpm: Schema.optionalKey(numberBetween(-200, 200)).annotate({
    description: "How fast the AP's clock (its TSF, which times its beacons) runs against the card's, in ppm, " +
      "-200..200 (two clocks at the ±0.01% the standard allows a TSF); positive: its beacons come more often than " +
      "the card counts. Default: drawn for each AP from the run's seed as two crystals anywhere within their " +
      "tolerance, the AP's (±25 ppm in 2.4 GHz, ±20 in 5 GHz) and the card's (±25), so two APs' beacons part " +
      "over time. Give 0 to every AP (and tbttOffsetUs) to keep APs in step for a whole run."
  }),
  dtimPeriod: DtimPeriod,
  maxInactivitySeconds: defaulted(
    intBetween(1, 86_400),
    300,
    "How long the AP waits, in whole seconds, 1..86400, without a frame from an associated station or an " +
      "acknowledgement of one to it before it polls the station; unanswered for 3 s, the station is disassociated, " +
      "then deauthenticated (hostapd's ap_max_inactivity). Default 300 (hostapd's)."
  ),
  blockAckWindow: defaulted(
    intBetween(1, 64),
    DEFAULT_BLOCK_ACK_WINDOW,
    "802.11n: the BlockAck buffer the AP offers (the most MPDUs the card may aggregate to it) and the most it " +
      "aggregates itself, 1..64. Default 64 (the largest an HT BlockAck covers, 802.11-2016 9.4.1.14, which " +
      "802.11n APs of the seed's era offer; an estimate for the WAP410N, whose value is not published)."
  ),
  security: defaulted(
    SecuritySpec,
    { kind: "wpa2-psk", passphrase: DEFAULT_PASSPHRASE },
    `Security. Default { kind: "wpa2-psk", passphrase: "${DEFAULT_PASSPHRASE}" }.`
  ),
  endpoint: defaulted(
    EndpointSpec,
    {},
    "The wired endpoint behind this AP. Default { wiredLatencyUs: 100, wiredRateMbps: 1000 }."
  )
})
export type ApSpec = typeof ApSpec.Type

// ---------------------------------------------------------------------------------------------
// VMs and their traffic
// ---------------------------------------------------------------------------------------------

/** A flow's rate: more than 0 and at most 10,000 Mbps (above any PHY's rate), or "saturate" (the default). */
const offeredMbps = (description: string) =>
  defaulted(
    Schema.Union([Schema.Literal("saturate"), positiveUpTo(MAX_OFFERED_MBPS)]).annotate({
      expected: "a number of Mbps greater than 0 and at most 10000, or \"saturate\""
    }),
    "saturate",
    `${description} Default "saturate".`
  )

const udpFlow = <K extends "udp-tx" | "udp-rx">(kind: K, direction: string) =>
  Schema.Struct({
    kind: Schema.Literal(kind).annotate({ description: `UDP ${direction}.` }),
    offeredMbps: offeredMbps(
      "Offered load in Mbps (> 0), or \"saturate\" to keep the queue full (the Chariot throughput runs)."
    ),
    payloadBytes: defaulted(
      intBetween(MIN_UDP_PAYLOAD_BYTES, MAX_UDP_PAYLOAD_BYTES),
      1470,
      "UDP payload per datagram, in bytes, 18..1472 (1472 fills a 1500-byte IP MTU). Default 1470 (iperf 2's UDP datagram)."
    )
  })

const tcpFlow = <K extends "tcp-tx" | "tcp-rx">(kind: K, direction: string) =>
  Schema.Struct({
    kind: Schema.Literal(kind).annotate({ description: `TCP stream ${direction} (as Linux's: SACK, timestamps, window scaling).` }),
    offeredMbps: offeredMbps(
      "The application's write rate in Mbps of payload (> 0): TCP sends no faster, and slower when the " +
        "window or the network holds it back. \"saturate\" writes as fast as TCP takes it (bulk transfer, " +
        "the Chariot throughput runs)."
    ),
    payloadBytes: defaulted(
      intBetween(MIN_TCP_MSS_BYTES, MAX_TCP_MSS_BYTES),
      1460,
      "TCP maximum segment size (MSS), in bytes, 13..1460 (1460 fills a 1500-byte IP MTU). A full segment " +
        "carries the MSS less the 12 bytes of TCP's timestamps option: 1448 of data for 1460. Default 1460."
    )
  })

/**
 * One traffic flow of a VM, tagged by `kind`: "udp-tx" / "udp-rx" (VM → endpoint / endpoint → VM),
 * "tcp-tx" / "tcp-rx", or "ping" (ICMP echo from the VM to its AP's endpoint). One member per kind,
 * so a mistake in a flow is reported at its own field.
 */
export const TrafficSpec = Schema.Union([
  udpFlow("udp-tx", "from the VM to its AP's wired endpoint"),
  udpFlow("udp-rx", "from the wired endpoint to the VM"),
  tcpFlow("tcp-tx", "from the VM to its AP's wired endpoint"),
  tcpFlow("tcp-rx", "from the wired endpoint to the VM"),
  Schema.Struct({
    kind: Schema.Literal("ping").annotate({ description: "ICMP echo from the VM to its AP's wired endpoint (the seed's latency test)." }),
    intervalMs: defaulted(numberBetween(1, 3_600_000), 100, "Time between echo requests, in ms, 1..3600000 (an hour). Default 100 (a modelling choice; ping's own is 1000)."),
    payloadBytes: defaulted(intBetween(0, 1472), 56, "ICMP payload, in bytes, 0..1472. Default 56 (ping's default).")
  }),
  Schema.Struct({
    kind: Schema.Literal("locate").annotate({
      description: "A WiFi location service: it asks for a scan every intervalMs and estimates the host's position from the " +
        "signals of the placed APs it hears (trilateration; the seed's example of what native WiFi in a VM allows)."
    }),
    intervalMs: defaulted(numberBetween(10, 3_600_000), 1000, "Time between its scan requests, in ms, 10..3600000. Default 1000 (a modelling choice).")
  })
]).annotate({
  description: "A traffic flow, tagged by kind: \"udp-tx\", \"udp-rx\", \"tcp-tx\", \"tcp-rx\", \"ping\" or \"locate\"."
})
export type TrafficSpec = typeof TrafficSpec.Type

/** One guest VM: the AP it joins and the traffic it runs. */
export const VmSpec = Schema.Struct({
  name: VmName.annotate({ description: "The VM's name, /^[a-z0-9][a-z0-9-]{0,31}$/. Required; unique among the VMs." }),
  ssid: Ssid.annotate({ description: "SSID of the AP the VM's driver scans for and joins. Required; must name an AP." }),
  passphrase: Schema.optionalKey(Passphrase).annotate({
    description: "The passphrase the VM's driver uses, 8 to 63 characters. Required when its AP is wpa2-psk; " +
      "a wrong one is allowed (the VM then fails to join, which is worth simulating)."
  }),
  roaming: defaulted(
    RoamingSpec,
    {},
    "Its supplicant's background scanning and roaming among the APs of its SSID. Default { enabled: true, thresholdDbm: -65, " +
      "shortIntervalS: 30, longIntervalS: 300 } (NetworkManager's bgscan \"simple:30:-65:300\")."
  ),
  memoryMb: defaulted(
    intBetween(64, 65536),
    512,
    "Guest memory in MiB; DMA addresses outside it are rejected. Default 512 (a modelling choice: it only bounds DMA)."
  ),
  traffic: defaulted(
    Schema.Array(TrafficSpec).check(Schema.isMaxLength(8, { expected: "at most 8 flows" })),
    [],
    "The VM's traffic flows, 0 to 8, started once it is connected. Default [] (none)."
  ),
  powerSave: PowerSaveSpec
})
export type VmSpec = typeof VmSpec.Type

// ---------------------------------------------------------------------------------------------
// Switches and driver settings
// ---------------------------------------------------------------------------------------------

/** The optimizations of Virtual WiFi the seed evaluates (address translation, interrupt coalescing, fast data path). */
export const Switches = Schema.Struct({
  addressTranslation: defaulted(
    Schema.Literals(["software", "iommu"]),
    "software",
    "Guest-physical → host-physical translation of DMA addresses: \"software\" (the host driver walks the guest's " +
      "page table) or \"iommu\" (VT-d does it in hardware). Default \"software\" (seed: the prototype's " +
      "baseline; IOMMU is its proposed fix)."
  ),
  interruptCoalescing: defaulted(
    Schema.Struct({
      enabled: defaulted(
        Schema.Boolean,
        false,
        "Whether the device model coalesces virtual interrupts. Default false (seed: coalescing disabled in the " +
          "host driver; coalescing in the device model is its proposed fix)."
      ),
      frames: defaulted(
        intBetween(1, 256),
        8,
        "Inject one virtual interrupt per this many completed frames, 1..256. Default 8 (a modelling choice: the seed gives none)."
      ),
      delayUs: defaulted(
        intBetween(0, 100_000),
        200,
        "…or after this delay since the first pending frame, in µs, 0..100000. Default 200 (a modelling choice: the seed gives none)."
      ),
      adaptive: defaulted(
        Schema.Boolean,
        true,
        "Hold events only under load: while they arrive on average (smoothed gap, weight 1/8) faster than one per " +
          "delayUs; lighter traffic (a ping) is delivered at once. false holds every event up to delayUs. Default true."
      )
    }),
    {},
    "Interrupt coalescing in the device model. Default { enabled: false, frames: 8, delayUs: 200, adaptive: true }."
  ),
  fastDataPath: defaulted(
    Schema.Boolean,
    false,
    "Data frames go to and from the card through the VM's own queue, bypassing the driver: no trap on TX with an " +
      "IOMMU (without one the host still traps and translates each doorbell's buffers), no copy on RX (control still " +
      "goes through the device model). Default false (seed: future work)."
  )
})
export type Switches = typeof Switches.Type

/** The augmented host driver's scan policy. */
export const DriverSettings = Schema.Struct({
  scanCacheAgeMs: defaulted(
    numberBetween(0, 3_600_000),
    2000,
    "A VM's scan request within this age of the last physical scan is answered from the cache, in ms " +
      "(0: never), 0..3600000. Default 2000 (a modelling choice: the seed's driver returns stored results, of no stated age)."
  ),
  scanDwellMs: defaulted(
    numberBetween(1, 1000),
    33,
    "Time the radio listens on each scanned channel, in ms, 1..1000. Default 33 (iwlagn's active dwell in 2.4 GHz for a " +
      "wildcard scan, Linux 2.6.33 iwl-scan.c: IWL_ACTIVE_DWELL_TIME_24 30 + IWL_ACTIVE_DWELL_FACTOR_24GHZ 3 × (0 direct SSIDs + 1))."
  ),
  scanChannels: defaulted(
    Schema.Array(Channel).check(
      Schema.isMinLength(1, { expected: "at least one channel" }),
      Schema.isMaxLength(32, { expected: "at most 32 channels" })
    ),
    [1, 6, 11],
    "Channels a scan visits, in order, 1 to 32 of them. Default [1, 6, 11] (the non-overlapping 2.4 GHz channels)."
  )
})
export type DriverSettings = typeof DriverSettings.Type

// ---------------------------------------------------------------------------------------------
// The scenario
// ---------------------------------------------------------------------------------------------

/** The three systems the seed compares. */
export const Mode = Schema.Literals(["native", "passthrough", "virtual-wifi"])
export type Mode = typeof Mode.Type

const ScenarioFields = Schema.Struct({
  mode: defaulted(
    Mode,
    "virtual-wifi",
    "Which system runs. \"native\": no virtualization — the host runs the native driver and the traffic; give " +
      "exactly one entry in vms, whose ssid, passphrase and traffic are the host's (its name and memoryMb are " +
      "unused). \"passthrough\": the card is assigned to one VM, which runs the native driver (0 or 1 VM). " +
      "\"virtual-wifi\": every VM runs the native driver on a virtual card, the host runs the augmented driver " +
      "(VMs beyond card.vmacs fail their init). Default \"virtual-wifi\" (seed: the system under test)."
  ),
  durationSeconds: defaulted(
    positiveUpTo(MAX_DURATION_SECONDS),
    10,
    `Virtual time to simulate, in seconds, warm-up included: more than 0, at most ${MAX_DURATION_SECONDS} (100 days). Default 10.`
  ),
  warmupSeconds: defaulted(
    numberBetween(0, MAX_DURATION_SECONDS),
    1,
    "Virtual time at the start left out of the measurements (joining, queues filling), in seconds; less than " +
      "durationSeconds. Default 1."
  ),
  host: defaulted(HostSpec, {}, "The host. Default { cpuGhz: 2.53, cores: 1 } (seed: one core of a 2.53 GHz Core2 Duo)."),
  card: defaulted(
    CardSpec,
    {},
    "The WiFi card. Default: 4 vMACs on channel 6, 802.11g 54 Mbps, fixed rate, noise floor -95 dBm " +
      "(seed: Intel WiFi 5300 AGN)."
  ),
  aps: defaulted(
    Schema.Array(ApSpec).check(
      Schema.isMinLength(1, { expected: "at least one AP" }),
      Schema.isMaxLength(64, { expected: "at most 64 APs" })
    ),
    [{ ssid: "lab", bssid: "02:00:00:00:01:00" }],
    "The access points, 1 to 64. Default: one WPA2 AP \"lab\", BSSID 02:00:00:00:01:00, on the card's " +
      "channel (seed: one Cisco WAP410N)."
  ),
  vms: defaulted(
    Schema.Array(VmSpec).check(Schema.isMaxLength(64, { expected: "at most 64 VMs" })),
    [{ name: "vm1", ssid: "lab", passphrase: DEFAULT_PASSPHRASE, traffic: [{ kind: "udp-tx" }] }],
    "The guest VMs, 0 to 64. Default: one VM \"vm1\" joining \"lab\" and sending saturated UDP " +
      "(seed: one VM running the Chariot UDP TX test)."
  ),
  switches: defaulted(
    Switches,
    {},
    "Virtualization switches. Default: software address translation, no interrupt coalescing, no fast data path " +
      "(seed: the unoptimized prototype)."
  ),
  environment: defaulted(
    EnvironmentSpec,
    {},
    "Radio propagation for APs with a position: dual-slope path loss, shadowing, fading. Default: TGn model D (breakpoint 10 m, " +
      "exponent 3.5 beyond, shadowing σ 3/5 dB, decorrelation 3 m), no fading."
  ),
  driver: defaulted(
    DriverSettings,
    {},
    "Scan policy of the (augmented) driver. Default: cache age 2000 ms, dwell 33 ms, channels [1, 6, 11]."
  ),
  faults: defaulted(
    FaultSchedule,
    [],
    "Faults and VM lifecycle events at given simulated times (see FaultSchedule.ts and docs/faults.md). Default [] (none)."
  )
})

/**
 * A fixed AP's signal when it gives neither a position nor a level, in dBm. A modelling choice, not
 * the seed's (it gives no signal level): a strong link, 45 dB over the noise floor, so that the
 * default runs lose frames to contention, not to the channel.
 */
export const DEFAULT_AP_SIGNAL_DBM = -50

/**
 * Fills the defaults that depend on other fields: every AP without a channel goes on the card's
 * channel, and an AP with neither a position nor a signal level gets the default level.
 */
const fillApDefaults = (s: typeof ScenarioFields.Type): typeof ScenarioFields.Type =>
  s.aps.every((ap) => ap.channel !== undefined && (ap.signalDbm !== undefined || ap.position !== undefined))
    ? s
    : {
      ...s,
      aps: s.aps.map((ap) => ({
        ...ap,
        channel: ap.channel ?? s.card.channel,
        ...(ap.signalDbm === undefined && ap.position === undefined ? { signalDbm: DEFAULT_AP_SIGNAL_DBM } : {})
      }))
    }

/**
 * The scenario schema. Decoding fills every default, including each AP's channel from the card's
 * (so a decoded AP always has `channel`, although its type keeps it optional: `ApSpec` alone cannot
 * know the card). Encoding gives the JSON form back, every field explicit.
 */
export const Scenario = ScenarioFields.pipe(
  Schema.decode({ decode: SchemaGetter.transform(fillApDefaults), encode: SchemaGetter.passthrough() })
).annotate({
  title: "vwifi scenario",
  description: "Host, card, APs, VMs, traffic, mode and switches of one simulation run. Every field is optional; " +
    "the defaults reproduce the seed's setup."
})
export type Scenario = typeof Scenario.Type

/** The JSON (encoded) form of a scenario: every field optional. */
export type ScenarioInput = typeof Scenario.Encoded

/** An AP's channel after decoding (the card's when the AP gives none). */
export const apChannel = (scenario: Scenario, ap: ApSpec): number => ap.channel ?? scenario.card.channel
