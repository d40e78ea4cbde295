/**
 * The guest's native WiFi driver as a pure state machine: the same logic whether it drives the
 * real card (passthrough, native) or the virtual one (virtual-wifi). The actor feeds it the card's
 * events and carries out the commands it returns.
 *
 * ```
 *   off ──boot (PCI probe)──▶ initializing ──InitDone──▶ scanning ──SSID found──▶ authenticating
 *                     │ no free vMAC            ▲  │ not found: retry     │ ok
 *                     ▼                         │  └──────────◀───────────┤ fail or timeout: retry
 *                   failed                      │                         ▼
 *                                               ├──── fail: retry ◀── associating
 *                                               │                         │ ok
 *                                               └── deauth / beacon loss ◀─ connected
 * ```
 *
 * Connected, it watches its link (`linkCheck`): a station whose AP forgot it, the deauthentication
 * lost, would otherwise wait for its next frame to learn it, and one that only receives never sends.
 * With a roaming policy it also asks the card to watch its AP's signal, and a background scan that
 * finds a clearly stronger AP of its SSID moves it there (`Roaming.ts`): connected ──▶ authenticating.
 */
import {
  Associate, Authenticate, Disassociate, InitCard, MonitorSignal, ReadPciConfig, SetPowerSave, StartScan, UAPSD_MAX_SP_LENGTH_DEFAULT
} from "../vocabulary/CardCommand.ts"
import { CARD_PCI_ID } from "../vocabulary/CardEvent.ts"
import type { CardCommand } from "../vocabulary/CardCommand.ts"
import type { CardEvent, ScanResult } from "../vocabulary/CardEvent.ts"
import { Status } from "../vocabulary/Frame.ts"
import { CONNECTION_IDLE_NS, INIT_TIMEOUT_NS, JOIN_TIMEOUT_NS, SCAN_TIMEOUT_NS } from "../vocabulary/ModelConstants.ts"
import { BGSCAN_HYSTERESIS_DB, refreshed, roamTarget } from "./Roaming.ts"
import type { RoamingPolicy } from "./Roaming.ts"

export type DriverState = "off" | "initializing" | "scanning" | "authenticating" | "associating" | "connected" | "failed"

export interface GuestDriver {
  readonly state: DriverState
  readonly mac: number | undefined
  /** The AP chosen from the last scan. */
  readonly target: ScanResult | undefined
  /** Failed join attempts since the last success. */
  readonly failures: number
  readonly lastScan: ReadonlyArray<ScanResult>
  /** The PCI IDs the probe read (the card the driver bound to). */
  readonly device: { readonly vendorId: number; readonly deviceId: number } | undefined
  /** The card's signal monitor last said the AP's signal is below the roaming threshold. */
  readonly signalLow: boolean
  /** Why the join under way started: a join (first, or after losing the AP) or a roam to a stronger AP. */
  readonly joinVia: "join" | "roam"
}

export interface Config {
  readonly ssid: string
  readonly passphrase: string | undefined
  readonly scanChannels: ReadonlyArray<number>
  /** Background scanning and roaming within the ESS; undefined: the driver stays with its AP until it loses it. */
  readonly roaming: RoamingPolicy | undefined
  /** Power save, asked of the card on every association (undefined or "off": none asked). */
  readonly powerSave?: PowerSaveSetting | undefined
}

/** What the driver asks of the card's power save (`SetPowerSave`). */
export interface PowerSaveSetting {
  readonly mode: "off" | "legacy" | "uapsd"
  readonly listenInterval: number
  readonly dynamicTimeoutMs: number
  /** U-APSD: the Max SP Length its associations ask for (0: all); unused otherwise. */
  readonly maxSpLength?: 0 | 2 | 4 | 6 | undefined
}

/** The commands that turn power save on for a new association: none when it is off (nothing extra on the card's interface). */
export const powerSaveCommands = (config: Config): ReadonlyArray<CardCommand> => {
  const ps = config.powerSave
  if (ps === undefined || ps.mode === "off") return []
  return [new SetPowerSave({ vmac: 0, mode: ps.mode, listenInterval: ps.listenInterval, dynamicTimeoutMs: ps.dynamicTimeoutMs })]
}

/** What an association asks of U-APSD: its Max SP Length when the driver runs U-APSD (mac80211 sets the QoS Info before associating). */
const uapsdField = (config: Config): { readonly uapsdMaxSpLength?: 0 | 2 | 4 | 6 } =>
  config.powerSave?.mode === "uapsd" ? { uapsdMaxSpLength: config.powerSave.maxSpLength ?? UAPSD_MAX_SP_LENGTH_DEFAULT } : {}

