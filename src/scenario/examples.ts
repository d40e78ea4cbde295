/**
 * Small example scenarios in their JSON (encoded) form, for docs and tests. Decode one with
 * `decodeScenario` (ScenarioLoad.ts); whatever they leave out takes the seed's defaults.
 */
import type { ScenarioInput } from "./Scenario.ts"
import { deepFreeze } from "../vocabulary/DeepFreeze.ts"

/** Two VMs on one card, each joined to its own AP (different SSIDs, same channel), each sending UDP and pinging. */
export const twoVmsTwoAps = {
  mode: "virtual-wifi",
  durationSeconds: 5,
  card: { vmacs: 4, channel: 6 },
  aps: [
    { ssid: "office", bssid: "02:00:00:00:01:00", channel: 6, security: { kind: "wpa2-psk", passphrase: "office-secret" } },
    { ssid: "home", bssid: "02:00:00:00:01:01", channel: 6, security: { kind: "wpa2-psk", passphrase: "home-secret" } }
  ],
  vms: [
    {
      name: "work",
      ssid: "office",
      passphrase: "office-secret",
      traffic: [{ kind: "udp-tx", offeredMbps: 5 }, { kind: "ping", intervalMs: 100 }]
    },
    {
      name: "personal",
      ssid: "home",
      passphrase: "home-secret",
      traffic: [{ kind: "udp-tx", offeredMbps: 5 }, { kind: "ping", intervalMs: 100 }]
    }
  ]
} as const satisfies ScenarioInput

/** Four VMs, each sending saturated UDP, through one 802.11n card at MCS 15, HT40, short GI (300 Mbps). */
export const fourVmsHt40 = {
  mode: "virtual-wifi",
  card: {
    vmacs: 4,
    channel: 6,
    phy: { standard: "802.11n", mcs: 15, channelWidthMhz: 40, guardInterval: "short" }
  },
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", security: { kind: "wpa2-psk", passphrase: "vwifi-lab-key" } }],
  vms: ["vm1", "vm2", "vm3", "vm4"].map((name) => ({
    name,
    ssid: "lab",
    passphrase: "vwifi-lab-key",
    traffic: [{ kind: "udp-tx" as const, offeredMbps: "saturate" as const }]
  }))
} as const satisfies ScenarioInput

/** Three VMs joining one WPA2 AP; the third has the wrong passphrase and never connects. */
export const wrongPassphrase = {
  mode: "virtual-wifi",
  durationSeconds: 5,
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", security: { kind: "wpa2-psk", passphrase: "vwifi-lab-key" } }],
  vms: [
    { name: "alice", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 5 }] },
    { name: "bob", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 5 }] },
    { name: "mallory", ssid: "lab", passphrase: "not-the-key", traffic: [{ kind: "udp-tx", offeredMbps: 5 }] }
  ]
} as const satisfies ScenarioInput

/**
 * Three VMs on two APs through one card, with paced TCP, UDP and ping, and a fault schedule: the host
 * driver crashes, a vMAC hangs, interrupts are lost, an AP powers off for two seconds, a guest
 * reboots and a guest writes hostile commands. Every VM ends connected and moving data.
 */
export const faultSchedule = {
  mode: "virtual-wifi",
  durationSeconds: 20,
  card: { vmacs: 4, channel: 6 },
  aps: [
    { ssid: "office", bssid: "02:00:00:00:01:00", channel: 6, security: { kind: "wpa2-psk", passphrase: "office-secret" } },
    { ssid: "lab", bssid: "02:00:00:00:01:01", channel: 1, security: { kind: "wpa2-psk", passphrase: "lab-secret" } }
  ],
  vms: [
    { name: "work", ssid: "office", passphrase: "office-secret", traffic: [{ kind: "tcp-tx", offeredMbps: 4 }, { kind: "ping", intervalMs: 100 }] },
    { name: "build", ssid: "office", passphrase: "office-secret", traffic: [{ kind: "udp-rx", offeredMbps: 2 }] },
    { name: "test", ssid: "lab", passphrase: "lab-secret", traffic: [{ kind: "tcp-rx", offeredMbps: 2 }, { kind: "ping", intervalMs: 100 }] }
  ],
  faults: [
    { kind: "crash-driver", atSeconds: 3 },
    { kind: "hang-vmac", atSeconds: 5, vmac: 0 },
    { kind: "interrupts", atSeconds: 7, action: "drop", count: 3 },
    { kind: "ap-down", atSeconds: 9, ap: "lab", forSeconds: 2 },
    { kind: "guest-reboot", atSeconds: 12, vm: "build", downSeconds: 1 },
    { kind: "command-storm", atSeconds: 14, vm: "test", commands: 200 }
  ]
} as const satisfies ScenarioInput

/**
 * A hostile VM floods its device model while two others send UDP at 8 Mb/s through the same card:
 * five storms of 10,000 hostile commands within half a second. Every command is refused at the
 * trust boundary, but trapping, decoding and refusing them costs CPU, all of it on the hostile VM's
 * own threads; the CPU scheduler's fair share keeps the others' goodput (docs/model.md).
 */
export const commandStorm = {
  mode: "virtual-wifi",
  durationSeconds: 6,
  card: { vmacs: 4, channel: 6 },
  aps: [{ ssid: "lab", bssid: "02:00:00:00:01:00", security: { kind: "wpa2-psk", passphrase: "vwifi-lab-key" } }],
  vms: [
    { name: "hostile", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [] },
    { name: "victim-1", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 8 }] },
    { name: "victim-2", ssid: "lab", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-tx", offeredMbps: 8 }] }
  ],
  faults: [2.0, 2.1, 2.2, 2.3, 2.4].map((atSeconds) => ({ kind: "command-storm" as const, atSeconds, vm: "hostile", commands: 10_000 }))
} as const satisfies ScenarioInput

