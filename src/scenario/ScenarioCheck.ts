/**
 * Cross-field checks of a decoded scenario: the rules no single field's schema can see.
 *
 * What is deliberately *not* a problem, because each is a scenario worth simulating:
 * - a VM whose passphrase is wrong (it fails to join);
 * - more VMs than the card has vMACs in virtual-wifi mode (the extra ones get a typed error at init);
 * - an AP on another channel than the card (scanning finds it).
 */
import { CARD_BASE_MAC, ENDPOINT_BASE_MAC, macText, macValue, reservedUse, SCANNER_MAC_OFFSET } from "./AddressPlan.ts"
import type { Scenario } from "./Scenario.ts"
import { apChannel } from "./Scenario.ts"
import { checkFaults } from "./FaultCheck.ts"
import { inertSettingProblems } from "./InertSettings.ts"
import { HT_CHANNELS_TEXT, ht40Possible, htChannelValid, MAX_OFDM_24GHZ_CHANNEL } from "./Bands.ts"
import { PS_BUFFER_EXPIRE_NS } from "../vocabulary/ModelConstants.ts"

/** One thing wrong with a scenario: where (`vms[1].ssid`; "" for the whole scenario) and what. */
export interface ScenarioProblem {
  readonly path: string
  readonly message: string
}

const quoteList = (items: ReadonlyArray<string>): string => items.map((s) => JSON.stringify(s)).join(", ")

/** Reports every entry of `keyOf` seen before, at `path(i)`. */
const duplicates = <A>(
  items: ReadonlyArray<A>,
  keyOf: (a: A) => string,
  path: (i: number) => string,
  what: string
): Array<ScenarioProblem> => {
  const firstIndex = new Map<string, number>()
  const problems: Array<ScenarioProblem> = []
  items.forEach((item, i) => {
    const key = keyOf(item)
    const first = firstIndex.get(key)
    if (first === undefined) firstIndex.set(key, i)
    else problems.push({ path: path(i), message: `duplicate ${what} ${JSON.stringify(key)} (also at ${path(first)})` })
  })
  return problems
}

/** A time unit, 1024 µs (802.11-2016 3.1), in ms: the scenario sits below the air, which holds `TU_NS`. */
const TU_MS = 1.024
/** The same in µs, the unit of an AP's `tbttOffsetUs`. */
const TU_US = 1024


/**
 * Every cross-field problem of `s`, in field order; an empty array means the scenario is consistent.
 * Pure: the same scenario gives the same problems.
 */