export interface Step {
  readonly driver: GuestDriver
  readonly commands: ReadonlyArray<CardCommand>
  /** Try again (a new scan) after this long, when set. */
  readonly retryAfterNs?: number
}

/**
 * The rescan after a failed join: 250 ms, doubling with each failure, at most 5 s. A modelling choice
 * (the seed does not say how its guests' supplicants back off): quick to recover from one lost frame,
 * no scan storm while an AP is down.
 */
export const JOIN_RETRY_FIRST_NS = 250_000_000
export const MAX_JOIN_RETRY_NS = 5_000_000_000
/** Doublings before the cap: 250 ms × 2^5 = 8 s, so the cap binds from the fifth failure. */
const MAX_JOIN_RETRY_DOUBLINGS = 5

/** Delay before rescanning after `failures` failed joins. */
export const retryDelayNs = (failures: number): number =>
  Math.min(MAX_JOIN_RETRY_NS, JOIN_RETRY_FIRST_NS * 2 ** Math.min(failures, MAX_JOIN_RETRY_DOUBLINGS))

export const initial: GuestDriver = {
  state: "off", mac: undefined, target: undefined, failures: 0, lastScan: [], device: undefined, signalLow: false, joinVia: "join"
}

export const scanCommand = (config: Config) => new StartScan({ vmac: 0, channels: [...config.scanChannels] })

export const boot = (d: GuestDriver): Step =>
  d.state === "off" ? { driver: { ...d, state: "initializing" }, commands: [new ReadPciConfig({})] } : { driver: d, commands: [] }

/** Starts a scan now (a retry timer fired, or the user asked for one). */
export const rescan = (d: GuestDriver, config: Config): Step =>
  d.state === "scanning" || d.state === "connected" || d.state === "off" || d.state === "failed" || d.state === "initializing"
    ? (d.state === "scanning" ? { driver: d, commands: [scanCommand(config)] } : { driver: d, commands: [] })
    : { driver: { ...d, state: "scanning" }, commands: [scanCommand(config)] }

const failed = (d: GuestDriver): Step => {
  const failures = d.failures + 1
  return { driver: { ...d, state: "scanning", failures, target: undefined }, commands: [], retryAfterNs: retryDelayNs(failures) }
}

/**
 * How long the driver waits for an answer to what `step` just asked of the card (`was`: the state
 * before), or undefined when it asked nothing that needs one: probe and init, a scan, a join.
 */
export const waitFor = (was: DriverState, step: Step): number | undefined => {
  for (const c of step.commands) {
    if (c._tag === "StartScan") return SCAN_TIMEOUT_NS
    if (c._tag === "ReadPciConfig" || c._tag === "InitCard") return INIT_TIMEOUT_NS
  }
  const now = step.driver.state
  return now !== was && (now === "authenticating" || now === "associating") ? JOIN_TIMEOUT_NS : undefined
}

/**
 * No answer came in time: probe the card again (init), scan again, or count a failed join and
 * rescan later (a lost interrupt, a restarting driver, an AP that went away).
 */
export const timedOut = (d: GuestDriver, config: Config): Step => {
  switch (d.state) {
    case "initializing":
      return { driver: d, commands: [new ReadPciConfig({})] }
    case "scanning":
      return { driver: d, commands: [scanCommand(config)] }
    case "authenticating":
    case "associating":
      return failed(d)
    default:
      return { driver: d, commands: [] }
  }
}

/**
 * The connection monitor of a connected driver: `lastHeardNs` is when a unicast frame last came from
 * its AP or one of its frames was acknowledged. Idle for `CONNECTION_IDLE_NS`: send a null-data frame
 * now (an AP that has forgotten the station answers with a deauthentication, a lost one included).
 * `nextNs`: when to look again.
 */
export const linkCheck = (lastHeardNs: number, nowNs: number): { readonly probe: boolean; readonly nextNs: number } =>
  // The sum, not the difference: times carry fractions of a nanosecond, and `now − last ≥ idle` can be
  // false at the very instant `last + idle` names, which would re-arm the check at that instant forever.
  nowNs >= lastHeardNs + CONNECTION_IDLE_NS
    ? { probe: true, nextNs: nowNs + CONNECTION_IDLE_NS }
    : { probe: false, nextNs: lastHeardNs + CONNECTION_IDLE_NS }

/** Leaves the current AP (if any) and looks for `config.ssid`, the new one. */
export const roam = (d: GuestDriver, config: Config): Step => {
  switch (d.state) {
    case "connected":
    case "authenticating":
    case "associating":
      return { driver: { ...d, state: "scanning", target: undefined, failures: 0, signalLow: false, joinVia: "join" }, commands: [new Disassociate({ vmac: 0 }), scanCommand(config)] }
    case "scanning":
      return { driver: { ...d, failures: 0 }, commands: [scanCommand(config)] }
    default:
      return { driver: d, commands: [] }
  }
}