/**
 * A laptop walking down a 100 m corridor with two networks, each an ESS of an AP at either end: two
 * VMs on its one card, each joined to its own network, roam by their own thresholds, at different
 * moments, to different APs (issue 12 §1).
 */
export const roamingWalk = {
  durationSeconds: 90,
  host: { position: { x: 2, y: 0 }, walk: { waypoints: [{ x: 98, y: 0 }], speedMps: 1.4 } },
  aps: [
    { ssid: "corp", bssid: "02:00:00:00:01:00", channel: 1, position: { x: 0, y: 0 } },
    { ssid: "corp", bssid: "02:00:00:00:01:01", channel: 11, position: { x: 100, y: 0 } },
    { ssid: "guest", bssid: "02:00:00:00:01:02", channel: 6, position: { x: 0, y: 5 } },
    { ssid: "guest", bssid: "02:00:00:00:01:03", channel: 11, position: { x: 100, y: 5 } }
  ],
  vms: [
    { name: "work", ssid: "corp", passphrase: "vwifi-lab-key", roaming: { thresholdDbm: -65, shortIntervalS: 5 }, traffic: [{ kind: "ping", intervalMs: 100 }] },
    { name: "visitor", ssid: "guest", passphrase: "vwifi-lab-key", roaming: { thresholdDbm: -75, shortIntervalS: 5 }, traffic: [{ kind: "udp-rx", offeredMbps: 2 }] }
  ]
} as const satisfies ScenarioInput

/**
 * Four APs at the corners of a 40 × 30 m floor and a laptop walking a loop through it: one VM runs a
 * WiFi location service (the seed's use case), the other streams (issue 12 §5). Try
 * `driver.scanCacheAgeMs` 0, 2000 and 10000 to see the cache trade scans for stale estimates.
 */
export const locationFloor = {
  durationSeconds: 120,
  host: { position: { x: 5, y: 5 }, walk: { waypoints: [{ x: 35, y: 5 }, { x: 35, y: 25 }, { x: 5, y: 25 }], speedMps: 1, loop: true } },
  aps: [
    { ssid: "floor", bssid: "02:00:00:00:01:00", channel: 1, position: { x: 0, y: 0 } },
    { ssid: "floor", bssid: "02:00:00:00:01:01", channel: 6, position: { x: 40, y: 0 } },
    { ssid: "floor", bssid: "02:00:00:00:01:02", channel: 11, position: { x: 0, y: 30 } },
    { ssid: "floor", bssid: "02:00:00:00:01:03", channel: 1, position: { x: 40, y: 30 } }
  ],
  vms: [
    { name: "locator", ssid: "floor", passphrase: "vwifi-lab-key", traffic: [{ kind: "locate", intervalMs: 1000 }] },
    { name: "streamer", ssid: "floor", passphrase: "vwifi-lab-key", traffic: [{ kind: "udp-rx", offeredMbps: 4 }] }
  ]
} as const satisfies ScenarioInput

/**
 * Rate control: two VMs on one 802.11g card running Minstrel, joined to an AP at −50 dBm and one at
 * −82 dBm; each saturates UDP up. The close VM's frames go at 54 Mbit/s, the distant one's lower.
 */
export const rateControl = {
  mode: "virtual-wifi",
  durationSeconds: 5,
  card: { vmacs: 4, channel: 6, phy: { standard: "802.11g", rateMbps: 54 }, rateControl: "minstrel" },
  aps: [
    { ssid: "near", bssid: "02:00:00:00:01:00", channel: 6, signalDbm: -50, security: { kind: "wpa2-psk", passphrase: "near-secret" } },
    { ssid: "far", bssid: "02:00:00:00:01:01", channel: 6, signalDbm: -82, security: { kind: "wpa2-psk", passphrase: "far-secret" } }
  ],
  vms: [
    { name: "close", ssid: "near", passphrase: "near-secret", traffic: [{ kind: "udp-tx" }] },
    { name: "distant", ssid: "far", passphrase: "far-secret", traffic: [{ kind: "udp-tx" }] }
  ]
} as const satisfies ScenarioInput

/**
 * Three VMs in legacy power save on one card: one receiving a slow UDP stream (fetched from the AP's
 * buffer with PS-Polls), one pinging once a second, one idle listening to every third beacon. The
 * radio sleeps whenever all three doze (docs/model.md#power-save-and-energy).
 */
export const powerSave = {
  durationSeconds: 10,
  card: { vmacs: 3 },
  vms: [
    {
      name: "mail",
      ssid: "lab",
      passphrase: "vwifi-lab-key",
      powerSave: { mode: "legacy", listenInterval: 1, dynamicTimeoutMs: 100 },
      traffic: [{ kind: "udp-rx", offeredMbps: 0.05 }]
    },
    {
      name: "chat",
      ssid: "lab",
      passphrase: "vwifi-lab-key",
      powerSave: { mode: "legacy" },
      traffic: [{ kind: "ping", intervalMs: 1000 }]
    },
    {
      name: "idle",
      ssid: "lab",
      passphrase: "vwifi-lab-key",
      powerSave: { mode: "legacy", listenInterval: 3 }
    }
  ]
} as const satisfies ScenarioInput

// Shared by every caller: frozen, so that one cannot change them for the rest (spread one to vary it).
for (const example of [twoVmsTwoAps, fourVmsHt40, wrongPassphrase, faultSchedule, commandStorm, roamingWalk, locationFloor, rateControl, powerSave]) deepFreeze(example)