export const checkScenario = (s: Scenario): ReadonlyArray<ScenarioProblem> => {
  const problems: Array<ScenarioProblem> = []

  if (s.warmupSeconds >= s.durationSeconds) {
    problems.push({
      path: "warmupSeconds",
      message: `the warm-up (${s.warmupSeconds} s) must be shorter than durationSeconds (${s.durationSeconds} s), ` +
        "or nothing is measured"
    })
  }

  // The PHY and the channels it may use.
  const phy = s.card.phy
  if (phy.standard === "802.11g" && s.card.channel > MAX_OFDM_24GHZ_CHANNEL) {
    problems.push({
      path: "card.channel",
      message: `802.11g runs only in the 2.4 GHz band (channels 1..${MAX_OFDM_24GHZ_CHANNEL}), got channel ${s.card.channel}`
    })
  }
  if (phy.standard === "802.11n" && !s.card.qos) {
    problems.push({
      path: "card.qos",
      message: "802.11n needs WMM: an HT STA is also a QoS STA, and an A-MPDU carries QoS data frames (802.11-2016 4.3, 9.7.3); " +
        "set card.qos to true (the default), or use 802.11g"
    })
  }
  if (phy.standard === "802.11g") {
    s.driver.scanChannels.forEach((channel, i) => {
      if (channel > MAX_OFDM_24GHZ_CHANNEL) {
        problems.push({
          path: `driver.scanChannels[${i}]`,
          message: `802.11g runs only in the 2.4 GHz band (channels 1..${MAX_OFDM_24GHZ_CHANNEL}): the card cannot scan channel ${channel}`
        })
      }
    })
  }
  // 802.11n: a number that names no OFDM channel (14, 15..35, 50, …) would run as if it were one.
  const htInvalid = (channel: number): boolean => phy.standard === "802.11n" && !htChannelValid(channel)
  const htChannelMessage = (channel: number): string =>
    `802.11n runs on the channels of 802.11-2016 Annex E (${HT_CHANNELS_TEXT}), got channel ${channel}`
  if (htInvalid(s.card.channel)) problems.push({ path: "card.channel", message: htChannelMessage(s.card.channel) })
  s.driver.scanChannels.forEach((channel, i) => {
    if (htInvalid(channel)) problems.push({ path: `driver.scanChannels[${i}]`, message: htChannelMessage(channel) })
  })
  // A channel listed twice would be visited twice per scan: a slip in the list, never a scan policy.
  problems.push(...duplicates(s.driver.scanChannels, String, (i) => `driver.scanChannels[${i}]`, "scan channel"))
  // HT40 needs a 40 MHz pair for every channel the card works on (Annex E).
  const ht40 = phy.standard === "802.11n" && phy.channelWidthMhz === 40
  if (ht40 && !htInvalid(s.card.channel) && !ht40Possible(s.card.channel)) {
    problems.push({
      path: "card.phy.channelWidthMhz",
      message: `HT40 needs a secondary channel that pairs with the primary (802.11-2016 Annex E), and channel ${s.card.channel} has none: use 20 or another channel`
    })
  }

  // APs: unique names and addresses, a channel the PHY can use.
  // APs may share an SSID (one ESS, among which a VM roams); then they share its security too.
  s.aps.forEach((ap, i) => {
    const first = s.aps.findIndex((a) => a.ssid === ap.ssid)
    if (first < i && JSON.stringify(s.aps[first]!.security) !== JSON.stringify(ap.security)) {
      problems.push({
        path: `aps[${i}].security`,
        message: `APs with SSID ${JSON.stringify(ap.ssid)} form one network (ESS) and must share its security; aps[${first}] has another`
      })
    }
    if (ap.position !== undefined && ap.signalDbm !== undefined) {
      problems.push({ path: `aps[${i}].signalDbm`, message: "give the AP a position or a fixed signalDbm, not both" })
    }
    const intervalUs = ap.beaconIntervalTu * TU_US
    if (ap.tbttOffsetUs !== undefined && ap.tbttOffsetUs >= intervalUs) {
      problems.push({
        path: `aps[${i}].tbttOffsetUs`,
        message: `the first beacon must go within the first beacon interval (${ap.beaconIntervalTu} TU = ${intervalUs} µs): 0..${intervalUs - 1}, got ${ap.tbttOffsetUs}`
      })
    }
  })
  problems.push(...duplicates(s.aps, (ap) => ap.bssid, (i) => `aps[${i}].bssid`, "BSSID"))
  const reservedRanges = `vMACs ${macText(CARD_BASE_MAC)}..${macText(CARD_BASE_MAC + s.card.vmacs - 1)}, ` +
    `scanner ${macText(CARD_BASE_MAC + SCANNER_MAC_OFFSET)}, ` +
    `endpoints ${macText(ENDPOINT_BASE_MAC)}..${macText(ENDPOINT_BASE_MAC + s.aps.length - 1)}`
  s.aps.forEach((ap, i) => {
    const bssid = macValue(ap.bssid)
    if (Math.floor(bssid / 2 ** 40) % 2 === 1) {
      problems.push({
        path: `aps[${i}].bssid`,
        message: `${ap.bssid} is a group (multicast) address; a BSSID is unicast: the first octet must be even`
      })
    }
    const taken = reservedUse(bssid, s.card.vmacs, s.aps.length)
    if (taken !== undefined) {
      problems.push({
        path: `aps[${i}].bssid`,
        message: `${ap.bssid} is ${taken}; pick an address outside the simulator's own (${reservedRanges})`
      })
    }
    const channel = apChannel(s, ap)
    if (htInvalid(channel) && channel !== s.card.channel) {
      problems.push({ path: `aps[${i}].channel`, message: htChannelMessage(channel) })
    } else if (ht40 && channel !== s.card.channel && !ht40Possible(channel)) {
      problems.push({
        path: `aps[${i}].channel`,
        message: `the card runs HT40, and channel ${channel} has no 40 MHz pair (802.11-2016 Annex E): use another channel, or 20 MHz`
      })
    }
    if (phy.standard === "802.11g" && channel > MAX_OFDM_24GHZ_CHANNEL) {
      problems.push({
        path: `aps[${i}].channel`,
        message: `802.11g runs only in the 2.4 GHz band (channels 1..${MAX_OFDM_24GHZ_CHANNEL}), got channel ${channel}`
      })
    }
  })

  // VMs: unique names, an AP to join, the passphrase a WPA2 AP needs.
  problems.push(...duplicates(s.vms, (vm) => vm.name, (i) => `vms[${i}].name`, "VM name"))
  const knownSsids = s.aps.map((ap) => ap.ssid)
  s.vms.forEach((vm, i) => {
    const apIndex = s.aps.findIndex((ap) => ap.ssid === vm.ssid)
    const ap = s.aps[apIndex]
    if (ap === undefined) {
      problems.push({
        path: `vms[${i}].ssid`,
        message: `no AP has SSID ${JSON.stringify(vm.ssid)}; known SSIDs: ${quoteList(knownSsids)}`
      })
      return
    }
    // The converse: a passphrase makes the driver look for WPA2, so it would never join an open network.
    if (ap.security.kind === "open" && vm.passphrase !== undefined) {
      problems.push({
        path: `vms[${i}].passphrase`,
        message: `AP ${JSON.stringify(ap.ssid)} is open: with a passphrase the VM's driver asks for WPA2 and never joins it; leave the passphrase out`
      })
    }
    if (ap.security.kind === "wpa2-psk" && vm.passphrase === undefined) {
      problems.push({
        path: `vms[${i}].passphrase`,
        message: `AP ${JSON.stringify(ap.ssid)} uses WPA2-PSK: give the VM a passphrase (8 to 63 characters)`
      })
    }
    // A location service ranges placed APs only: without one it makes no estimate at all.
    if (!s.aps.some((a) => a.position !== undefined)) {
      vm.traffic.forEach((flow, j) => {
        if (flow.kind !== "locate") return
        problems.push({
          path: `vms[${i}].traffic[${j}].kind`,
          message: "a locate flow estimates the host's position from the APs with a position (aps[].position), and no AP " +
            "has one, so it would make no estimate: place at least one AP (three or more for trilateration)"
        })
      })
    }
  })

  // Every AP of a network a VM joins must be on a channel its scans visit, or no VM could ever find it:
  // neither to join nor, in an ESS, to roam to, whichever of the ESS's APs is listed first.
  const joinedSsids = new Set(s.vms.map((vm) => vm.ssid))
  s.aps.forEach((ap, i) => {
    const channel = apChannel(s, ap)
    if (!joinedSsids.has(ap.ssid) || s.driver.scanChannels.includes(channel)) return
    problems.push({
      path: `aps[${i}].channel`,
      message: `channel ${channel} is not in driver.scanChannels [${s.driver.scanChannels.join(", ")}], so no scan ` +
        "would find this AP: add it to driver.scanChannels"
    })
  })

  // How many VMs each mode runs.
  if (s.mode === "passthrough" && s.vms.length > 1) {
    problems.push({
      path: "vms",
      message: `passthrough assigns the card to one VM, but ${s.vms.length} are given: use at most 1 VM, ` +
        "or mode \"virtual-wifi\" to share the card"
    })
  }
  if (s.mode === "native" && s.vms.length !== 1) {
    problems.push({
      path: "vms",
      message: `native runs no VM: give exactly 1 entry in vms, whose ssid, passphrase and traffic the host runs ` +
        `itself (got ${s.vms.length})`
    })
  }

  problems.push(...checkSwitches(s))
  problems.push(...checkPowerSave(s))
  problems.push(...checkFaults(s))
  problems.push(...inertSettingProblems(s))
  return problems
}