export const onEvent = (d: GuestDriver, e: CardEvent, config: Config): Step => {
  switch (e._tag) {
    case "PciConfig":
      // The probe: bind only to the card this driver supports, then bring it up.
      if (d.state !== "initializing") return { driver: d, commands: [] }
      const device = { vendorId: e.vendorId, deviceId: e.deviceId }
      if (e.vendorId !== CARD_PCI_ID.vendorId || e.deviceId !== CARD_PCI_ID.deviceId) return { driver: { ...d, state: "failed", device }, commands: [] }
      return { driver: { ...d, device }, commands: [new InitCard({})] }
    case "InitDone":
      if (d.state !== "initializing") return { driver: d, commands: [] }
      return {
        driver: { ...d, state: "scanning", mac: e.mac },
        commands: config.roaming === undefined
          ? [scanCommand(config)]
          : [new MonitorSignal({ vmac: 0, thresholdDbm: Math.round(config.roaming.thresholdDbm), hysteresisDb: BGSCAN_HYSTERESIS_DB }), scanCommand(config)]
      }
    case "Rejected":
      if (e.command === "InitCard" && d.state === "initializing") return { driver: { ...d, state: "failed" }, commands: [] }
      return { driver: d, commands: [] }
    case "ScanDone": {
      const withScan = { ...d, lastScan: e.results }
      if (d.state === "connected" && config.roaming !== undefined && d.target !== undefined) {
        // A background scan: move if another AP of the ESS is clearly stronger.
        const to = roamTarget(e.results, config.ssid, d.target)
        if (to === undefined) return { driver: { ...withScan, target: refreshed(e.results, d.target) }, commands: [] }
        return {
          driver: { ...withScan, state: "authenticating", target: to, signalLow: false, joinVia: "roam" },
          commands: [new Disassociate({ vmac: 0 }), new Authenticate({ vmac: 0, bssid: to.bssid, channel: to.channel })]
        }
      }
      if (d.state !== "scanning") return { driver: withScan, commands: [] }
      const best = e.results.filter((r) => r.ssid === config.ssid).sort((a, b) => b.signalDbm - a.signalDbm)[0]
      if (best === undefined) return failed(withScan)
      return {
        driver: { ...withScan, state: "authenticating", target: best, joinVia: "join" },
        commands: [new Authenticate({ vmac: 0, bssid: best.bssid, channel: best.channel })]
      }
    }
    case "AuthDone":
      if (d.state !== "authenticating" || d.target === undefined) return { driver: d, commands: [] }
      if (e.status !== Status.Success) return failed(d)
      return {
        driver: { ...d, state: "associating" },
        commands: [
          new Associate({
            vmac: 0,
            bssid: d.target.bssid,
            ssid: d.target.ssid,
            ...(config.passphrase === undefined ? {} : { passphrase: config.passphrase }),
            ...uapsdField(config),
            ...(config.powerSave === undefined ? {} : { listenInterval: config.powerSave.listenInterval }),
            beaconKnown: d.target.beaconHeard
          })
        ]
      }
    case "AssocDone":
      if (d.state !== "associating") return { driver: d, commands: [] }
      if (e.status !== Status.Success) return failed(d)
      return { driver: { ...d, state: "connected", failures: 0 }, commands: powerSaveCommands(config) }
    case "Disconnected":
      // A join under way ends with its vMAC's association (a reset, the AP's word): no answer to it
      // will come, so it failed, as it would at its timeout (`JOIN_TIMEOUT_NS`), and is tried again
      // after the failure's wait. Ignored until 2026-12-06, the driver went on waiting and took an
      // answer the card had raised before the reset, delivered after it, for a connection: "connected"
      // on an idle vMAC, whose every frame the card dropped to the end (campaign seed 823, case 90).
      if (d.state === "authenticating" || d.state === "associating") return failed(d)
      if (d.state !== "connected") return { driver: d, commands: [] }
      return { driver: { ...d, state: "scanning", target: undefined, signalLow: false }, commands: [scanCommand(config)] }
    case "Signal":
      // The new AP's first beacons may come before the association completes (the 4-way handshake
      // still runs): what they say counts for the connection about to start.
      return { driver: d.state === "connected" || d.state === "associating" || d.state === "authenticating" ? { ...d, signalLow: e.low } : d, commands: [] }
    case "TxDone":
    case "Rx":
      return { driver: d, commands: [] }
  }
}