/**
 * A dozing VM must wake before its AP throws away what it buffered: its listen interval times its
 * AP's beacon interval must stay under the AP's buffer lifetime (mac80211 expires buffered frames
 * after STA_TX_BUFFER_EXPIRE, 10 s, net/mac80211/sta_info.h). U-APSD needs WMM (802.11-2016 11.2.3.5:
 * its triggers are QoS data frames, and it is asked for in the WMM Information element).
 */
const checkPowerSave = (s: Scenario): Array<ScenarioProblem> => {
  const problems: Array<ScenarioProblem> = []
  s.vms.forEach((vm, i) => {
    if (vm.powerSave.mode === "off") return
    if (vm.powerSave.mode === "uapsd" && !s.card.qos) {
      problems.push({
        path: `vms[${i}].powerSave.mode`,
        message: "U-APSD is asked for in the WMM Information element and its trigger frames are QoS data: it needs card.qos (WMM)"
      })
    }
    const ap = s.aps.find((a) => a.ssid === vm.ssid)
    if (ap === undefined) return
    const sleepMs = vm.powerSave.listenInterval * ap.beaconIntervalTu * TU_MS
    if (sleepMs >= PS_BUFFER_EXPIRE_NS / 1e6) {
      problems.push({
        path: `vms[${i}].powerSave.listenInterval`,
        message: `${vm.powerSave.listenInterval} beacons of ${JSON.stringify(ap.ssid)} (${ap.beaconIntervalTu} TU) is ${sleepMs.toFixed(0)} ms ` +
          `asleep, as long as the AP keeps buffered frames (${PS_BUFFER_EXPIRE_NS / 1e6} ms): they would expire before the VM polls`
      })
    }
  })
  return problems
}

/**
 * The switches are Virtual WiFi's optimizations: native has no device model nor augmented driver,
 * passthrough gives the card to one VM without either, so a switch turned on there would change
 * nothing, silently (the run is the same, bit for bit).
 */
const checkSwitches = (s: Scenario): Array<ScenarioProblem> => {
  if (s.mode === "virtual-wifi") return []
  const on: Array<[string, boolean]> = [
    ["switches.addressTranslation", s.switches.addressTranslation !== "software"],
    ["switches.interruptCoalescing.enabled", s.switches.interruptCoalescing.enabled],
    ["switches.fastDataPath", s.switches.fastDataPath]
  ]
  return on.filter(([, set]) => set).map(([path]) => ({
    path,
    message: `a Virtual WiFi optimization, which mode ${JSON.stringify(s.mode)} has no use for (it has no device model ` +
      "nor augmented driver): it would change nothing; leave it out, or use mode \"virtual-wifi\""
  }))
}
